"""Issue 16 (fit-outcome): the outcome scores (placement.selectors.outcomes.outcome_scores)
over national-scale data (bench/generate.py; scale 16 = national), every region, the
placements started from 1 January four years back to today: per need-profile element x
care type x provider, and per facility, counted and held for 90 and 180 days, with the
Wilson interval for each row (what the report and matching compute).

The floor is hand-written SQL that states the rule a second time, independently of the
product's fragment (LEFT JOIN on the transfer, CASE instead of EXISTS), and returns the same
counts; `same_rows` compares every row and number. Peak Python memory (tracemalloc) of one
path run and the process's peak RSS are written to bench/results/outcomes.json.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import tracemalloc
from pathlib import Path

from django.db import connection

from bench.generate import generate
from bench.harness import Benchmark, register, shared
from placement.outcomes import wilson
from placement.selectors.outcomes import outcome_scores

TZ = "Europe/Amsterdam"
RESULTS = Path(__file__).resolve().parent.parent / "results" / "outcomes.json"
MEMORY: list[dict] = []

FLOOR_SQL = f"""
WITH base AS (
    SELECT p.id, p.provider_id, p.facility_id, f.care_type_id, p.start_date, p.end_date, p.end_reason,
           (t.created_at AT TIME ZONE '{TZ}')::date AS transfer_day,
           coalesce(a.specialisations, '{{}}')::text[] AS sp, coalesce(a.care_types, '{{}}')::text[] AS ct,
           coalesce(a.security, '') AS sec, coalesce(a.intensity, '') AS inten
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN capacity_facility f ON f.id = p.facility_id
    LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
    LEFT JOIN placement_transfer t ON t.from_placement_id = p.id
    WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s AND p.start_date <= %(day)s
), flags AS (
    SELECT b.*, h.h,
           CASE WHEN (b.end_date <= %(day)s AND b.end_reason <> '01' AND b.end_date - b.start_date < h.h)
                  OR (b.transfer_day <= %(day)s AND b.transfer_day - b.start_date < h.h) THEN 1 ELSE 0 END AS failed,
           CASE WHEN b.end_date <= %(day)s OR %(day)s - b.start_date >= h.h THEN 1 ELSE 0 END AS settled
    FROM base b CROSS JOIN (VALUES (90), (180)) AS h(h)
), per AS (
    SELECT id, provider_id, facility_id, care_type_id, sp, ct, sec, inten,
           max(CASE WHEN h = 90 AND (failed = 1 OR settled = 1) THEN 1 ELSE 0 END) AS c90,
           max(CASE WHEN h = 90 AND settled = 1 AND failed = 0 THEN 1 ELSE 0 END) AS h90,
           max(CASE WHEN h = 180 AND (failed = 1 OR settled = 1) THEN 1 ELSE 0 END) AS c180,
           max(CASE WHEN h = 180 AND settled = 1 AND failed = 0 THEN 1 ELSE 0 END) AS h180
    FROM flags GROUP BY id, provider_id, facility_id, care_type_id, sp, ct, sec, inten
), el AS (
    SELECT 'specialisation' AS kind, x AS element, per.* FROM per CROSS JOIN LATERAL unnest(per.sp) x
    UNION ALL SELECT 'care_type', ct[1], per.* FROM per WHERE cardinality(ct) > 0
    UNION ALL SELECT 'security', sec, per.* FROM per WHERE sec <> ''
    UNION ALL SELECT 'intensity', inten, per.* FROM per WHERE inten <> ''
)
SELECT kind, element, care_type_id, provider_id, NULL::bigint, count(*), sum(c90), sum(h90), sum(c180), sum(h180)
FROM el GROUP BY kind, element, care_type_id, provider_id
UNION ALL
SELECT kind, element, care_type_id, provider_id, facility_id, count(*), sum(c90), sum(h90), sum(c180), sum(h180)
FROM el GROUP BY kind, element, care_type_id, provider_id, facility_id
"""


def _context(scale):
    """The shared national data and the period."""
    return _context_from(shared(generate, scale), scale)


def _context_from(generated, scale=1):
    """The context for data `generate` made (tests pass smaller data of their own)."""
    ctx = dict(generated)
    ctx["start"] = dt.date(ctx["today"].year - 4, 1, 1)
    ctx["scale"] = scale
    return ctx


def _setup(scale):
    ctx = _context(scale)
    connection.cursor().execute("ANALYZE")
    _path(ctx)  # warm, then measure memory once
    tracemalloc.start()
    rows = _path(ctx)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    entry = {
        "scale": scale,
        "rows": len(rows),
        "placements_requests": ctx["requests"],
        "path_peak_python_mib": round(peak / 2**20, 2),
        "process_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    MEMORY[:] = [m for m in MEMORY if m["scale"] != scale] + [entry]  # the growth run sets up again
    print(f"  outcomes.scores memory {entry}", file=sys.stderr, flush=True)
    RESULTS.write_text(json.dumps(MEMORY, indent=2), encoding="utf-8")
    return ctx


def _path(ctx):
    """The product's scores and the interval of every row."""
    rows = outcome_scores(region_ids=ctx["region_ids"], start=ctx["start"], end=ctx["today"], as_of=ctx["today"])
    return [
        (
            r["kind"],
            r["element"],
            r["care_type_id"],
            r["provider_id"],
            r["facility_id"],
            r["placements"],
            r["counted_90"],
            r["held_90"],
            r["counted_180"],
            r["held_180"],
            wilson(r["held_180"], r["counted_180"]),
        )
        for r in rows
    ]


def _floor(ctx):
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL, {"regions": ctx["region_ids"], "start": ctx["start"], "end": ctx["today"], "day": ctx["today"]}
        )
        return cursor.fetchall()


def _norm(row) -> tuple:
    return tuple(v if v is None or isinstance(v, str) else int(v) for v in row)


def _same(path, floor) -> bool:
    """Every row and number equal (the interval is the path's own: computed from these counts)."""
    got = sorted((_norm(row[:10]) for row in path), key=repr)
    want = sorted((_norm(row) for row in floor), key=repr)
    return bool(got) and got == want


register(
    Benchmark(
        name="outcomes.scores",
        description="fit proven by outcome: scores per need-profile element x care type x provider (x facility)",
        setup=_setup,
        path=_path,
        floor=_floor,
        same_rows=_same,
        scales=(1, 4, 16),
        size=lambda ctx: ctx["requests"],
        data=generate,
    )
)
