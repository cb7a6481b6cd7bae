"""The capacity rules, each written once: free and occupied places, when a place is
available, when a figure is stale, the time-weighted occupancy rate and its norm.

Each rule is a Python function for Python callers, and where it must also run inside
SQL (the capacity board, the API and matching through `capacity.selectors`, the reports
in `reporting.reports`) one `*_sql` function writes its SQL from the SQL of its inputs.
Querysets use the same functions through `core.sql.Fragment`. tests/capacity/test_rules.py
holds every SQL fragment against its Python rule on the same rows.

- Free places: staffed - occupied through the product - occupied from outside - held.
- Occupied places: placements through the product plus youth placed from outside it
  (other regions, crisis). Held places (offered, not yet answered) are held, not occupied.
- A place is available only if it is free (vacant and staffed) and its figure is fresh:
  a stale figure is shown as stale, never trusted.
- A figure is stale when it was never confirmed, or confirmed more than the region's
  `freshness_days` (of 24 hours) before the moment asked about; confirmed exactly
  `freshness_days` ago it is still fresh.
- Occupancy rate: occupied place-days / contracted place-days over a period, each state
  of the facility's history holding from its change until the next, in elapsed time (a
  day with the clock change is 23 or 25 hours). Time before the first history row does
  not count; no contracted place-days -> no rate. The tariff norm is 90%.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import BooleanField, DateTimeField, F, IntegerField, Value

from core.sql import Fragment

OCCUPANCY_NORM = 90  # percent of contracted places that tariffs assume to be occupied
FIGURE_COLUMNS = ("places_staffed", "occupied_internal", "occupied_external", "held")
# AvailabilityChange kinds that record the provider's confirmation of its figures (what
# `capacity.services.availability_update` writes when it sets last_confirmed_at).
CONFIRMING_KINDS = ("updated", "confirmed")


# --- Free, occupied, available --------------------------------------------------------------


def places_free(*, staffed: int, internal: int, external: int, held: int) -> int:
    return staffed - internal - external - held


def places_occupied(*, internal: int, external: int) -> int:
    return internal + external


def places_in_use(*, internal: int, external: int, held: int) -> int:
    """Places that are taken (occupied, or held for an open offer): staffed or contracted
    places can never go below this, since those youth keep their place."""
    return places_occupied(internal=internal, external=external) + held


def is_available(*, free: int, stale: bool) -> bool:
    return free > 0 and not stale


def _free_sql(staffed: str, internal: str, external: str, held: str) -> str:
    return f"({staffed} - {internal} - {external} - {held})"


def free_places_sql(alias: str) -> str:
    """Free places of a `capacity_facility` or `capacity_availabilitychange` row."""
    return _free_sql(*(f"{alias}.{column}" for column in FIGURE_COLUMNS))


def _occupied_sql(internal: str, external: str) -> str:
    return f"({internal} + {external})"


def occupied_places_sql(alias: str) -> str:
    """Occupied places of a `capacity_facility` or `capacity_availabilitychange` row."""
    return _occupied_sql(f"{alias}.occupied_internal", f"{alias}.occupied_external")


def is_available_sql(free: str, stale: str) -> str:
    return f"(({free}) > 0 AND NOT ({stale}))"


def free_places_expression() -> Fragment:
    """`free_places_sql` for a Facility queryset."""
    return Fragment(_free_sql, *(F(column) for column in FIGURE_COLUMNS), output_field=IntegerField())


def occupied_places_expression() -> Fragment:
    """`occupied_places_sql` for a Facility queryset."""
    return Fragment(_occupied_sql, F("occupied_internal"), F("occupied_external"), output_field=IntegerField())


# --- Staleness -------------------------------------------------------------------------------


def is_stale(confirmed_at: datetime | None, *, now: datetime, freshness_days: int) -> bool:
    return confirmed_at is None or confirmed_at < now.astimezone(UTC) - timedelta(days=freshness_days)


def is_stale_sql(confirmed_at: str, now: str, freshness_days: str) -> str:
    """SQL for `is_stale`; `confirmed_at` is NULL when never confirmed (and used once, so
    it may be a subquery such as `confirmed_at_sql`)."""
    return f"(NOT COALESCE(({confirmed_at}) >= ({now}) - ({freshness_days}) * interval '24 hours', FALSE))"


def stale_at_sql(confirmed_at: str, freshness_days: str) -> str:
    """Issue 14 (api-webhooks): the moment confirmed figures turn stale, the line
    `is_stale_sql` draws (stale exactly when this moment lies before `now`)."""
    return f"(({confirmed_at}) + ({freshness_days}) * interval '24 hours')"


def stale_at_expression(confirmed_at: str = "last_confirmed_at") -> Fragment:
    """`stale_at_sql` for a Facility queryset (NULL when never confirmed)."""
    return Fragment(
        stale_at_sql, F(confirmed_at), F("municipality__region__freshness_days"), output_field=DateTimeField()
    )


def confirmed_at_sql(facility_id: str, at: str) -> str:
    """When the facility's figures were last confirmed at or before `at`, from the
    availability history (NULL if never): the past value of `Facility.last_confirmed_at`."""
    kinds = ", ".join(f"'{kind}'" for kind in CONFIRMING_KINDS)
    return (
        "(SELECT max(k.changed_at) FROM capacity_availabilitychange k "
        f"WHERE k.facility_id = {facility_id} AND k.kind IN ({kinds}) AND k.changed_at <= {at})"
    )


def confirmed_so_far_sql(alias: str, window: str) -> str:
    """`confirmed_at_sql` as a window function over a facility's history (issue 15.6: for
    many moments at once): on a `capacity_availabilitychange` row `alias` of a window
    `window` partitioned by facility and ordered by (changed_at, id), when the figures were
    last confirmed at or before that row's change (NULL if never). On the last row at or
    before a moment it equals `confirmed_at_sql` at that moment."""
    kinds = ", ".join(f"'{kind}'" for kind in CONFIRMING_KINDS)
    return f"max({alias}.changed_at) FILTER (WHERE {alias}.kind IN ({kinds})) OVER {window}"


def stale_expression(now: datetime, confirmed_at: str = "last_confirmed_at") -> Fragment:
    """`is_stale_sql` for a Facility queryset: the freshness of the region it is located in
    (of its figures, or with `confirmed_at="group_recorded_at"` of its recorded group)."""
    return Fragment(
        is_stale_sql,
        F(confirmed_at),
        Value(now, output_field=DateTimeField()),
        F("municipality__region__freshness_days"),
        output_field=BooleanField(),
    )


# --- Occupancy rate (bezettingsgraad) --------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    """Place-days over a period; `rate` = occupied / contracted place-days, None when the
    facility had no contracted place in the period."""

    start: datetime
    end: datetime
    occupied_place_days: float
    contracted_place_days: float
    staffed_place_days: float

    @property
    def rate(self) -> float | None:
        if self.contracted_place_days <= 0:
            return None
        return self.occupied_place_days / self.contracted_place_days


def _days(since: datetime, until: datetime) -> float:
    """Elapsed days (aware datetimes in one zone subtract by the wall clock in Python)."""
    return (until.timestamp() - since.timestamp()) / 86400


def occupancy_integrate(state, changes: list, start: datetime, end: datetime) -> Occupancy:
    """Time-weighted sums over [start, end) of history rows (anything with `changed_at`,
    `places_contracted`, `places_staffed`, `occupied_internal`, `occupied_external`):
    `state` is the row in force at `start` (None if the facility had no history yet),
    `changes` the rows after it, in order."""
    occupied = contracted = staffed = 0.0
    cursor = start
    for change in [*changes, None]:
        until = end if change is None else min(max(change.changed_at, start), end)
        if state is not None and until > cursor:
            days = _days(cursor, until)
            occupied += places_occupied(internal=state.occupied_internal, external=state.occupied_external) * days
            contracted += state.places_contracted * days
            staffed += state.places_staffed * days
        if change is not None:
            cursor = max(cursor, until)
            state = change
    return Occupancy(start, end, occupied, contracted, staffed)


def occupancy_intervals_sql(*, facilities: str, start: str, stop: str) -> str:
    """Two CTEs for `WITH`: `states` and `intervals` (facility_id, t0, t1, contracted,
    staffed, occupied, held): for each facility of the CTE `facilities` (with a column
    `id`) the state in force at `start` and the changes before `stop`, each holding from
    its change (at the earliest `start`) until the next change (at the latest `stop`).
    The SQL twin of `occupancy_integrate`."""
    return f"""
    states AS (
        SELECT fs.id AS facility_id, s.id, s.changed_at, s.places_contracted, s.places_staffed,
               {occupied_places_sql("s")} AS occupied, s.held
        FROM {facilities} fs CROSS JOIN LATERAL (
            SELECT * FROM capacity_availabilitychange c WHERE c.facility_id = fs.id AND c.changed_at <= {start}
            ORDER BY c.changed_at DESC, c.id DESC LIMIT 1) s
        UNION ALL
        SELECT c.facility_id, c.id, c.changed_at, c.places_contracted, c.places_staffed,
               {occupied_places_sql("c")}, c.held
        FROM capacity_availabilitychange c JOIN {facilities} fs ON fs.id = c.facility_id
        WHERE c.changed_at > {start} AND c.changed_at < {stop}
    ),
    intervals AS (
        SELECT facility_id, greatest(changed_at, {start}) AS t0,
               coalesce(lead(changed_at) OVER (PARTITION BY facility_id ORDER BY changed_at, id), {stop}) AS t1,
               places_contracted AS contracted, places_staffed AS staffed, occupied, held
        FROM states
    )"""


def place_days_sql(column: str, *, t0: str = "i.t0", t1: str = "i.t1") -> str:
    """Aggregate: place-days of `column` over intervals from `t0` to `t1` (elapsed time)."""
    return f"COALESCE(sum(extract(epoch FROM ({t1}) - ({t0})) * {column}), 0) / 86400"


def below_norm(rate_percent: float | None) -> bool | None:
    return None if rate_percent is None else rate_percent < OCCUPANCY_NORM
