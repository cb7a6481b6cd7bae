"""The five reports over national-scale data (bench/generate.py; scale 16 = national:
~200,000 requests over five years, 2,000 facilities, all 42 regions), for the last
twelve months and every region, as a coordinator sees them (exact figures).

Each path is the report builder (all its tables). Issue 15.1 (perf-floors): the floors of
refusals, transfers and waiting times are hand-written SQL giving every table of the
report (bench/benchmarks/report_floors.py) and `same_rows` checks every table; the floors
of unmet need and occupancy still compute only the report's central table.
"""

from datetime import timedelta

from django.db import connection

from bench.benchmarks.report_floors import FULL_FLOORS, base_statements, differences, drop_statements
from bench.generate import generate
from bench.harness import Benchmark, register, shared
from reporting.registry import build_report

_cache: dict = {}


def _setup(scale):
    return _setup_from(shared(generate, scale))  # made once per scale of the run


def _setup_from(data):
    ctx = dict(data)
    ctx["params"] = {"from": (ctx["today"] - timedelta(days=364)).isoformat(), "to": ctx["today"].isoformat()}
    return ctx


def _sql(sql, ctx):
    start = ctx["today"] - timedelta(days=364)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"regions": ctx["region_ids"], "start": start, "end": ctx["today"]})
        return cursor.fetchall()


def _table(tables, key):
    return next(t for t in tables if t.key == key)


def _path(code):
    return lambda ctx: build_report(code, membership=ctx["membership"], params=ctx["params"])


FLOORS = {
    # Requests waiting today by first care type: count and median days.
    "unmet-need": """
        SELECT a.care_types[1], count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY %(end)s::date - r.referral_date)
        FROM placement_placementrequest r JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
        WHERE r.region_id = ANY(%(regions)s) AND r.referral_date <= %(end)s AND r.status NOT IN ('draft')
          AND NOT EXISTS (SELECT 1 FROM placement_placement p WHERE p.request_id = r.id AND p.start_date <= %(end)s)
          AND NOT (r.status IN ('closed', 'crisis') AND r.status_changed_at::date <= %(end)s)
        GROUP BY 1 ORDER BY 1""",
    # Time-weighted occupancy per facility: each state from its change to the next.
    "occupancy": """
        WITH h AS (
            SELECT c.facility_id, c.changed_at AS t0,
                   lead(c.changed_at, 1, least(now(), (%(end)s::date + 1)::timestamptz))
                       OVER (PARTITION BY c.facility_id ORDER BY c.changed_at, c.id) AS t1,
                   c.occupied_internal + c.occupied_external AS occ, c.places_contracted AS con
            FROM capacity_availabilitychange c
            JOIN capacity_facility f ON f.id = c.facility_id JOIN accounts_municipality m ON m.id = f.municipality_id
            WHERE m.region_id = ANY(%(regions)s) AND c.changed_at < least(now(), (%(end)s::date + 1)::timestamptz))
        SELECT f.name,
               round((100 * sum(occ * extract(epoch FROM least(t1, 'infinity') - greatest(t0, %(start)s::timestamptz)))
                   / nullif(sum(con * extract(epoch FROM t1 - greatest(t0, %(start)s::timestamptz))), 0))::numeric, 1)
        FROM h JOIN capacity_facility f ON f.id = h.facility_id
        WHERE t1 > %(start)s::timestamptz GROUP BY f.id, f.name ORDER BY f.name""",
}


def _full_floor(code):
    def floor(ctx):
        start = ctx["today"] - timedelta(days=364)
        params = {"regions": ctx["region_ids"], "start": start, "end": ctx["today"]}
        with connection.cursor() as cursor:
            for statement in base_statements(code):
                cursor.execute(statement, params)
            tables = {}
            for key, sql in FULL_FLOORS[code].items():
                cursor.execute(sql, params)
                tables[key] = cursor.fetchall()
            for statement in drop_statements(code):
                cursor.execute(statement)
        return tables

    return floor


def _same_tables(tables, floor) -> bool:
    diff = differences(tables, floor)
    if diff:
        import sys

        print("report and floor differ:", diff[:5], file=sys.stderr)
    return not diff


def _r(value):
    return None if value is None else round(float(value), 1)


def _same(code):
    def unmet(tables, rows):
        got = sorted(
            (r["key"], r["waiting"], _r(r["median"]))
            for r in _table(tables, "waiting_by_care_type").rows
            if r["key"] != ""
        )
        return got == sorted((k or "", n, _r(m)) for k, n, m in rows)

    def occupancy(tables, rows):
        got = sorted((r["facility"], r["rate"]) for r in _table(tables, "by_facility").rows if r["rate"] is not None)
        want = sorted((name, _r(rate)) for name, rate in rows if rate is not None)
        # Rounded to one decimal on either side: allow the last digit to differ by one.
        same = len(got) == len(want) and all(
            a[0] == b[0] and abs(a[1] - b[1]) < 0.15 for a, b in zip(got, want, strict=True)
        )
        if not same:
            import sys

            print(
                "occupancy differs:",
                len(got),
                len(want),
                [(a, b) for a, b in zip(got, want, strict=False) if a != b][:5],
                file=sys.stderr,
            )
        return same

    return {
        "unmet-need": unmet,
        "occupancy": occupancy,
    }[code]


def _floor(code):
    if code in FULL_FLOORS:
        return _full_floor(code)
    return lambda ctx: _sql(FLOORS[code], ctx)


def _same_rows(code):
    return _same_tables if code in FULL_FLOORS else _same(code)


CODES = ["unmet-need", "refusals", "transfers", "occupancy", "waiting-times"]

for _code in CODES:
    register(
        Benchmark(
            name=f"report-{_code}",
            description=f"report {_code}: every region, last 12 months, national data at scale 16",
            setup=_setup,
            path=_path(_code),
            floor=_floor(_code),
            same_rows=_same_rows(_code),
            scales=(1, 4, 16),
            size=lambda ctx: ctx["requests"],
            data=generate,
        )
    )
