"""Reads for the what-if replay (issue 16.2): the landscape, the region's requests of the
period with their Need, the stays that are not replayed, the real placements, tariffs and
observed lengths of stay; and the scenarios, runs and results a membership may see.

The youth's age comes from `Youth.birth_month` (the first of the month of birth, what the
reports group ages by), never from the encrypted birth date: the replay reads nothing
identifying, so it logs no access. An age can therefore be a month young."""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Municipality
from capacity.models import Facility, PlannedCapacityChange
from capacity.selectors import active_band_codes, band_tariffs
from intake.models import PlacementRequest, Youth
from placement.matching import FacilityFacts
from placement.models import Placement
from placement.selectors.matching import need_for_request
from planning.models import ReplayResult, ReplayRun, Scenario
from planning.replay import Landscape, ReplayRequest, Stay
from reporting.reports.common import visible_regions

DEFAULT_STAY_DAYS = 180  # when no placement of any care type has ended yet


def period_end(start: dt.date, months: int) -> dt.date:
    """The day after the period (exclusive end): `months` calendar months after `start`."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _serving(region_id: int) -> Q:
    """The facilities a coordinator of the region may use (capacity.selectors.facility_list
    for region roles), whatever their dates: the replay judges the dates itself."""
    serves = Exists(Facility.regions_served.through.objects.filter(facility_id=OuterRef("pk"), region_id=region_id))
    return Q(serves_nationally=True) | Q(municipality__region_id=region_id) | serves


def landscape_of(region_id: int | None) -> Landscape:
    """Every facility the region may use (None: every facility), as the rules see it."""
    codes = ArraySubquery(
        Facility.specialisations.through.objects.filter(facility_id=OuterRef("pk"))
        .order_by("specialisation__code")
        .values("specialisation__code")
    )
    queryset = Facility.objects.all() if region_id is None else Facility.objects.filter(_serving(region_id))
    rows = queryset.annotate(codes=codes).values_list(
        "id",
        "provider_id",
        "provider__name",
        "care_type__code",
        "codes",
        "age_min",
        "age_max",
        "genders",
        "security_level",
        "intensity_band",
        "municipality__latitude",
        "municipality__longitude",
        "municipality__region_id",
        "active_from",
        "active_until",
        "places_contracted",
    )
    facts, places, provider, names = {}, {}, {}, {}
    for fid, pid, pname, care, spec, amin, amax, genders, sec, band, lat, lon, reg, afrom, auntil, n in rows:
        facts[fid] = FacilityFacts(
            facility_id=fid,
            care_type=care,
            specialisations=frozenset(spec or ()),
            age_min=amin,
            age_max=amax,
            genders=frozenset(genders),
            security=sec,
            intensity=band or None,
            lat=float(lat),
            lon=float(lon),
            region_id=reg,
            active_from=afrom,
            active_until=auntil,
            free_places=0,
            is_stale=False,
        )
        places[fid] = [(dt.date.min, n)]
        provider[fid] = pid
        names[pid] = pname
    return Landscape(facts=facts, places=places, provider=provider, provider_names=names)


def planned_changes(facility_ids) -> list[tuple[int, int]]:
    """(facility id, new places) of the recorded planned afbouw/opbouw, in date order."""
    return list(
        PlannedCapacityChange.objects.filter(status=PlannedCapacityChange.Status.PLANNED, facility_id__in=facility_ids)
        .order_by("effective_date", "id")
        .values_list("facility_id", "places_contracted")
    )


def median_stays(*, before: dt.date) -> dict[str, int]:
    """Care type code -> median length in days of the placements ended before `before`."""
    days = defaultdict(list)
    rows = Placement.objects.filter(end_date__isnull=False, end_date__lt=before).values_list(
        "facility__care_type__code", "start_date", "end_date"
    )
    for code, start, end in rows:
        days[code].append((end - start).days)
    return {code: max(1, int(statistics.median(values))) for code, values in days.items()}


def _requests_queryset(region_id, start, end):
    queryset = PlacementRequest.objects.filter(
        referral_date__gte=start, referral_date__lt=end, analysis__isnull=False, youth__birth_month__isnull=False
    )
    return queryset if region_id is None else queryset.filter(region_id=region_id)


class _Request:
    """What `need_for_request` reads of a request, without the request's identifying data."""

    __slots__ = ("youth", "analysis", "region")

    def __init__(self, youth, analysis, region):
        self.youth, self.analysis, self.region = youth, analysis, region


class _Analysis:
    __slots__ = ("care_types", "specialisations", "intensity", "security", "max_distance_km")

    def __init__(self, care_types, specialisations, intensity, security, max_distance_km):
        self.care_types, self.specialisations = care_types, specialisations
        self.intensity, self.security, self.max_distance_km = intensity, security, max_distance_km


class _Region:
    __slots__ = ("group_fit_hard",)

    def __init__(self, group_fit_hard):
        self.group_fit_hard = group_fit_hard


def replay_input(*, region_id: int | None, start: dt.date, end: dt.date, today: dt.date | None = None):
    """(requests, fixed stays, real placement per request id) of the period. Each request's
    Need at its own arrival date comes from `need_for_request` (the product's rule), fed
    with the birth month instead of the birth date."""
    today = today or timezone.localdate()
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    bands = active_band_codes()
    medians = median_stays(before=end)
    overall = int(statistics.median(medians.values())) if medians else DEFAULT_STAY_DAYS
    rows = _requests_queryset(region_id, start, end).values_list(
        "id",
        "referral_date",
        "youth__birth_month",
        "youth__gender",
        "youth__legal_status",
        "youth__machtiging_end_date",
        "youth__municipality_id",
        "region__group_fit_hard",
        "analysis__care_types",
        "analysis__specialisations",
        "analysis__intensity",
        "analysis__security",
        "analysis__max_distance_km",
    )
    placements = {
        rid: Stay(fid, s, e)
        for rid, fid, s, e in Placement.objects.filter(
            request__in=_requests_queryset(region_id, start, end)
        ).values_list("request_id", "facility_id", "start_date", "end_date")
    }
    requests = []
    for rid, arrival, birth, gender, legal, mend, muni, hard, care, spec, intensity, sec, km in rows:
        youth = Youth(
            birth_date=birth,
            gender=gender,
            legal_status=legal,
            machtiging_end_date=mend,
            municipality=municipalities[muni],
        )
        need = need_for_request(
            _Request(youth, _Analysis(care, spec, intensity, sec, km), _Region(hard)),
            start_date=arrival,
            band_order=bands,
        )
        real = placements.get(rid)
        if real is not None:
            stay = ((real.end or today) - real.start).days
        else:
            stay = medians.get(care[0] if care else "", overall)
        requests.append(ReplayRequest(rid, arrival, need, max(1, stay)))
    replayed = set(placements)
    fixed = [
        Stay(fid, s, e)
        for rid, fid, s, e in Placement.objects.filter(start_date__lt=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        .values_list("request_id", "facility_id", "start_date", "end_date")
        if rid not in replayed
    ]
    return requests, fixed, placements


def tariffs_of(region_id: int | None, day: dt.date) -> dict:
    return band_tariffs(region_id=region_id, day=day) if region_id is not None else {}


def region_provider_ids(landscape: Landscape, region_id: int | None) -> set[int]:
    """Providers with a facility in the region (whose occupancy the region watches)."""
    return {
        landscape.provider[fid]
        for fid, facts in landscape.facts.items()
        if fid > 0 and (region_id is None or facts.region_id == region_id)
    }


# --- What a membership may see ---------------------------------------------------------


def scenario_list(*, membership):
    return Scenario.objects.filter(region__in=visible_regions(membership)).select_related("region")


def scenario_get(*, membership, pk) -> Scenario | None:
    """A scenario of one of the membership's regions, or None (the edge answers 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return scenario_list(membership=membership).filter(pk=pk).first()


def run_get(*, membership, pk) -> ReplayRun | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        ReplayRun.objects.filter(scenario__region__in=visible_regions(membership), pk=pk)
        .select_related("scenario__region")
        .first()
    )


def results_of(run: ReplayRun) -> dict[str, ReplayResult]:
    return {r.variant: r for r in ReplayResult.objects.filter(run=run)}
