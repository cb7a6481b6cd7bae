"""Reads of facilities and their availability, scoped to the acting membership.

Who sees which facilities (`facility_list`):

- coordinator and contract manager: facilities that are active today and either serve
  one of the membership's regions, serve nationally, or are located in one of its
  regions (a facility in Twente is relevant to the Twente coordinator even when it is
  contracted by another region). Ended or not yet opened facilities are not shown.
- provider staff: every facility of their own provider organisation, active or not.
- administrator: every facility.
- anyone else: nothing (views answer 403 before, and 404 for a facility not in the list).

Every facility comes annotated with `free` (staffed - occupied - held) and `is_stale`
(never confirmed, or confirmed longer ago than the `freshness_days` of the region the
facility is located in), both written by `capacity.rules`. Totals (`facility_totals`)
count free places of stale facilities separately, so a stale figure is never presented
as a trusted free place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.models import Organisation, Region, Role
from accounts.selectors import region_ids_of
from capacity import rules
from capacity.models import (
    AvailabilityChange,
    CareType,
    Facility,
    FacilityStaleCrossing,
    GroupResident,
    IntensityBand,
    PlannedCapacityChange,
    RegionBandTariff,
    Specialisation,
)
from capacity.rules import Occupancy, occupancy_integrate

READ_ROLES = (Role.COORDINATOR, Role.CONTRACT_MANAGER, Role.PROVIDER, Role.ADMIN)
REGION_ROLES = (Role.COORDINATOR, Role.CONTRACT_MANAGER)


def _annotated(queryset, now: datetime):
    return queryset.annotate(
        free=rules.free_places_expression(),
        is_stale=rules.stale_expression(now),
        group_is_stale=rules.stale_expression(now, "group_recorded_at"),
    )


def facility_is_stale(facility, *, now: datetime | None = None) -> bool:
    """Whether the facility's figures are stale now: the same SQL rule every list uses."""
    now = now or timezone.now()
    return _annotated(Facility.objects.filter(pk=facility.pk), now).values_list("is_stale", flat=True).get()


def active_on(day: date) -> Q:
    return Q(active_from__lte=day) & (Q(active_until__isnull=True) | Q(active_until__gte=day))


def facility_list(*, membership, now: datetime | None = None, detail: bool = True):
    """The facilities `membership` may see (see module docstring), annotated and with
    everything a list or board shows loaded in a constant number of queries."""
    now = now or timezone.now()
    queryset = Facility.objects.all()
    if membership is None:
        return Facility.objects.none()
    if membership.role in REGION_ROLES:
        regions = region_ids_of(membership)
        serves = Exists(
            Facility.regions_served.through.objects.filter(facility_id=OuterRef("pk"), region_id__in=regions)
        )
        queryset = queryset.filter(Q(serves_nationally=True) | Q(municipality__region_id__in=regions) | serves).filter(
            active_on(timezone.localdate(now))
        )
    elif membership.role == Role.PROVIDER:
        queryset = queryset.filter(provider_id=membership.organisation_id)
    elif membership.role != Role.ADMIN:
        return Facility.objects.none()
    queryset = _annotated(queryset, now).select_related(
        "provider", "municipality__region", "care_type", "last_confirmed_by"
    )
    prefetches = [Prefetch("specialisations", queryset=Specialisation.objects.order_by("sort_order", "label"))]
    if detail:
        prefetches.append(Prefetch("regions_served", queryset=Region.objects.order_by("code")))
    return queryset.prefetch_related(*prefetches).order_by("name", "id")


def facility_get(*, membership, pk, now: datetime | None = None) -> Facility | None:
    """One facility the membership may see, or None (the edge answers 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return facility_list(membership=membership, now=now).filter(pk=pk).first()


# The board's totals over a (filtered) facility list, as SQL over the columns of the
# list (`_with_occupied`): one list, read as plain aggregates (`facility_totals`) and as window
# aggregates next to one page of rows (`board_page`).
_TOTALS = (
    ("facilities", "count(*)"),
    ("stale", "count(*) FILTER (WHERE t.is_stale)"),
    ("contracted", "sum(t.places_contracted)"),
    ("staffed", "sum(t.places_staffed)"),
    ("occupied", "sum(t.occupied_places)"),
    ("held", "sum(t.held)"),
    ("free", "sum(t.free) FILTER (WHERE NOT t.is_stale)"),
    ("free_stale", "sum(t.free) FILTER (WHERE t.is_stale)"),
)


def _totals_of(values) -> dict:
    return {name: value or 0 for (name, _total), value in zip(_TOTALS, values, strict=True)}


def _with_occupied(queryset):
    return queryset.prefetch_related(None).annotate(occupied_places=rules.occupied_places_expression())


def facility_totals(queryset) -> dict:
    """Sums over a (filtered) facility list. Free places of stale facilities are summed
    apart (`free_stale`): they are shown, marked, never added to the trusted `free`."""
    inner = (
        _with_occupied(queryset)
        .order_by()
        .values_list("free", "is_stale", "places_contracted", "places_staffed", "occupied_places", "held")
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # an empty list (`.none()`, a filter that cannot match)
        return {name: 0 for name, _total in _TOTALS}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(total for _name, total in _TOTALS)} FROM ({sql}) t", params)
        row = cursor.fetchone()
    return _totals_of(row)


def facilities_stale_for_reminder(*, now: datetime):
    """Active facilities that are stale and whose provider has not been reminded today."""
    today = timezone.localdate(now)
    return (
        Facility.objects.filter(rules.stale_expression(now), active_on(today), provider__is_active=True)
        .filter(Q(stale_reminder_sent_on__isnull=True) | Q(stale_reminder_sent_on__lt=today))
        .order_by("provider_id", "name")
    )


def facilities_turned_stale(*, now: datetime, since: datetime):
    """Issue 14 (api-webhooks): active facilities whose confirmed figures are stale at
    `now` (the one rule, `rules.stale_expression`) and crossed the line after `since`,
    with no `availability.stale` sent for that crossing yet; annotated with `stale_at`.
    Never-confirmed facilities have no crossing (they are stale from the start; the daily
    reminder covers them)."""
    today = timezone.localdate(now)
    return (
        Facility.objects.filter(active_on(today), provider__is_active=True, last_confirmed_at__isnull=False)
        .filter(rules.stale_expression(now))
        .annotate(stale_at=rules.stale_at_expression())
        .filter(stale_at__gt=since)
        .exclude(Exists(FacilityStaleCrossing.objects.filter(facility=OuterRef("pk"), stale_at=OuterRef("stale_at"))))
        .order_by("stale_at", "pk")
    )


def facility_history(*, facility, limit: int = 20):
    return (
        AvailabilityChange.objects.filter(facility=facility)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )


def group_of(*, facility) -> list[GroupResident]:
    """The facility's current group in the order it was recorded (the facility comes from
    `facility_get`, so the caller may see it)."""
    return list(GroupResident.objects.filter(facility=facility).order_by("position"))


def groups_of(facility_ids) -> dict[int, list[GroupResident]]:
    """The current group of each of these facilities, one query (matching)."""
    groups: dict[int, list[GroupResident]] = {}
    for resident in GroupResident.objects.filter(facility_id__in=list(facility_ids)).order_by(
        "facility_id", "position"
    ):
        groups.setdefault(resident.facility_id, []).append(resident)
    return groups


def planned_changes_of(*, facility):
    return PlannedCapacityChange.objects.filter(facility=facility).order_by("-effective_date", "-id")


def care_type_list():
    return CareType.objects.filter(is_active=True).order_by("sort_order", "label")


def specialisation_list():
    return Specialisation.objects.filter(is_active=True).order_by("sort_order", "label")


def provider_list():
    """Provider organisations with their number of facilities (a directory, no personal data)."""
    return (
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
        .annotate(facility_count=Count("facilities"))
        .prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("code")))
        .order_by("name", "id")
    )


# --- Occupancy rate (bezettingsgraad) ----------------------------------------------------


def occupancy_rate(*, facility, start: datetime, end: datetime, now: datetime | None = None) -> Occupancy:
    """Time-weighted occupancy of `facility` between `start` and `end` (capped at now).
    Two queries: the state in force at `start`, and the changes during the period."""
    end = min(end, now or timezone.now())
    if end <= start:
        return Occupancy(start, start, 0.0, 0.0, 0.0)
    history = AvailabilityChange.objects.filter(facility=facility)
    state = history.filter(changed_at__lte=start).order_by("-changed_at", "-id").first()
    changes = list(history.filter(changed_at__gt=start, changed_at__lt=end).order_by("changed_at", "id"))
    return occupancy_integrate(state, changes, start, end)


def _last_days(days: int, now: datetime) -> tuple[date, datetime]:
    """The first of the last `days` days including today, and its midnight."""
    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    return first_day, datetime.combine(first_day, time.min, tzinfo=timezone.get_current_timezone())


def occupancy_last_days(*, facility, days: int = 90, now: datetime | None = None) -> Occupancy:
    """Time-weighted occupancy over the days `occupancy_series` shows, up to now."""
    now = now or timezone.now()
    return occupancy_rate(facility=facility, start=_last_days(days, now)[1], end=now, now=now)


def occupancy_series(*, facility, days: int = 90, now: datetime | None = None) -> list[dict]:
    """Daily occupancy rates (percent, None before the facility existed) for the last
    `days` days including today, from the history in two queries (for the chart)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    first_day, start = _last_days(days, now)
    history = AvailabilityChange.objects.filter(facility=facility)
    state = history.filter(changed_at__lte=start).order_by("-changed_at", "-id").first()
    changes = list(history.filter(changed_at__gt=start, changed_at__lt=now).order_by("changed_at", "id"))
    series = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        day_start = datetime.combine(day, time.min, tzinfo=tz)
        day_end = min(datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz), now)
        in_day = [c for c in changes if day_start <= c.changed_at < day_end]
        occupancy = occupancy_integrate(state, in_day, day_start, day_end)
        rate = occupancy.rate
        series.append({"date": day.isoformat(), "rate": None if rate is None else round(rate * 100, 1)})
        before_next = [c for c in changes if c.changed_at < day_end]
        if before_next:
            state = before_next[-1]
    return series


# --- Intensity bands and the region's tariffs (issue 12, refdata) ------------------------


def band_list(*, active_only: bool = True):
    """The G7 intensity bands, lightest first."""
    bands = IntensityBand.objects.order_by("sort_order", "code")
    return bands.filter(is_active=True) if active_only else bands


def active_band_codes() -> list[str]:
    """The codes forms, the API, services and matching accept, lightest first (one query)."""
    return list(band_list().values_list("code", flat=True))


def band_choices() -> list[tuple[str, str]]:
    """(code, "K (4,5-5 uur per etmaal)") for the active bands, lightest first."""
    return [(band.code, band.label) for band in band_list()]


def band_labels() -> dict[str, str]:
    """code -> label of every band, active or not (stored codes keep their label)."""
    return {band.code: band.label for band in band_list(active_only=False)}


def _tariffs_on(*, region_id: int, day: date):
    return (
        RegionBandTariff.objects.filter(region_id=region_id, valid_from__lte=day)
        .order_by("band_id", "-valid_from", "-id")
        .distinct("band_id")
    )


def band_tariff(*, region_id: int, code: str, day: date) -> Decimal | None:
    """The region's day tariff of band `code` valid on `day` (the row with the latest
    valid_from on or before it); None when the region has none for that day or band."""
    row = _tariffs_on(region_id=region_id, day=day).filter(band__code=code).first()
    return row.tariff_eur_per_day if row else None


def band_tariffs(*, region_id: int, day: date) -> dict[str, Decimal]:
    """band code -> the region's day tariff valid on `day`, every band at once (one query)."""
    return {
        row["band__code"]: row["tariff_eur_per_day"]
        for row in _tariffs_on(region_id=region_id, day=day).values("band_id", "band__code", "tariff_eur_per_day")
    }


def band_tariff_history(*, region_id: int) -> dict[str, list[RegionBandTariff]]:
    """band code -> the region's tariff rows, newest valid_from first (one query)."""
    history: dict[str, list[RegionBandTariff]] = {}
    rows = (
        RegionBandTariff.objects.filter(region_id=region_id)
        .select_related("band", "created_by")
        .order_by("band__sort_order", "-valid_from", "-id")
    )
    for row in rows:
        history.setdefault(row.band.code, []).append(row)
    return history


def stale_facilities_summary(*, now: datetime) -> dict:
    """For monitoring (issue 13, config/metrics.py): active facilities whose figures are
    stale by the staleness rule (`rules.stale_expression`), how many of them were never
    confirmed, and the oldest confirmation among the stale ones (None if none)."""
    stale = Facility.objects.filter(rules.stale_expression(now), active_on(timezone.localdate(now)))
    summary = stale.order_by().aggregate(
        stale=Count("id"),
        never_confirmed=Count("id", filter=Q(last_confirmed_at__isnull=True)),
        oldest_confirmed_at=Min("last_confirmed_at"),
    )
    return summary


# --- The capacity board's rows, lean (issue 15, perf-pages) ------------------------------

BOARD_ROW_FIELDS = (
    "pk",
    "name",
    "provider__name",
    "municipality__name",
    "municipality__region__name",
    "care_type__label",
    "security_level",
    "specialisation_labels",
    "age_min",
    "age_max",
    "genders",
    "free",
    "is_stale",
    "held",
    "occupied_internal",
    "occupied_external",
    "places_staffed",
    "places_contracted",
    "last_confirmed_at",
)


_BOARD_INNER_FIELDS = tuple(name for name in BOARD_ROW_FIELDS if name != "specialisation_labels")
_BOARD_PAGE_SQL = """
    SELECT {columns},
           {totals}
    FROM (SELECT t.*, {windows} FROM ({rows}) t LIMIT %s OFFSET %s) page
"""
_LABELS_SQL = """ARRAY(SELECT sp.label FROM capacity_facility_specialisations fs
                      JOIN capacity_specialisation sp ON sp.id = fs.specialisation_id
                      WHERE fs.facility_id = page."pk" ORDER BY sp.sort_order, sp.label)"""


def _board_query(queryset, *, offset: int, limit: int) -> tuple[list[tuple], dict | None]:
    inner = _with_occupied(queryset).values_list(*_BOARD_INNER_FIELDS, "occupied_places")
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:
        return [], None
    columns = ", ".join(
        _LABELS_SQL if name == "specialisation_labels" else f'page."{name}"' for name in BOARD_ROW_FIELDS
    )
    statement = _BOARD_PAGE_SQL.format(
        columns=columns,
        totals=", ".join(f'page."t_{name}"' for name, _total in _TOTALS),
        windows=", ".join(f'{total} OVER () AS "t_{name}"' for name, total in _TOTALS),
        rows=sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, limit, offset))
        fetched = cursor.fetchall()
    width = len(BOARD_ROW_FIELDS)
    if not fetched:
        return [], None
    return [row[:width] for row in fetched], _totals_of(fetched[0][width:])


def board_page(queryset, *, page, page_size: int) -> tuple[list[tuple], dict, Page]:
    """One page of a (filtered, ordered) `facility_list(detail=False)` as plain tuples of
    `BOARD_ROW_FIELDS` (specialisations as an ordered array of labels), with the totals of
    the whole list (`facility_totals`' sums) and the page (`Paginator.get_page`: a page
    that is not a number is the first, one out of range the last). ONE statement: the
    list is compiled once, the totals are window sums next to the page's rows, the labels
    are read for the rows shown only. A page past the end (only then) costs two more."""
    first = Paginator(range(10**12), page_size).get_page(page).number  # what was asked, if it exists
    rows, totals = _board_query(queryset, offset=(first - 1) * page_size, limit=page_size)
    if totals is None:  # past the end, or nothing at all
        totals = facility_totals(queryset)
    shown = Paginator(range(totals["facilities"]), page_size).get_page(page)
    if shown.number != first:
        rows, _totals = _board_query(queryset, offset=(shown.number - 1) * page_size, limit=page_size)
    return rows, totals, shown
