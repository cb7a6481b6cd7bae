"""The five reports over national-scale data (bench/generate.py; scale 16 = national:
~200,000 requests over five years, 2,000 facilities, all 42 regions), for the last
twelve months and every region, as a coordinator sees them (exact figures).

Each path is the report builder (all its tables). Issue 15.1 (perf-floors, floors2): the
floor of every report is hand-written SQL giving every table of the report
(bench/benchmarks/report_floors.py) and `same_rows` checks every table, row by row.
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


def _path(code):
    return lambda ctx: build_report(code, membership=ctx["membership"], params=ctx["params"])


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


def _floor(code):
    return _full_floor(code)


def _same_rows(code):
    return _same_tables


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
