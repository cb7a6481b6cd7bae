"""Matching from the database: the facilities a coordinator may use, as `FacilityFacts`,
evaluated against the request's need (`placement.matching`).

A constant number of queries whatever the number of facilities: the active bands, the
providers that already refused the request (declined, no answer in time, or retracted
after acceptance), and one query for the facilities as plain rows (issue 15): the hard
criteria evaluated in SQL, specialisation codes and the current group as arrays, free
places and staleness annotated. Every row is ranked (`placement.matching.ranking_key`)
without building its explanation; explanations (`placement.matching.evaluate`) are built
only for the rows shown: every fitting facility and one page of the unfit ones (the rest
is counted per failed criterion). Issue 16: one more query gives those rows the soft
criterion "fit proven by outcome" (placement.outcomes). `facilities_for_matching` / `facility_facts` (model
objects) remain for the work queue's count of fitting facilities.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, DateField, ExpressionWrapper, OuterRef, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.geo import distance_km
from capacity.models import Facility, FunctioningLevel, Gender
from capacity.selectors import active_band_codes, active_on, facility_list
from core.events import events_for
from placement.matching import (
    ALL_FACILITY_GENDERS,
    CLOSED,
    GROUP_CRITERIA,
    FacilityFacts,
    Group,
    Match,
    Need,
    Resident,
    _Texts,
    evaluate,
    group_misfit_codes,
    intensity_score,
    ranking_key,
    specialisation_coverage,
)
from placement.models import FallThroughParty, Offer, OfferStatus
from placement.outcomes import outcome_criterion
from placement.selectors.outcomes import matching_outcomes

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


# --- The matching page and API (issue 15): rows, hard criteria in SQL, explain only what is shown --

UNFIT_PAGE_SIZE = 25  # unfit facilities explained per page; the rest is counted
HARD_CODES = ("care_type", "age", "gender", "security", "active")  # in the order `evaluate` lists them
FAILED_ORDER = (*HARD_CODES, *GROUP_CRITERIA)

# Issue 15 (perf-tuning): the two time stamps of 2,000 rows were the largest single cost of
# the rows query in a profile under load (Django's time-zone loader, ~2,500 calls per
# request). The day the group was recorded is all the rules read of it, so it comes as a
# local date (as `timezone.localdate` gives); the confirmation time is shown only for the
# rows explained, so it comes as text in UTC and is parsed for those rows alone.
_CONFIRMED_SQL = """to_char("capacity_facility"."last_confirmed_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
_GROUP_RECORDED_ON_SQL = '("capacity_facility"."group_recorded_at" AT TIME ZONE %s)::date'


@dataclass(frozen=True, slots=True)
class Ref:
    """The name (or code) of a facility's provider, municipality or care type."""

    name: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class FacilityRow:
    """What the matching page and API show of a facility (a row, not a model object)."""

    id: int
    name: str
    provider_id: int
    provider: Ref
    municipality: Ref
    care_type: Ref
    free: int
    is_stale: bool
    last_confirmed_at: datetime | None

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class MatchingResult:
    need: Need
    available: list
    full: list
    unfit: list  # the explained page of unfit facilities (`unfit_page`)
    facilities: dict  # facility id -> FacilityRow of every row shown (names, provider, place)
    refusals: dict | None = None  # provider id -> Refusal (decline policy)
    unfit_total: int = 0
    unfit_failed: dict = field(default_factory=dict)  # criterion code -> unfit facilities failing it
    unfit_page: int = 1
    unfit_page_size: int = UNFIT_PAGE_SIZE

    @property
    def unfit_pages(self) -> int:
        return max(1, -(-self.unfit_total // self.unfit_page_size))

    @property
    def unfit_truncated(self) -> bool:
        """Whether some unfit facilities are not on this page (counted, not explained)."""
        return self.unfit_total > len(self.unfit)

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


def _flag(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _hard_criteria(need: Need) -> dict:
    """The hard criteria of `placement.matching.evaluate` as SQL, one boolean each."""
    if need.gender == Gender.UNKNOWN:
        gender = Q(genders__contains=sorted(ALL_FACILITY_GENDERS))  # only where every gender is
    else:
        gender = Q(genders__contains=[need.gender])
    if need.security == CLOSED:
        security = _flag(Q(security_level=CLOSED)) if need.machtiging_valid else Value(False)
    else:
        security = _flag(~Q(security_level=CLOSED))
    return {
        "ok_care_type": _flag(Q(care_type__code__in=list(need.care_types))) if need.care_types else Value(False),
        "ok_age": _flag(Q(age_min__lte=need.age_at_start, age_max__gte=need.age_at_start)),
        "ok_gender": _flag(gender),
        "ok_security": security,
        "ok_active": _flag(active_on(need.start_date)),
    }


_COLUMNS = (
    "id",
    "name",
    "provider_id",
    "provider__name",
    "municipality__name",
    "care_type__code",
    "free",
    "is_stale",
    "confirmed_text",
    "municipality__latitude",
    "municipality__longitude",
    "municipality__region_id",
    "age_min",
    "age_max",
    "genders",
    "security_level",
    "intensity_band",
    "active_from",
    "active_until",
    "group_recorded_on",
    "group_is_stale",
    "specialisation_codes",
    "group_rows",
    "ok_care_type",
    "ok_age",
    "ok_gender",
    "ok_security",
    "ok_active",
)
(
    ID,
    NAME,
    PROVIDER_ID,
    PROVIDER,
    MUNICIPALITY,
    CARE_TYPE,
    FREE,
    STALE,
    CONFIRMED,
    LAT,
    LON,
    REGION,
    AGE_MIN,
    AGE_MAX,
    GENDERS,
    SECURITY,
    INTENSITY,
    ACTIVE_FROM,
    ACTIVE_UNTIL,
    GROUP_AT,
    GROUP_STALE,
    SPECIALISATIONS,
    RESIDENTS,
) = range(23)


# Issue 15 (second round): the specialisation codes and the group came from two subqueries
# run once per facility (2 x 2,000 index scans and sorts, two thirds of the statement's
# time at national scale); each is now aggregated once over its table and joined.
_AGGREGATES_SQL = """
    SELECT {columns}
    FROM ({rows}) f
    LEFT JOIN (SELECT fs.facility_id, array_agg(sp.code ORDER BY sp.code) AS codes
               FROM capacity_facility_specialisations fs
               JOIN capacity_specialisation sp ON sp.id = fs.specialisation_id
               GROUP BY fs.facility_id) s ON s.facility_id = f.id
    LEFT JOIN (SELECT r.facility_id,
                      array_agg(ARRAY[r.age::text, r.gender, r.level, r.machtiging::text] ORDER BY r.position)
                        AS residents
               FROM capacity_groupresident r GROUP BY r.facility_id) g ON g.facility_id = f.id
"""
# The joined arrays in their place among _COLUMNS (no array: an empty one).
_JOINED = {
    "specialisation_codes": "COALESCE(s.codes, '{}')",
    "group_rows": "COALESCE(g.residents, '{}')",
}
_OUTER_COLUMNS = ", ".join(_JOINED.get(name, f'f."{name}"') for name in _COLUMNS)


def matching_rows(*, membership, need: Need, facility_id: int | None = None, now=None) -> list[tuple]:
    """Every facility the coordinator may use (`capacity.selectors.facility_list`), as one
    tuple per facility (`_COLUMNS`), one query."""
    queryset = (
        facility_list(membership=membership, now=now, detail=False)
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .annotate(
            confirmed_text=RawSQL(_CONFIRMED_SQL, (), output_field=TextField()),
            group_recorded_on=RawSQL(
                _GROUP_RECORDED_ON_SQL, (timezone.get_current_timezone_name(),), output_field=DateField()
            ),
            **_hard_criteria(need),
        )
    )
    if facility_id is not None:
        queryset = queryset.filter(pk=facility_id)
    inner = queryset.values_list(*_COLUMNS[:SPECIALISATIONS], *_COLUMNS[RESIDENTS + 1 :])
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_AGGREGATES_SQL.format(columns=_OUTER_COLUMNS, rows=sql), params)
        return cursor.fetchall()


def _residents(row) -> tuple[Resident, ...] | None:
    if row[GROUP_AT] is None:
        return None
    return tuple(
        Resident(int(age), gender, level, machtiging == "true") for age, gender, level, machtiging in row[RESIDENTS]
    )


def _facts(row, refusal: Refusal | None) -> FacilityFacts:
    return FacilityFacts(
        facility_id=row[ID],
        care_type=row[CARE_TYPE],
        specialisations=frozenset(row[SPECIALISATIONS] or ()),
        age_min=row[AGE_MIN],
        age_max=row[AGE_MAX],
        genders=frozenset(row[GENDERS]),
        security=row[SECURITY],
        intensity=row[INTENSITY] or None,
        lat=float(row[LAT]),
        lon=float(row[LON]),
        region_id=row[REGION],
        active_from=row[ACTIVE_FROM],
        active_until=row[ACTIVE_UNTIL],
        free_places=row[FREE],
        is_stale=row[STALE],
        declined_this_request=refusal is not None,
        declined_on=refusal.on if refusal else None,
        declined_reason=refusal.reason if refusal else "",
        group=_residents(row),
        group_recorded_on=row[GROUP_AT],  # the local date (_GROUP_RECORDED_ON_SQL)
        group_is_stale=bool(row[GROUP_STALE]),
    )


def _facility_row(row) -> FacilityRow:
    return FacilityRow(
        id=row[ID],
        name=row[NAME],
        provider_id=row[PROVIDER_ID],
        provider=Ref(name=row[PROVIDER]),
        municipality=Ref(name=row[MUNICIPALITY]),
        care_type=Ref(code=row[CARE_TYPE]),
        free=row[FREE],
        is_stale=row[STALE],
        last_confirmed_at=datetime.fromisoformat(row[CONFIRMED]).replace(tzinfo=UTC) if row[CONFIRMED] else None,
    )


class _Memo:
    """The per-facility figures of the ranking that depend on few values, each computed once
    per value for one need: distance per municipality (342 places for 2,000 facilities),
    intensity per band, specialisation coverage per set of codes."""

    def __init__(self, need: Need):
        self.need = need
        self.distances: dict = {}
        self.intensities: dict = {}
        self.coverages: dict = {}

    def distance(self, lat, lon) -> float:
        key = (lat, lon)
        if key not in self.distances:
            self.distances[key] = distance_km(self.need.home_lat, self.need.home_lon, lat, lon)
        return self.distances[key]

    def intensity(self, band) -> float:
        if band not in self.intensities:
            self.intensities[band] = intensity_score(self.need.intensity, band or None, self.need.band_order)
        return self.intensities[band]

    def coverage(self, codes) -> float:
        key = tuple(codes)
        if key not in self.coverages:
            self.coverages[key] = specialisation_coverage(self.need.specialisations, frozenset(codes))
        return self.coverages[key]


_FLAGS = len(_COLUMNS) - len(HARD_CODES)


def _failed(need: Need, row) -> tuple[list, tuple]:
    """The hard criteria the row fails (SQL flags, the group rules when the region makes
    them hard), and the group criteria it fails at all (for the ranking), without texts."""
    failed = [code for code, ok in zip(HARD_CODES, row[_FLAGS:], strict=True) if not ok]
    misfits = ()
    if row[GROUP_AT] is not None and row[RESIDENTS]:
        residents = row[RESIDENTS]
        misfits = group_misfit_codes(
            need, [int(r[0]) for r in residents], [r[1] for r in residents], [r[2] for r in residents]
        )
        if need.group_fit_hard:
            failed.extend(misfits)
    return failed, misfits


def _rank_key(need: Need, row, refusals: dict, memo: _Memo, misfits: tuple):
    """The ranking key of a row that is ranked without being explained."""
    return ranking_key(
        declined=row[PROVIDER_ID] in refusals,
        other_region=row[REGION] != need.home_region_id,
        group_misfits=len(misfits),
        coverage=memo.coverage(row[SPECIALISATIONS] or ()),
        intensity=memo.intensity(row[INTENSITY]),
        distance=memo.distance(row[LAT], row[LON]),
        stale=row[STALE],
        facility_id=row[ID],
    )


def _explain_outcomes(need: Need, matches: list, shown: dict, texts: _Texts) -> None:
    """Issue 16 (fit-outcome): the soft criterion "fit proven by outcome" on every row
    shown, from ONE query (placement.selectors.outcomes.matching_outcomes). Soft and last:
    it changes neither which facilities fit nor their order."""
    counts = matching_outcomes(
        need,
        [(m.facility.facility_id, shown[m.facility.facility_id].provider_id, m.facility.care_type) for m in matches],
    )
    for match in matches:
        match.criteria.append(outcome_criterion(counts.get(match.facility.facility_id), _=texts.__getitem__))


def matching_for_request(
    *,
    membership,
    placement_request,
    start_date: date | None = None,
    facility_id: int | None = None,
    unfit_page: int = 1,
    unfit_page_size: int = UNFIT_PAGE_SIZE,
) -> MatchingResult:
    """The three lists for a request (see placement.matching.rank): the fitting ones
    explained, the unfit ones ranked and counted, one page of them (`unfit_page`, from 1)
    explained. With `facility_id` only that facility is evaluated (the offer service
    re-checks one fit)."""
    need = need_for_request(placement_request, start_date=start_date)
    refusals = refusals_of(placement_request)
    rows = matching_rows(membership=membership, need=need, facility_id=facility_id)
    texts = _Texts()
    fitting, unfit = [], []
    counts: Counter = Counter()
    memo = _Memo(need)
    for row in rows:
        failed, misfits = _failed(need, row)
        if failed:  # ranked here; the fitting ones are ranked by their explanation (Match.sort_key)
            unfit.append((_rank_key(need, row, refusals, memo, misfits), row))
            counts.update(failed)
        else:
            fitting.append(row)
    available, full = [], []
    shown = {}
    for row in fitting:
        match = evaluate(need, _facts(row, refusals.get(row[PROVIDER_ID])), texts)
        (available if match.group == Group.AVAILABLE else full).append(match)
        shown[row[ID]] = _facility_row(row)
    available.sort(key=Match.sort_key)
    full.sort(key=Match.sort_key)
    unfit.sort(key=lambda pair: pair[0])
    first = (max(1, unfit_page) - 1) * unfit_page_size
    page = []
    for _key, row in unfit[first : first + unfit_page_size]:
        page.append(evaluate(need, _facts(row, refusals.get(row[PROVIDER_ID])), texts))
        shown[row[ID]] = _facility_row(row)
    _explain_outcomes(need, available + full + page, shown, texts)
    return MatchingResult(
        need,
        available,
        full,
        page,
        shown,
        refusals=refusals,
        unfit_total=len(unfit),
        unfit_failed={code: counts[code] for code in FAILED_ORDER if counts[code]},
        unfit_page=max(1, unfit_page),
        unfit_page_size=unfit_page_size,
    )
