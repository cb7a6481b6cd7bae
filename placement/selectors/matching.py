"""Matching from the database: the facilities a coordinator may use, as `FacilityFacts`,
evaluated against the request's need (`placement.matching`).

A constant number of queries whatever the number of facilities: one for the facilities
(with their specialisation codes as an array subquery, free places and staleness
annotated) and one for the providers that already declined the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone

from capacity.models import Facility
from capacity.selectors import facility_list
from placement.matching import CLOSED, FacilityFacts, Group, Need, rank
from placement.models import Offer, OfferStatus

REFUSED = (OfferStatus.DECLINED, OfferStatus.EXPIRED)


def need_for_request(placement_request, *, start_date: date | None = None) -> Need:
    """The need of the request's latest analysis, for an intended start (default today)."""
    start_date = start_date or timezone.localdate()
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


def facility_facts(facility, *, declined_providers=frozenset()) -> FacilityFacts:
    municipality = facility.municipality
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
    )


def declined_provider_ids(placement_request) -> frozenset[int]:
    return frozenset(
        Offer.objects.filter(request=placement_request, status__in=REFUSED).values_list("provider_id", flat=True)
    )


@dataclass
class MatchingResult:
    need: Need
    available: list
    full: list
    unfit: list
    facilities: dict  # facility id -> Facility (names, provider, place for the page)

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
    declined = declined_provider_ids(placement_request)
    queryset = facilities_for_matching(membership=membership)
    if facility_id is not None:
        queryset = queryset.filter(pk=facility_id)
    facilities = {f.pk: f for f in queryset}
    groups = rank(need, [facility_facts(f, declined_providers=declined) for f in facilities.values()])
    return MatchingResult(need, groups[Group.AVAILABLE], groups[Group.FULL], groups[Group.UNFIT], facilities)
