"""The field's indicators (issue 12, reporting/reports/indicators.py) over national-scale
data (bench/generate.py, five years; scale 16 = national), every region, as a coordinator
sees them (exact figures), from 1 January four years back to today: the whole period and
each of its ~20 quarters.

Each indicator is one benchmark: the path is the product's figures for that indicator
(scope parsing included), the floor hand-written SQL computing the same numerators,
denominators (and days) per quarter and for the whole period with GROUP BY ROLLUP on the
same rows; `same_rows` checks every number.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from django.db import connection

from bench.generate import generate
from bench.harness import Benchmark, _count_queries, register, shared, timed_pair
from reporting.reports import indicators
from reporting.reports.indicators import figures, indicator_scope

TZ = "Europe/Amsterdam"


def _setup(scale):
    return _setup_from(shared(generate, scale))  # made once per scale of the run


def _setup_from(data):
    ctx = dict(data)
    start = dt.date(ctx["today"].year - 4, 1, 1)
    ctx["start"] = start
    ctx["params"] = {"from": start.isoformat(), "to": ctx["today"].isoformat()}
    return ctx


def _sql(sql, ctx):
    with connection.cursor() as cursor:
        cursor.execute(sql, {"regions": ctx["region_ids"], "start": ctx["start"], "end": ctx["today"]})
        return cursor.fetchall()


def _by(column, where, hit, extra=""):
    """Per quarter of `column` and overall (ROLLUP): numerator, denominator (+ days)."""
    return f"""
        SELECT date_trunc('quarter', {column})::date, count(*) FILTER (WHERE {hit}), count(*) {extra}
        FROM placement_placement p JOIN placement_placementrequest r ON r.id = p.request_id {where}
        {"AND" if "WHERE" in where else "WHERE"} r.region_id = ANY(%(regions)s)
          AND {column} BETWEEN %(start)s AND %(end)s
        GROUP BY ROLLUP (1)"""


DAY2 = f"COALESCE(r2.referral_date, (r2.created_at AT TIME ZONE '{TZ}')::date)"
CRISIS = "(p.kind = 'crisis' OR r.urgency = 'crisis')"
FLOORS = {
    "waiting_over_norm": f"""
        WITH d AS (
            SELECT q::date AS q, least((q + interval '3 months' - interval '1 day')::date, %(end)s) AS day
            FROM generate_series(%(start)s::date, %(end)s::date, interval '3 months') q)
        SELECT d.q, count(*) FILTER (WHERE d.day - r.referral_date > 28), count(*)
        FROM d JOIN placement_placementrequest r
          ON r.status <> 'draft' AND r.referral_date <= d.day
         AND NOT EXISTS (SELECT 1 FROM placement_placement ps WHERE ps.request_id = r.id AND ps.start_date <= d.day)
         AND NOT (r.status IN ('closed', 'crisis')
                  AND r.status_changed_at < ((d.day + 1)::timestamp AT TIME ZONE '{TZ}'))
        WHERE r.region_id = ANY(%(regions)s)
        GROUP BY d.q""",
    "crisis_within_24h": _by(
        "p.start_date",
        f"WHERE {CRISIS}",
        f"COALESCE(p.started_at, p.start_date::timestamp AT TIME ZONE '{TZ}') <= "
        "COALESCE(CASE WHEN r.submitted_at < p.created_at THEN r.submitted_at END, r.created_at) + interval '24 hours'",
    ),
    "regular_within_4w": _by("p.start_date", f"WHERE NOT {CRISIS}", "p.start_date - r.referral_date <= 28"),
    "first_provider": _by(
        "p.start_date",
        "WHERE p.offer_id IS NOT NULL",
        "p.offer_id = (SELECT o.id FROM placement_offer o WHERE o.request_id = r.id "
        "ORDER BY o.created_at, o.id LIMIT 1)",
    ),
    "dropout": _by("p.end_date", "", "p.end_reason IN ('03', '04')"),
    "repeat_request": _by(
        "p.end_date",
        "",
        f"""EXISTS (SELECT 1 FROM placement_placementrequest r2
                   WHERE r2.youth_id = p.youth_id AND r2.kind <> 'transfer' AND r2.id <> p.request_id
                     AND (r.created_at, r.id) < (r2.created_at, r2.id)
                     AND p.id IS DISTINCT FROM r2.previous_placement_id
                     AND p.end_date BETWEEN ({DAY2} - interval '6 months')::date AND {DAY2})""",
    ),
    "stay_mean": _by(
        "p.end_date",
        "",
        "FALSE",
        ", avg(p.end_date - p.start_date), percentile_cont(0.5) WITHIN GROUP (ORDER BY p.end_date - p.start_date)",
    ),
    "outflow_lighter": _by(
        "p.end_date", "", "p.aftercare_destination IN ('home', 'lighter_care', 'independent_living')"
    ),
    "provider_change": _by(
        "p.start_date",
        "JOIN placement_transfer t ON t.new_request_id = r.id "
        "JOIN placement_placement old ON old.id = t.from_placement_id",
        "p.provider_id <> old.provider_id",
    ),
    "crisis_share": _by("p.start_date", "", "p.kind = 'crisis'"),
    "outside_home_region": _by(
        "p.start_date",
        "JOIN placement_youth y ON y.id = p.youth_id JOIN accounts_municipality ym ON ym.id = y.municipality_id "
        "JOIN capacity_facility f ON f.id = p.facility_id JOIN accounts_municipality fm ON fm.id = f.municipality_id",
        "fm.region_id <> ym.region_id",
    ),
    "youth_with_stay": """
        WITH q AS (
            SELECT q::date AS q, (q + interval '3 months' - interval '1 day')::date AS last
            FROM generate_series(%(start)s::date, %(end)s::date, interval '3 months') q
            UNION ALL SELECT NULL, %(end)s::date)
        SELECT q.q, count(DISTINCT p.youth_id), count(DISTINCT p.youth_id)
        FROM q JOIN placement_placement p
          ON p.start_date <= least(q.last, %(end)s) AND (p.end_date IS NULL OR p.end_date >= COALESCE(q.q, %(start)s))
        JOIN placement_placementrequest r ON r.id = p.request_id
        WHERE r.region_id = ANY(%(regions)s)
        GROUP BY q.q""",
}
FLOORS["stay_median"] = FLOORS["stay_mean"]


def _key(day):
    return "all" if day is None else f"{day.year}-K{(day.month - 1) // 3 + 1}"


def _r(value):
    return None if value is None else round(float(value), 6)


def _same(code):
    def same(path, rows):
        got = path[code]
        want = {_key(row[0]): row[1:] for row in rows}
        if code == "waiting_over_norm":  # the whole period's list is its last day's
            want["all"] = want[max(k for k in want if k != "all")]
        if set(got) != set(want):
            return False
        for key, row in want.items():
            if (got[key]["numerator"], got[key]["denominator"]) != (row[0], row[1]):
                return False
            if code in ("stay_mean", "stay_median") and (_r(got[key]["mean"]), _r(got[key]["median"])) != (
                _r(row[2]),
                _r(row[3]),
            ):
                return False
        return True

    return same


def _path(code):
    return lambda ctx: figures(indicator_scope(ctx["membership"], ctx["params"]), codes=[code])


def _floor(code):
    return lambda ctx: _sql(FLOORS[code], ctx)


CODES = [indicator.code for indicator in indicators.INDICATORS]
DETAILS: dict[str, list[dict]] = {}
RESULTS = Path(__file__).resolve().parent.parent / "results" / "indicators.json"


def _time_each(ctx, scale: int, repeat: int) -> None:
    """Each indicator's path against its floor on this scale's rows (alternating; min/median/max, `timed_pair`),
    its query count and whether the numbers agree; written to bench/results/indicators.json."""
    for code in CODES:
        path, floor = _path(code), _floor(code)
        path(ctx), floor(ctx)  # warm
        figures, path_result, floor_result = timed_pair(path, floor, ctx, repeat)
        entry = {
            "scale": scale,
            "rows": ctx["requests"],
            **figures,
            "queries": _count_queries(path, ctx),
            "same_rows": _same(code)(path_result, floor_result),
        }
        first = (DETAILS.get(code) or [entry])[0]
        if first is not entry and first["scale"] != scale:
            entry["time_growth"] = round(entry["path_median_ms"] / first["path_median_ms"], 2)
            entry["query_growth"] = entry["queries"] - first["queries"]
        DETAILS.setdefault(code, []).append(entry)
        print(
            f"  {code:<22} scale {scale:>2} ratio {entry['ratio']:>5} ({entry['ratio_min']}-{entry['ratio_max']}) "
            f"queries {entry['queries']} "
            f"same {entry['same_rows']} path {entry['path_median_ms']} ms",
            file=sys.stderr,
            flush=True,
        )
    with open(RESULTS, "w", encoding="utf-8") as handle:
        json.dump(DETAILS, handle, indent=2)


def _setup_and_time(scale):
    ctx = _setup(scale)
    connection.cursor().execute("ANALYZE")
    _time_each(ctx, scale, int(os.environ.get("INDICATOR_BENCH_REPEAT", "5")))
    return ctx


def _all_same(path, floors):
    return all(_same(code)(path, rows) for code, rows in floors.items())


register(
    Benchmark(
        name="indicators",
        description="all indicators (each also timed alone: bench/results/indicators.json), national data",
        setup=_setup_and_time,
        path=lambda ctx: figures(indicator_scope(ctx["membership"], ctx["params"])),
        floor=lambda ctx: {code: _sql(FLOORS[code], ctx) for code in CODES},
        same_rows=_all_same,
        scales=(1, 4, 16),
        size=lambda ctx: ctx["requests"],
        data=generate,
        growth_setup=_setup,
    )
)
