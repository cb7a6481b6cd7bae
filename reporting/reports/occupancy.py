"""4. Capacity: time-weighted occupancy rate (occupied / contracted place-days against the
tariff norm) per facility and care type, contracted vs staffed vs occupied, free places
(and how many of them fresh) over time, and the share of stale availability per provider.

Computed in SQL from the append-only availability history with the SQL of
`capacity.rules` (free and occupied places, staleness, the occupancy integration that
`capacity.selectors.occupancy_rate` does in Python for one facility): the state in force
at the start of the period plus the changes during it, each holding until the next.

These are figures about places, not people: every number column is declared EXACT, so
the suppression pass shows them exactly to everyone who may see the report (the capacity
board shows them live already)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from capacity.rules import (
    OCCUPANCY_NORM,
    below_norm,
    confirmed_at_sql,
    confirmed_so_far_sql,
    free_places_sql,
    is_stale_sql,
    occupancy_intervals_sql,
    place_days_sql,
)
from reporting.registry import report
from reporting.reports.common import Scope, fetch, midnight, months, num, pct, scope_from_params
from reporting.tables import EXACT, Column, Table

FACILITIES = """
    f AS (
        SELECT f.id, f.name, f.provider_id, org.name AS provider, ct.code AS care_type, ct.label AS care_label,
               reg.freshness_days
        FROM capacity_facility f
        JOIN accounts_municipality m ON m.id = f.municipality_id
        JOIN accounts_region reg ON reg.id = m.region_id
        JOIN accounts_organisation org ON org.id = f.provider_id
        JOIN capacity_caretype ct ON ct.id = f.care_type_id
        WHERE m.region_id = ANY(%(regions)s) AND f.active_from <= %(end)s
          AND (f.active_until IS NULL OR f.active_until >= %(start)s)
    )"""

INTERVALS = FACILITIES + "," + occupancy_intervals_sql(facilities="f", start="%(start_at)s", stop="%(stop_at)s")

# BY_FACILITY_SQL, OVER_TIME_SQL, FREE_SQL and STALE_SQL read the CTEs of INTERVALS
# (REPORT_SQL below).
BY_FACILITY_SQL = f"""
    SELECT f.id, f.name, f.provider, f.care_type, f.care_label,
           {place_days_sql("i.occupied")} AS occupied_days,
           {place_days_sql("i.contracted")} AS contracted_days,
           {place_days_sql("i.staffed")} AS staffed_days,
           COALESCE(sum(extract(epoch FROM i.t1 - i.t0)), 0) / 86400 AS known_days
    FROM f LEFT JOIN intervals i ON i.facility_id = f.id AND i.t1 > i.t0
    GROUP BY f.id, f.name, f.provider, f.care_type, f.care_label
    ORDER BY f.provider, f.name, f.id
"""

# The buckets and points are numbered from 1 in the order given.
_IN_BUCKET = {"t0": "greatest(i.t0, b.b0)", "t1": "least(i.t1, b.b1)"}
OVER_TIME_SQL = f"""
    WITH buckets AS (SELECT * FROM unnest(%(b0)s::timestamptz[], %(b1)s::timestamptz[]) WITH ORDINALITY AS b(b0, b1, n))
    SELECT b.n,
           {place_days_sql("i.occupied", **_IN_BUCKET)} AS occupied_days,
           {place_days_sql("i.contracted", **_IN_BUCKET)} AS contracted_days
    FROM buckets b LEFT JOIN intervals i ON i.t0 < b.b1 AND i.t1 > b.b0
    GROUP BY b.n ORDER BY b.n
"""

# Free places at each moment, and the part of them that was not stale then: per facility the
# state in force at the moment (its last change at or before it) and when its figures were
# last confirmed by then. Set-based, not one lookup per facility and moment: the state in
# force at the first moment and when it was confirmed by then (`seed`), then the changes up
# to the last moment in one pass, each holding until the next.
_STALE_AT_POINT = is_stale_sql("h.confirmed_at", "p.t", "f.freshness_days")
FREE_SQL = f"""
    WITH points AS (SELECT * FROM unnest(%(points)s::timestamptz[]) WITH ORDINALITY AS p(t, n)),
    span AS (SELECT min(t) AS first, max(t) AS last FROM points),
    seed AS (
        SELECT f.id AS facility_id, s.changed_at, s.id, NULL::varchar AS kind, {free_places_sql("s")} AS free,
               {confirmed_at_sql("f.id", "span.first")} AS confirmed_before
        FROM f CROSS JOIN span CROSS JOIN LATERAL (
            SELECT * FROM capacity_availabilitychange c WHERE c.facility_id = f.id AND c.changed_at <= span.first
            ORDER BY c.changed_at DESC, c.id DESC LIMIT 1) s),
    later AS (
        SELECT c.facility_id, c.changed_at, c.id, c.kind, {free_places_sql("c")} AS free,
               NULL::timestamptz AS confirmed_before
        FROM capacity_availabilitychange c JOIN f ON f.id = c.facility_id CROSS JOIN span
        WHERE c.changed_at > span.first AND c.changed_at <= span.last),
    h AS (
        SELECT x.facility_id, x.changed_at, x.free, lead(x.changed_at) OVER w AS next_at,
               greatest(max(x.confirmed_before) OVER w, {confirmed_so_far_sql("x", "w")}) AS confirmed_at
        FROM (SELECT * FROM seed UNION ALL SELECT * FROM later) x
        WINDOW w AS (PARTITION BY x.facility_id ORDER BY x.changed_at, x.id))
    SELECT p.n, COALESCE(sum(h.free), 0) AS free,
           COALESCE(sum(h.free) FILTER (WHERE NOT {_STALE_AT_POINT}), 0) AS free_fresh
    FROM h JOIN points p ON h.changed_at <= p.t AND (h.next_at IS NULL OR h.next_at > p.t)
    JOIN f ON f.id = h.facility_id
    GROUP BY p.n ORDER BY p.n
"""

_STALE_AT_STOP = is_stale_sql(confirmed_at_sql("f.id", "%(stop_at)s"), "%(stop_at)s", "f.freshness_days")
STALE_SQL = f"""
    SELECT f.provider_id, f.provider, count(*) AS facilities, count(*) FILTER (WHERE {_STALE_AT_STOP}) AS stale
    FROM f GROUP BY f.provider_id, f.provider ORDER BY f.provider, f.provider_id
"""


# Issue 15.6: the whole report in one statement and one round trip; the facilities and
# their intervals are derived once and every table reads them (rows handed back as JSON:
# numeric and integers keep their exact value).
def _part(sql: str, order: str) -> str:
    return f"(SELECT json_agg(x ORDER BY {order}) FROM ({sql}) x)"


REPORT_SQL = f"""
    WITH {INTERVALS}
    SELECT {_part(BY_FACILITY_SQL, "x.provider, x.name, x.id")} AS by_facility,
           {_part(OVER_TIME_SQL, "x.n")} AS over_time,
           {_part(FREE_SQL, "x.n")} AS free,
           {_part(STALE_SQL, "x.provider, x.provider_id")} AS stale
"""


def buckets(scope: Scope) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """Weeks for periods up to four months, otherwise calendar months; clipped to now."""
    out = []
    if (scope.end - scope.start).days <= 122:
        day = scope.start
        while day <= scope.end:
            last = min(day + dt.timedelta(days=6), scope.end)
            out.append((day, last, day.strftime("%d-%m")))
            day = last + dt.timedelta(days=1)
    else:
        out = [(a, b, a.strftime("%Y-%m")) for a, b in months(scope.start, scope.end)]
    result = []
    for a, b, label in out:
        b0, b1 = midnight(a), min(midnight(b + dt.timedelta(days=1)), scope.now)
        if b1 > b0:
            result.append((b0, b1, label))
    return result


def build(scope: Scope) -> list[Table]:
    period_days = max((scope.stop_at - scope.start_at).total_seconds() / 86400, 0)
    bucket_list = buckets(scope)
    (report,) = fetch(
        REPORT_SQL,
        scope.sql(b0=[b[0] for b in bucket_list], b1=[b[1] for b in bucket_list], points=[b[1] for b in bucket_list]),
    )
    facilities = (report["by_facility"] or []) if period_days else []
    for r in facilities:
        for key in ("occupied_days", "contracted_days", "staffed_days", "known_days"):
            r[key] = float(r[key])
    rows = []
    for r in facilities:
        rate = pct(r["occupied_days"], r["contracted_days"]) if r["contracted_days"] else None
        # The average over the days the facility's figures cover in the period, not over
        # the whole period: a facility of 8 places whose history starts three quarters of
        # the way in had 8 places, not "2 on average".
        days = r["known_days"]
        rows.append(
            {
                "provider": r["provider"],
                "facility": r["name"],
                "care_type": r["care_label"],
                "contracted": num(r["contracted_days"] / days) if days else None,
                "staffed": num(r["staffed_days"] / days) if days else None,
                "occupied": num(r["occupied_days"] / days) if days else None,
                "rate": rate,
                "below_norm": None if rate is None else (_("ja") if below_norm(rate) else _("nee")),
            }
        )
    cols = [
        Column("contracted", _("Gecontracteerd (gem.)"), True, kind=EXACT),
        Column("staffed", _("Inzetbaar (gem.)"), True, kind=EXACT),
        Column("occupied", _("Bezet (gem.)"), True, kind=EXACT),
        Column("rate", _("Bezettingsgraad %"), True, kind=EXACT),
    ]
    tables = [
        Table(
            "by_facility",
            _("Bezettingsgraad per locatie"),
            [
                Column("provider", _("Aanbieder")),
                Column("facility", _("Locatie")),
                Column("care_type", _("Zorgvorm")),
                *cols,
                Column("below_norm", _("Onder %(norm)s%%") % {"norm": OCCUPANCY_NORM}),
            ],
            rows,
        )
    ]

    types: dict[str, dict] = {}
    for r in facilities:
        t = types.setdefault(
            r["care_label"], {"care_type": r["care_label"], "facilities": 0, "o": 0.0, "c": 0.0, "s": 0.0}
        )
        t["facilities"] += 1
        t["o"] += float(r["occupied_days"])
        t["c"] += float(r["contracted_days"])
        t["s"] += float(r["staffed_days"])
    type_rows = [
        {
            "care_type": t["care_type"],
            "facilities": t["facilities"],
            "contracted": num(t["c"] / period_days),
            "staffed": num(t["s"] / period_days),
            "occupied": num(t["o"] / period_days),
            "rate": pct(t["o"], t["c"]),
        }
        for t in sorted(types.values(), key=lambda t: t["care_type"])
    ]
    tables.append(
        Table(
            "by_care_type",
            _("Bezettingsgraad per zorgvorm"),
            [Column("care_type", _("Zorgvorm")), Column("facilities", _("Locaties"), True, kind=EXACT), *cols],
            type_rows,
        )
    )

    over_time = report["over_time"] or []
    for r in over_time:
        r["occupied_days"], r["contracted_days"] = float(r["occupied_days"]), float(r["contracted_days"])
    tables.append(
        Table(
            "over_time",
            _("Bezettingsgraad in de tijd"),
            [
                Column("period", _("Periode")),
                Column("rate", _("Bezettingsgraad %"), True, kind=EXACT),
                Column("norm", _("Norm %"), True, kind=EXACT),
            ],
            [
                {
                    "period": bucket_list[r["n"] - 1][2],
                    "rate": pct(r["occupied_days"], r["contracted_days"]),
                    "norm": OCCUPANCY_NORM,
                }
                for r in over_time
            ],
        )
    )

    free = report["free"] or []
    tables.append(
        Table(
            "free_over_time",
            _("Vrije plekken aan het eind van elke periode"),
            [
                Column("period", _("Periode")),
                Column("free", _("Vrij"), True, kind=EXACT),
                Column("free_fresh", _("Waarvan actueel"), True, kind=EXACT),
            ],
            [
                {
                    "period": bucket_list[r["n"] - 1][2],
                    "free": int(r["free"]),
                    "free_fresh": int(r["free_fresh"]),
                }
                for r in free
            ],
        )
    )

    stale = report["stale"] or []
    tables.append(
        Table(
            "stale_by_provider",
            _("Verouderde beschikbaarheid per aanbieder (einde periode)"),
            [
                Column("provider", _("Aanbieder")),
                Column("facilities", _("Locaties"), True, kind=EXACT),
                Column("stale", _("Verouderd"), True, kind=EXACT),
                Column("share", _("Verouderd %"), True, kind=EXACT),
            ],
            [
                {
                    "provider": r["provider"],
                    "facilities": r["facilities"],
                    "stale": r["stale"],
                    "share": pct(r["stale"], r["facilities"]),
                }
                for r in stale
            ],
        )
    )
    return tables


@report("occupancy")
def occupancy(*, membership, params):
    return build(scope_from_params(membership, params))
