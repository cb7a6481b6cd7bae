"""Contracts (issue 12 point 2): create and change, every change kept as a
`ContractChange` row with old and new values. Contract managers of the contract's
region only (the edge resolves the contract through `capacity.contract_selectors`).

All errors of the input are reported at once (`Invalid` with every field); nothing is
written unless all is right. The database holds the same rules (capacity.models.Contract)
and refuses an overlapping contract even when two requests race past the check here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from accounts.selectors import region_ids_of
from capacity.contract_selectors import band_codes, may_edit_contracts
from capacity.models import CareType, Contract, ContractChange, ContractTariff, Facility, FundingForm
from capacity.services.common import MAX_PLACES
from core.errors import Forbidden, Invalid, NotFound, missing_params
from core.events import event_record

# The fields a contract needs ({field: message}); the form marks them "(verplicht)".
CONTRACT_REQUIRED = {
    "provider": gettext_lazy("Kies de zorgaanbieder."),
    "region": gettext_lazy("Kies de regio."),
    "start_date": gettext_lazy("Vul de ingangsdatum in."),
    "funding_form": gettext_lazy("Kies de financieringsvorm."),
    "places_contracted": gettext_lazy("Vul het aantal gecontracteerde plaatsen in."),
}
FIELDS = (
    "provider",
    "region",
    "facility",
    "care_type",
    "reference",
    "start_date",
    "end_date",
    "funding_form",
    "places_contracted",
    "day_tariff",
    "guaranteed_places",
    "budget",
    "notes",
)
MAX_MONEY = Decimal("9999999999.99")


def _money(name, value, problems, *, limit=MAX_MONEY):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append({"name": name, "reason": _("Vul een bedrag in, bijvoorbeeld 245,50.")})
        return None
    if not amount.is_finite() or amount <= 0:
        problems.append({"name": name, "reason": _("Het bedrag moet groter dan 0 zijn.")})
        return None
    if amount > limit or amount.as_tuple().exponent < -2:
        problems.append({"name": name, "reason": _("Vul een bedrag in met hoogstens twee decimalen.")})
        return None
    return amount.quantize(Decimal("0.01"))


def _places(name, value, problems):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append({"name": name, "reason": _("Vul een geheel getal in.")})
        return None
    if not 0 <= value <= MAX_PLACES:
        problems.append({"name": name, "reason": _("Vul een aantal van 0 tot %(max)s in.") % {"max": MAX_PLACES}})
        return None
    return value


def _clean(data: dict, tariffs: dict) -> tuple[dict, dict]:
    """Every problem of the input at once; the cleaned values and band tariffs."""
    problems = missing_params(CONTRACT_REQUIRED, data)
    out = {name: data.get(name) for name in FIELDS}
    out["reference"] = (out["reference"] or "").strip()
    out["notes"] = (out["notes"] or "").strip()
    provider = out["provider"]
    if provider is not None and (not isinstance(provider, Organisation) or provider.kind != Organisation.Kind.PROVIDER):
        problems.append({"name": "provider", "reason": _("Kies een zorgaanbieder.")})
    for name in ("start_date", "end_date"):
        if out[name] is not None and not isinstance(out[name], date):
            problems.append({"name": name, "reason": _("Geef een datum als JJJJ-MM-DD.")})
            out[name] = None
    start, end = out["start_date"], out["end_date"]
    if start and end and end < start:
        problems.append({"name": "end_date", "reason": _("De einddatum ligt voor de ingangsdatum.")})
    for name, value in (("start_date", start), ("end_date", end)):
        if value and not 2000 <= value.year <= 2100:
            problems.append({"name": name, "reason": _("Kies een datum tussen 2000 en 2100.")})
    form = out["funding_form"]
    if form and form not in FundingForm.values:
        problems.append({"name": "funding_form", "reason": _("Kies een financieringsvorm uit de lijst.")})
    out["places_contracted"] = _places("places_contracted", out["places_contracted"], problems)
    out["guaranteed_places"] = _places("guaranteed_places", out["guaranteed_places"], problems)
    out["day_tariff"] = _money("day_tariff", out["day_tariff"], problems, limit=Decimal("9999999.99"))
    out["budget"] = _money("budget", out["budget"], problems)
    if form == FundingForm.TASK and out["budget"] is None and not any(p["name"] == "budget" for p in problems):
        problems.append({"name": "budget", "reason": _("Een taakgericht contract heeft een jaarbudget.")})
    if form and form != FundingForm.TASK and out["budget"] is not None:
        problems.append({"name": "budget", "reason": _("Alleen een taakgericht contract heeft een jaarbudget.")})
    if out["guaranteed_places"] is not None:
        if form != FundingForm.EFFORT:
            problems.append(
                {
                    "name": "guaranteed_places",
                    "reason": _("Een volumegarantie hoort bij een inspanningsgericht contract."),
                }
            )
        elif out["day_tariff"] is None:
            problems.append(
                {"name": "day_tariff", "reason": _("Een volumegarantie wordt tegen het dagtarief betaald: vul het in.")}
            )
        if out["places_contracted"] is not None and out["guaranteed_places"] > out["places_contracted"]:
            problems.append(
                {
                    "name": "guaranteed_places",
                    "reason": _("De garantie is groter dan het aantal gecontracteerde plaatsen."),
                }
            )
    clean_tariffs = {}
    known = set(band_codes())
    for band, value in (tariffs or {}).items():
        if value in (None, ""):
            continue
        if band not in known:
            problems.append({"name": f"tariff_{band}", "reason": _("Onbekende intensiteit: %(band)s") % {"band": band}})
            continue
        amount = _money(f"tariff_{band}", value, problems, limit=Decimal("9999999.99"))
        if amount is not None:
            clean_tariffs[band] = amount
    no_tariff = form in (FundingForm.EFFORT, FundingForm.OUTPUT) and out["day_tariff"] is None and not clean_tariffs
    if no_tariff and not any(p["name"] == "day_tariff" for p in problems):
        problems.append({"name": "day_tariff", "reason": _("Vul een dagtarief in, of een tarief per intensiteit.")})
    facility, care_type = out["facility"], out["care_type"]
    if facility is not None:
        if not isinstance(facility, Facility) or (
            isinstance(provider, Organisation) and facility.provider_id != provider.pk
        ):
            problems.append({"name": "facility", "reason": _("Deze locatie hoort niet bij de gekozen zorgaanbieder.")})
        elif isinstance(care_type, CareType) and facility.care_type_id != care_type.pk:
            problems.append({"name": "care_type", "reason": _("De locatie biedt een andere zorgvorm.")})
    if problems:
        raise Invalid(_("Een of meer velden zijn niet goed ingevuld."), invalid_params=problems)
    return out, clean_tariffs


def contract_check(data: dict, tariffs: dict | None = None) -> list[dict]:
    """The problems `contract_create`/`contract_update` would refuse the input for
    (fields missing or breaking a rule), without writing: forms show them all at once."""
    try:
        _clean(data, tariffs or {})
    except Invalid as exc:
        return exc.invalid_params
    return []


def _overlap_error():
    return Invalid.field(
        "start_date",
        _("Er is al een contract met deze aanbieder (en locatie en zorgvorm) in deze periode."),
        code="overlap",
    )


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (Organisation, Facility, CareType)) or hasattr(value, "_meta"):
        return str(value)
    return str(value)


def _snapshot(contract: Contract, tariffs: dict) -> dict:
    values = {name: _text(getattr(contract, name)) for name in FIELDS}
    values["tariffs"] = ", ".join(f"{band}: {amount}" for band, amount in sorted(tariffs.items())) or None
    return values


def _check_region(membership, region):
    if not may_edit_contracts(membership):
        raise Forbidden()
    if region is not None and region.pk not in region_ids_of(membership):
        raise NotFound()


def _save(contract: Contract, tariffs: dict) -> None:
    try:
        with transaction.atomic():
            contract.save()
            ContractTariff.objects.filter(contract=contract).exclude(band__in=list(tariffs)).delete()
            for band, amount in tariffs.items():
                ContractTariff.objects.update_or_create(contract=contract, band=band, defaults={"day_tariff": amount})
    except IntegrityError as exc:
        if getattr(getattr(exc, "__cause__", None), "sqlstate", "") == "23P01":
            raise _overlap_error() from exc
        raise


def _overlaps(contract: Contract) -> bool:
    others = Contract.objects.filter(
        provider_id=contract.provider_id,
        region_id=contract.region_id,
        facility_id=contract.facility_id,
        care_type_id=contract.care_type_id,
    ).exclude(pk=contract.pk)
    if contract.end_date is not None:
        others = others.filter(start_date__lte=contract.end_date)
    return others.exclude(end_date__lt=contract.start_date).exists()


@transaction.atomic
def contract_create(*, membership, by, tariffs: dict | None = None, **data) -> Contract:
    _check_region(membership, data.get("region"))
    values, clean_tariffs = _clean(data, tariffs or {})
    contract = Contract(**values, created_by=by, version=1)
    if _overlaps(contract):
        raise _overlap_error()
    _save(contract, clean_tariffs)
    after = _snapshot(contract, clean_tariffs)
    ContractChange.objects.create(
        contract=contract,
        version=1,
        changed_by=by,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "")},
    )
    event_record(subject=contract, event_type="contract.created", by=by, organisation=contract.provider)
    return contract


@transaction.atomic
def contract_update(*, membership, contract, by, tariffs: dict | None = None, **data) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _check_region(membership, contract.region)
    _check_region(membership, data.get("region"))
    values, clean_tariffs = _clean(data, tariffs or {})
    before = _snapshot(contract, {t.band: t.day_tariff for t in contract.tariffs.all()})
    for name, value in values.items():
        setattr(contract, name, value)
    after = _snapshot(contract, clean_tariffs)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return contract
    if _overlaps(contract):
        raise _overlap_error()
    contract.version += 1
    _save(contract, clean_tariffs)
    ContractChange.objects.create(contract=contract, version=contract.version, changed_by=by, changes=changes)
    event_record(
        subject=contract,
        event_type="contract.changed",
        by=by,
        organisation=contract.provider,
        details={"version": contract.version, "fields": sorted(changes)},
    )
    return contract
