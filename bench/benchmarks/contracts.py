"""Issue 12: the "contracts" report (contracts and money) over national-scale data
(bench/generate.py, with one contract per facility from `generate_contracts`), for the
last twelve months and every region, as a coordinator sees it (exact figures).

The floor is hand-written SQL for the report's money figures per contract: the
region's placements at the contract's facility, their days in the period and their cost
at the contract's tariff for the placement's band; `same_rows` checks them against the
report's table "by_contract"."""

from datetime import timedelta

from django.db import connection

from bench.generate import generate
from bench.harness import Benchmark, register
from reporting.registry import build_report

FLOOR = """
    WITH pl AS (
        SELECT c.id AS contract_id, p.id,
               least(COALESCE(p.end_date - 1, %(end)s::date), %(end)s::date)
                 - greatest(p.start_date, c.start_date, %(start)s::date) + 1 AS days,
               COALESCE(t.day_tariff, c.day_tariff) AS tariff
        FROM capacity_contract c
        JOIN placement_placement p ON p.facility_id = c.facility_id
        JOIN placement_placementrequest r ON r.id = p.request_id AND r.region_id = c.region_id
        JOIN capacity_facility f ON f.id = p.facility_id
        LEFT JOIN capacity_contracttariff t ON t.contract_id = c.id
             AND t.band = COALESCE(NULLIF(p.intensity, ''), f.intensity_band)
        WHERE c.region_id = ANY(%(regions)s) AND p.start_date <= %(end)s
          AND (p.end_date IS NULL OR p.end_date > %(start)s)
    )
    SELECT c.reference, count(pl.id), COALESCE(sum(pl.days), 0),
           CASE WHEN count(pl.id) = 0 THEN 0 WHEN count(pl.id) > count(pl.tariff) THEN NULL
                ELSE sum(pl.days * pl.tariff) END
    FROM capacity_contract c LEFT JOIN pl ON pl.contract_id = c.id
    WHERE c.region_id = ANY(%(regions)s) AND c.start_date <= %(end)s
      AND (c.end_date IS NULL OR c.end_date >= %(start)s)
    GROUP BY c.id, c.reference ORDER BY c.reference
"""


def _setup(scale):
    ctx = generate(scale)
    ctx["params"] = {"from": (ctx["today"] - timedelta(days=364)).isoformat(), "to": ctx["today"].isoformat()}
    return ctx


def _path(ctx):
    return build_report("contracts", membership=ctx["membership"], params=ctx["params"])


def _floor(ctx):
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR, {"regions": ctx["region_ids"], "start": ctx["today"] - timedelta(days=364), "end": ctx["today"]}
        )
        return cursor.fetchall()


def _money(value):
    return None if value is None else round(float(value), 2)


def _same(tables, rows):
    table = next(t for t in tables if t.key == "by_contract")
    got = sorted(
        (r["reference"], r["placements"], r["placement_days"], _money(r["cost"]))
        for r in table.rows
        if not r.get("_total")
    )
    want = sorted((ref, n, int(days), _money(cost)) for ref, n, days, cost in rows)
    return got == want


register(
    Benchmark(
        name="report-contracts",
        description="report contracts: every region, last 12 months, one contract per facility, national at 16",
        setup=_setup,
        path=_path,
        floor=_floor,
        same_rows=_same,
        scales=(1, 4, 16),
        size=lambda ctx: ctx["requests"],
    )
)
