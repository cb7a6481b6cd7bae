"""A region's day tariffs per G7 intensity band (issue 12).

A coordinator or contract manager of the region sets new tariffs that take effect from a
date; each changed band gets a new `RegionBandTariff` row (history is never rewritten,
the table is append-only). Every error of a change is reported at once, naming the field
(`valid_from`, `tariffs.<code>`); the database refuses a tariff of zero or less and a
second tariff for the same band and day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, Role
from accounts.selectors import region_ids_of
from capacity.models import IntensityBand, RegionBandTariff
from capacity.selectors import band_tariffs
from core.errors import Forbidden, Invalid, NotFound
from core.events import event_record

TARIFF_ROLES = (Role.COORDINATOR, Role.CONTRACT_MANAGER)
TARIFF_MAX = Decimal("999999.99")  # Decimal(8, 2)
BACK_DAYS = 366  # a change may correct the tariffs of the past year at most
AHEAD_YEARS = 5


def _tariff(value):
    """A Decimal with at most two decimals, or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        return None
    return amount


def _date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def valid_from_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=BACK_DAYS), today.replace(year=today.year + AHEAD_YEARS)


def _errors(*, valid_from, tariffs: dict, bands: dict[str, IntensityBand]) -> list[dict]:
    errors = []
    low, high = valid_from_bounds()
    if not isinstance(valid_from, dt.date):
        errors.append({"name": "valid_from", "reason": _("Vul de ingangsdatum in (JJJJ-MM-DD).")})
    elif not low <= valid_from <= high:
        errors.append(
            {
                "name": "valid_from",
                "reason": _("Kies een ingangsdatum van %(low)s tot en met %(high)s.")
                % {"low": low.strftime("%d-%m-%Y"), "high": high.strftime("%d-%m-%Y")},
            }
        )
    if not isinstance(tariffs, dict) or not tariffs:
        errors.append({"name": "tariffs", "reason": _("Geef minstens één tarief.")})
        return errors
    for code, value in tariffs.items():
        name = f"tariffs.{code}"
        if code not in bands:
            errors.append({"name": name, "reason": _("Deze intensiteitsklasse bestaat niet of is niet in gebruik.")})
            continue
        amount = _tariff(value)
        if amount is None:
            errors.append({"name": name, "reason": _("Vul een bedrag in euro's in, met hoogstens twee decimalen.")})
        elif amount <= 0:
            errors.append({"name": name, "reason": _("Een tarief is groter dan nul.")})
        elif amount > TARIFF_MAX:
            errors.append({"name": name, "reason": _("Een tarief is hoogstens 999.999,99 euro per dag.")})
    return errors


def band_tariffs_change(*, region: Region, valid_from, tariffs: dict, by, membership) -> list[RegionBandTariff]:
    """Set the region's tariffs {band code: euros per day} from `valid_from` (a date or
    JJJJ-MM-DD) on. Bands whose tariff on that day is already the given one are left
    alone; nothing to change is an error. Returns the new rows."""
    valid_from = _date(valid_from)
    if membership is None or membership.role not in TARIFF_ROLES:
        raise Forbidden()
    if region.pk not in region_ids_of(membership):
        raise NotFound()
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)  # one change of a region's tariffs at a time
        bands = {band.code: band for band in IntensityBand.objects.filter(is_active=True)}
        errors = _errors(valid_from=valid_from, tariffs=tariffs, bands=bands)
        if errors:
            raise Invalid(_("De tarieven kloppen niet."), invalid_params=errors)
        current = band_tariffs(region_id=region.pk, day=valid_from)
        taken = set(
            RegionBandTariff.objects.filter(region=region, valid_from=valid_from).values_list("band__code", flat=True)
        )
        changes = {}
        for code, value in tariffs.items():
            amount = _tariff(value)
            if current.get(code) == amount:
                continue
            if code in taken:
                errors.append(
                    {
                        "name": f"tariffs.{code}",
                        "reason": _(
                            "Op %(date)s gaat al een ander tarief voor %(code)s in. Kies een andere ingangsdatum."
                        )
                        % {"date": valid_from.strftime("%d-%m-%Y"), "code": code},
                    }
                )
                continue
            changes[code] = (current.get(code), amount)
        if errors:
            raise Invalid(_("De tarieven kloppen niet."), invalid_params=errors)
        if not changes:
            raise Invalid.field("tariffs", _("Er is geen tarief gewijzigd."))
        rows = RegionBandTariff.objects.bulk_create(
            [
                RegionBandTariff(
                    region=region, band=bands[code], tariff_eur_per_day=new, valid_from=valid_from, created_by=by
                )
                for code, (_old, new) in sorted(changes.items())
            ]
        )
        event_record(
            subject=region,
            event_type="band_tariffs.changed",
            by=by,
            organisation=membership.organisation,
            details={
                "valid_from": valid_from.isoformat(),
                "changes": {
                    code: [None if old is None else str(old), str(new)] for code, (old, new) in changes.items()
                },
            },
        )
    return rows
