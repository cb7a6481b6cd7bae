"""Fit proven by outcome (issue 16, point 1): did a placement hold? ONE definition, in SQL,
shared by the report (reporting.reports.outcomes), matching (`matching_outcomes`) and the
aggregates (`outcome_scores`).

For a horizon of H days (90 or 180) and a day D on which we look (default today):
- the placement FAILED the horizon when, known by D, it ended early (an end reason other
  than "01", ended according to plan) less than H days after its start, or it led to a
  transfer (placement_transfer) recorded less than H days after its start;
- it is COUNTED for the horizon when it failed, or ended (any reason) by D, or started at
  least H days before D. A placement still running and younger than H is censored: it is
  not counted, neither as held nor as not held;
- it HELD when it is counted and did not fail.

A placement that ended according to plan before H days without a transfer (so far) held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.small_counts import is_small
from placement.models import EndReason, Placement
from placement.outcomes import HORIZONS, MATCHING_HORIZON, OutcomeCount

ACCORDING_TO_PLAN = EndReason.ACCORDING_TO_PLAN.value


@dataclass(frozen=True)
class OutcomeSQL:
    """The SQL of the rule for one horizon, over the placement table alias given."""

    failed: str
    counted: str
    held: str


def outcome_sql(horizon: int, as_of: dt.date, alias: str = "p") -> OutcomeSQL:
    """The rule (module docstring) as SQL boolean expressions over `alias`
    (placement_placement). Only an int horizon, a date and the time zone setting are
    written into the SQL, so the fragment can sit in any query whatever its parameter style."""
    h = int(horizon)
    day = dt.date.fromordinal(as_of.toordinal()).isoformat()  # a real date, nothing else
    tz = str(settings.TIME_ZONE).replace("'", "")
    p = alias
    # Local midnight of the day after D, and of the horizon's end: a transfer is recorded as
    # a moment, the placement's start and end as days.
    seen_until = f"(DATE '{day}' + 1)::timestamp AT TIME ZONE '{tz}'"
    horizon_end = f"({p}.start_date + {h})::timestamp AT TIME ZONE '{tz}'"
    failed = (
        f"(({p}.end_date IS NOT NULL AND {p}.end_date <= DATE '{day}' AND {p}.end_reason <> '{ACCORDING_TO_PLAN}'"
        f" AND {p}.end_date < {p}.start_date + {h})"
        f" OR EXISTS (SELECT 1 FROM placement_transfer t_out WHERE t_out.from_placement_id = {p}.id"
        f" AND t_out.created_at < LEAST({horizon_end}, {seen_until})))"
    )
    ended = f"({p}.end_date IS NOT NULL AND {p}.end_date <= DATE '{day}')"  # never NULL
    counted = f"({failed} OR {ended} OR {p}.start_date + {h} <= DATE '{day}')"
    held = f"({counted} AND NOT {failed})"
    return OutcomeSQL(failed, counted, held)


def _today() -> dt.date:
    return timezone.localdate()


def placements_with_outcomes(*, as_of: dt.date | None = None, queryset=None):
    """Placements (started by D) annotated `counted_<H>` and `held_<H>` for each horizon:
    the rule above as Django annotations, for code that reads model rows."""
    as_of = as_of or _today()
    queryset = Placement.objects.all() if queryset is None else queryset
    table = Placement._meta.db_table
    annotations = {}
    for horizon in HORIZONS:
        rule = outcome_sql(horizon, as_of, alias=f'"{table}"')
        annotations[f"counted_{horizon}"] = RawSQL(rule.counted, (), output_field=BooleanField())
        annotations[f"held_{horizon}"] = RawSQL(rule.held, (), output_field=BooleanField())
    return queryset.filter(start_date__lte=as_of).annotate(**annotations)


def outcome_columns(as_of: dt.date, alias: str = "p") -> str:
    """`counted_90, held_90, counted_180, held_180` as select-list SQL (reports)."""
    parts = []
    for horizon in HORIZONS:
        rule = outcome_sql(horizon, as_of, alias)
        parts += [f"{rule.counted} AS counted_{horizon}", f"{rule.held} AS held_{horizon}"]
    return ", ".join(parts)


# --- aggregates: need-profile element x care type x provider (x facility) ------------------

ELEMENT_KINDS = ("specialisation", "care_type", "security", "intensity")

_SCORES_SQL = """
WITH o AS (
    SELECT p.id, p.provider_id, p.facility_id, f.care_type_id,
           coalesce(a.specialisations, '{{}}')::text[] AS specialisations,
           coalesce(a.care_types, '{{}}')::text[] AS care_types,
           coalesce(a.security, '') AS security, coalesce(a.intensity, '') AS intensity,
           {columns}
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN capacity_facility f ON f.id = p.facility_id
    LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
    WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
      AND p.start_date <= %(as_of)s
), e AS (
    SELECT 'specialisation' AS kind, s.code AS element, o.* FROM o, unnest(o.specialisations) AS s(code)
    UNION ALL SELECT 'care_type', o.care_types[1], o.* FROM o WHERE cardinality(o.care_types) > 0
    UNION ALL SELECT 'security', o.security, o.* FROM o WHERE o.security <> ''
    UNION ALL SELECT 'intensity', o.intensity, o.* FROM o WHERE o.intensity <> ''
)
SELECT e.kind, e.element, e.care_type_id, e.provider_id,
       CASE WHEN GROUPING(e.facility_id) = 0 THEN e.facility_id END AS facility_id,
       count(*) AS placements,
       count(*) FILTER (WHERE e.counted_90) AS counted_90, count(*) FILTER (WHERE e.held_90) AS held_90,
       count(*) FILTER (WHERE e.counted_180) AS counted_180, count(*) FILTER (WHERE e.held_180) AS held_180
FROM e
GROUP BY GROUPING SETS ((e.kind, e.element, e.care_type_id, e.provider_id),
                        (e.kind, e.element, e.care_type_id, e.provider_id, e.facility_id))
ORDER BY 1, 2, 3, 4, 5 NULLS FIRST
"""


def scores_sql(as_of: dt.date) -> str:
    return _SCORES_SQL.format(columns=outcome_columns(as_of, "p"))


def outcome_scores(*, region_ids, start: dt.date, end: dt.date, as_of: dt.date | None = None, using=None) -> list:
    """Exact counts per need-profile element (kind, element) x the facility's care type x
    provider, and per facility within them (`facility_id` None on the provider rows): the
    placements started in [start, end] in the regions, counted and held per horizon. One
    query. Suppression is the reader's (reporting.suppression; matching: core.small_counts)."""
    as_of = as_of or _today()
    params = {"regions": list(region_ids), "start": start, "end": end, "as_of": as_of}
    with (connections[using] if using else connection).cursor() as cursor:
        cursor.execute(scores_sql(as_of), params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- matching: one query for the facilities shown ------------------------------------------

_MATCHING_SQL = """
SELECT CASE WHEN GROUPING(p.facility_id) = 0 THEN p.facility_id END AS facility_id, p.provider_id, ct.code,
       count(*) FILTER (WHERE {counted}) AS counted, count(*) FILTER (WHERE {held}) AS held
FROM placement_placement p
JOIN placement_placementrequest r ON r.id = p.request_id
JOIN capacity_facility f ON f.id = p.facility_id
JOIN capacity_caretype ct ON ct.id = f.care_type_id
JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
WHERE p.provider_id = ANY(%s) AND p.start_date <= %s
  AND (a.security = 'closed') = %s AND a.specialisations::text[] @> %s::text[]
GROUP BY GROUPING SETS ((p.facility_id, p.provider_id, ct.code), (p.provider_id, ct.code))
"""


def matching_outcomes(
    need, facilities, *, horizon: int = MATCHING_HORIZON, as_of: dt.date | None = None
) -> dict[int, OutcomeCount]:
    """facility id -> the outcome of earlier placements of youth with this need's profile
    (same security level, every specialisation asked for), for the facilities given as
    (facility id, provider id, care type code): at the facility when it has THRESHOLD or
    more counted placements, else for its provider in its care type. One query, whatever
    the number of facilities or placements; nothing per youth leaves it."""
    facilities = list(facilities)
    if not facilities:
        return {}
    as_of = as_of or _today()
    rule = outcome_sql(horizon, as_of, "p")
    sql = _MATCHING_SQL.format(counted=rule.counted, held=rule.held)
    providers = sorted({provider for _f, provider, _c in facilities})
    with connection.cursor() as cursor:
        cursor.execute(sql, [providers, as_of, need.security == "closed", sorted(need.specialisations)])
        rows = cursor.fetchall()
    at_facility = {f: (c, h) for f, _p, _code, c, h in rows if f is not None}
    at_provider = {(p, code): (c, h) for f, p, code, c, h in rows if f is None}
    out = {}
    for facility_id, provider_id, code in facilities:
        counted, held = at_facility.get(facility_id, (0, 0))
        if counted and not is_small(counted):
            out[facility_id] = OutcomeCount(counted, held, "facility")
            continue
        counted, held = at_provider.get((provider_id, code), (0, 0))
        out[facility_id] = OutcomeCount(counted, held, "provider")
    return out
