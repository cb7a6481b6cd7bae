"""Reads of contracts (issue 12 point 2), scoped to the acting membership, and the one
place that decides which tariff applies.

Who sees which contracts (`contract_list`):
- contract managers and coordinators: the contracts of their membership's regions
  (contract managers may change them, coordinators only read: `may_edit_contracts`);
- administrators: every contract (read only);
- anyone else: nothing (views answer 403 before; a contract outside the list is a 404).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import Region, Role
from accounts.selectors import region_ids_of
from capacity.models import (
    Contract,
    ContractChange,
    ContractTariff,
    Facility,
    PlannedCapacityChange,
)
from capacity.rules import OCCUPANCY_NORM
from capacity.selectors import active_band_codes, band_tariff, occupancy_rate
from core.models import Event

CONTRACT_READ_ROLES = (Role.CONTRACT_MANAGER, Role.COORDINATOR, Role.ADMIN)
CONTRACT_EDIT_ROLES = (Role.CONTRACT_MANAGER,)


def may_edit_contracts(membership) -> bool:
    return membership is not None and membership.role in CONTRACT_EDIT_ROLES


def contract_regions(membership):
    """Regions whose contracts the membership sees (administrators: all)."""
    if membership is None:
        return Region.objects.none()
    if membership.role == Role.ADMIN:
        return Region.objects.order_by("name")
    if membership.role in (Role.CONTRACT_MANAGER, Role.COORDINATOR):
        return Region.objects.filter(pk__in=region_ids_of(membership)).order_by("name")
    return Region.objects.none()


def band_codes() -> list[str]:
    """The intensity band codes a contract tariff may name: the active G7 bands."""
    return active_band_codes()


def contract_list(*, membership, provider_id=None, funding_form=None, active_on: date | None = None):
    queryset = Contract.objects.filter(region__in=contract_regions(membership))
    if provider_id:
        queryset = queryset.filter(provider_id=provider_id)
    if funding_form:
        queryset = queryset.filter(funding_form=funding_form)
    if active_on:
        queryset = queryset.filter(start_date__lte=active_on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=active_on)
        )
    return (
        queryset.select_related("provider", "region", "facility", "care_type")
        .prefetch_related(Prefetch("tariffs", queryset=ContractTariff.objects.order_by("band")))
        .order_by("region__name", "provider__name", "start_date", "id")
    )


def contract_get(*, membership, pk) -> Contract | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return contract_list(membership=membership).filter(pk=pk).first()


def contract_history(*, contract):
    return ContractChange.objects.filter(contract=contract).select_related("changed_by").order_by("-version")


def contract_facilities(*, contract):
    """The facilities a contract covers: its facility, else the provider's facilities
    located in the contract's region (of its care type when it names one). The report
    uses the same rule in SQL (reporting.reports.contracts.COVERED_SQL)."""
    if contract.facility_id:
        return Facility.objects.filter(pk=contract.facility_id)
    queryset = Facility.objects.filter(provider_id=contract.provider_id, municipality__region_id=contract.region_id)
    if contract.care_type_id:
        queryset = queryset.filter(care_type_id=contract.care_type_id)
    return queryset.order_by("name", "id")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def contract_occupancy(*, contract, days: int = 90, now: datetime | None = None) -> dict | None:
    """Occupied place-days of the contract's facilities (their availability history,
    capacity.rules) against the contract's places over the last `days` days within its
    period; None when the contract did not run then."""
    now = now or timezone.now()
    start = max(now - timedelta(days=days), _midnight(contract.start_date))
    end = now if contract.end_date is None else min(now, _midnight(contract.end_date + timedelta(days=1)))
    if end <= start:
        return None
    occupied = sum(
        occupancy_rate(facility=f, start=start, end=end, now=now).occupied_place_days
        for f in contract_facilities(contract=contract)
    )
    contracted = contract.places_contracted * (end - start).total_seconds() / 86400
    rate = None if not contracted else round(100 * occupied / contracted, 1)
    return {
        "start": start,
        "end": end,
        "occupied": round(occupied, 1),
        "contracted": round(contracted, 1),
        "rate": rate,
        "below_norm": rate is not None and rate < OCCUPANCY_NORM,
    }


def region_band_tariff(*, region_id: int, code: str, day: date) -> Decimal | None:
    """The region's tariff of a band on a day (`capacity.selectors.band_tariff`)."""
    return band_tariff(region_id=region_id, code=code, day=day)


def contract_tariff(*, contract: Contract, band: str, day: date) -> Decimal | None:
    """THE tariff rule: the contract's own tariff for the band, else its day tariff, else
    the region's tariff for the band (the fallback connected at merge through
    `region_band_tariff`). `contract_tariff_sql` is the same rule in SQL."""
    own = {t.band: t.day_tariff for t in contract.tariffs.all()}
    if band in own:
        return own[band]
    if contract.day_tariff is not None:
        return contract.day_tariff
    return region_band_tariff(region_id=contract.region_id, code=band, day=day)


def region_band_tariff_sql(region_id: str, band: str, day: str) -> str:
    """SQL twin of `region_band_tariff`: the region's row for the band with the latest
    valid_from on or before the day."""
    return (
        "(SELECT rt.tariff_eur_per_day FROM capacity_regionbandtariff rt "
        "JOIN capacity_intensityband ib ON ib.id = rt.band_id "
        f"WHERE rt.region_id = {region_id} AND ib.code = {band} AND rt.valid_from <= {day} "
        "ORDER BY rt.valid_from DESC LIMIT 1)"
    )


def contract_tariff_sql(contract: str, band: str, day: str) -> str:
    """`contract_tariff` in SQL for a `capacity_contract` row `contract`."""
    return (
        f"COALESCE((SELECT t.day_tariff FROM capacity_contracttariff t WHERE t.contract_id = {contract}.id "
        f"AND t.band = {band}), {contract}.day_tariff, {region_band_tariff_sql(f'{contract}.region_id', band, day)})"
    )


# --- Planned capacity changes for contract managers -------------------------------------------


def region_facilities(*, membership):
    """Facilities located in the membership's regions (whose afbouw/opbouw a contract
    manager plans); administrators: all."""
    regions = contract_regions(membership)
    return (
        Facility.objects.filter(municipality__region__in=regions)
        .select_related("provider", "municipality__region", "care_type")
        .order_by("name", "id")
    )


def region_facility_get(*, membership, pk) -> Facility | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return region_facilities(membership=membership).filter(pk=pk).first()


def planned_change_list(*, membership):
    return (
        PlannedCapacityChange.objects.filter(facility__in=region_facilities(membership=membership))
        .select_related("facility__provider", "created_by")
        .order_by("-effective_date", "-id")
    )


def planned_change_get(*, membership, pk) -> PlannedCapacityChange | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return planned_change_list(membership=membership).filter(pk=pk).first()


def planned_change_history(*, change) -> list[Event]:
    """The events of one planned change (planned, changed, cancelled, blocked, applied),
    newest first: its history with old and new values."""
    return list(
        Event.objects.filter(
            subject_type=change.facility._meta.label_lower,
            subject_id=change.facility_id,
            event_type__startswith="capacity_change.",
            details__change=change.pk,
        )
        .select_related("actor")
        .order_by("-id")
    )
