"""Matching from the database: the facilities a coordinator may use, as `FacilityFacts`,
evaluated against the request's need (`placement.matching`).

A constant number of queries whatever the number of facilities: one for the facilities
(with their specialisation codes as an array subquery, free places and staleness
annotated), one for their current groups, and one for the providers that already refused
the request (declined, no answer in time, or retracted after acceptance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.utils import timezone

from capacity.models import Facility, FunctioningLevel
from capacity.selectors import active_band_codes, facility_list, groups_of
from core.events import events_for
from placement.matching import CLOSED, FacilityFacts, Group, Need, Resident, rank
from placement.models import FallThroughParty, Offer, OfferStatus

REFUSED = (OfferStatus.DECLINED, OfferStatus.EXPIRED)
LVB_SPECIALISATION = "lvb"  # the need profile's code for a youth with a mild intellectual disability


@dataclass(frozen=True)
class Refusal:
    """The latest refusal of a request by one provider (decline policy)."""

    offer_id: int
    on: date
    reason: str  # in words


def need_for_request(placement_request, *, start_date: date | None = None, band_order=None) -> Need:
    """The need of the request's latest analysis, for an intended start (default today).
    `band_order`: the active band codes (looked up when not given)."""
    start_date = start_date or timezone.localdate()
    if band_order is None:
        band_order = active_band_codes()
    youth = placement_request.youth
    analysis = placement_request.analysis
    municipality = youth.municipality
    return Need(
        care_types=tuple(analysis.care_types if analysis else ()),
        specialisations=frozenset(analysis.specialisations if analysis else ()),
        intensity=(analysis.intensity or None) if analysis else None,
        security=CLOSED if analysis and analysis.security == CLOSED else "open",
        machtiging_valid=youth.has_valid_machtiging(start_date),
        age_at_start=youth.age_on(start_date),
        gender=youth.gender,
        home_lat=float(municipality.latitude),
        home_lon=float(municipality.longitude),
        home_region_id=municipality.region_id,
        start_date=start_date,
        max_distance_km=float(analysis.max_distance_km) if analysis and analysis.max_distance_km else None,
        level=FunctioningLevel.LVB
        if analysis and LVB_SPECIALISATION in (analysis.specialisations or ())
        else FunctioningLevel.AVERAGE,
        group_fit_hard=placement_request.region.group_fit_hard,
        band_order=tuple(band_order),
    )


def facilities_for_matching(*, membership, now=None):
    """Every facility the coordinator may use, one query (specialisation codes inlined)."""
    codes = ArraySubquery(
        Facility.specialisations.through.objects.filter(facility_id=OuterRef("pk"))
        .order_by("specialisation__code")
        .values("specialisation__code")
    )
    return (
        facility_list(membership=membership, now=now, detail=False)
        .prefetch_related(None)
        .select_related(None)
        .select_related("provider", "municipality", "care_type")  # what the lists show; fewer objects per row
        .annotate(specialisation_codes=codes)
    )


def facility_facts(facility, *, declined_providers=frozenset(), groups=None) -> FacilityFacts:
    """The facts the rules judge. `declined_providers`: provider ids (or provider id ->
    Refusal); `groups`: facility id -> residents (`capacity.selectors.groups_of`; without
    it every group is unknown)."""
    municipality = facility.municipality
    refusal = declined_providers.get(facility.provider_id) if isinstance(declined_providers, dict) else None
    residents = None
    if facility.group_recorded_at is not None and groups is not None:
        residents = tuple(Resident(r.age, r.gender, r.level, r.machtiging) for r in groups.get(facility.pk, ()))
    return FacilityFacts(
        facility_id=facility.pk,
        care_type=facility.care_type.code,
        specialisations=frozenset(facility.specialisation_codes or ()),
        age_min=facility.age_min,
        age_max=facility.age_max,
        genders=frozenset(facility.genders),
        security=facility.security_level,
        intensity=facility.intensity_band or None,
        lat=float(municipality.latitude),
        lon=float(municipality.longitude),
        region_id=municipality.region_id,
        active_from=facility.active_from,
        active_until=facility.active_until,
        free_places=facility.free,
        is_stale=facility.is_stale,
        declined_this_request=facility.provider_id in declined_providers,
        declined_on=refusal.on if refusal else None,
        declined_reason=refusal.reason if refusal else "",
        group=residents,
        group_recorded_on=timezone.localdate(facility.group_recorded_at) if facility.group_recorded_at else None,
        group_is_stale=bool(getattr(facility, "group_is_stale", False)),
    )


def refusals_of(placement_request) -> dict[int, Refusal]:
    """provider id -> its latest refusal of this request: a decline, no answer in time, or
    a retraction after acceptance by the provider itself (FALLEN_THROUGH, party provider).
    A refusal by the youth or the parents is not the provider's."""
    refusals: dict[int, Refusal] = {}
    offers = (
        Offer.objects.filter(request=placement_request)
        .filter(
            Q(status__in=REFUSED) | Q(status=OfferStatus.FALLEN_THROUGH, fall_through_party=FallThroughParty.PROVIDER)
        )
        .order_by("answered_at", "created_at", "id")
    )
    offers = list(offers)
    # A retraction keeps the acceptance time in answered_at; its own moment is its event.
    retracted_at = (
        {
            event.details.get("offer"): event.occurred_at
            for event in events_for(placement_request).filter(event_type="offer_fallen_through").order_by("occurred_at")
        }
        if any(o.status == OfferStatus.FALLEN_THROUGH for o in offers)
        else {}
    )
    for offer in offers:
        if offer.status == OfferStatus.FALLEN_THROUGH:
            reason = offer.get_fall_through_reason_display()
            when = retracted_at.get(offer.pk) or offer.answered_at
        else:
            reason = offer.get_decline_reason_display()
            when = offer.answered_at or offer.created_at
        refusals[offer.provider_id] = Refusal(offer.pk, timezone.localdate(when), str(reason))
    return refusals


def declined_provider_ids(placement_request) -> frozenset[int]:
    return frozenset(refusals_of(placement_request))


@dataclass
class MatchingResult:
    need: Need
    available: list
    full: list
    unfit: list
    facilities: dict  # facility id -> Facility (names, provider, place for the page)
    refusals: dict | None = None  # provider id -> Refusal (decline policy)

    def group_of(self, facility_id: int) -> str | None:
        for group, matches in ((Group.AVAILABLE, self.available), (Group.FULL, self.full), (Group.UNFIT, self.unfit)):
            if any(m.facility.facility_id == facility_id for m in matches):
                return group
        return None

    def match_of(self, facility_id: int):
        for match in self.available + self.full + self.unfit:
            if match.facility.facility_id == facility_id:
                return match
        return None


def matching_for_request(
    *, membership, placement_request, start_date: date | None = None, facility_id: int | None = None
) -> MatchingResult:
    """The three lists for a request (see placement.matching.rank). With `facility_id` only
    that facility is evaluated (the offer service re-checks one fit)."""
    need = need_for_request(placement_request, start_date=start_date)
    declined = refusals_of(placement_request)
    queryset = facilities_for_matching(membership=membership)
    if facility_id is not None:
        queryset = queryset.filter(pk=facility_id)
    facilities = {f.pk: f for f in queryset}
    residents = groups_of(pk for pk, f in facilities.items() if f.group_recorded_at is not None)
    groups = rank(need, [facility_facts(f, declined_providers=declined, groups=residents) for f in facilities.values()])
    return MatchingResult(
        need, groups[Group.AVAILABLE], groups[Group.FULL], groups[Group.UNFIT], facilities, refusals=declined
    )
