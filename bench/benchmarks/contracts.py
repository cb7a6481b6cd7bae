"""Issue 12: the "contracts" report (contracts and money) over national-scale data
(bench/generate.py, with one contract per facility from `generate_contracts`), for the
last twelve months and every region, as a coordinator sees it (exact figures).

The floor is hand-written SQL for the same content as the report's two figure tables
(issue 13, fix12: before, it left out the occupancy and the unmet need, and priced
without the region's band tariff, so it was neither the same rows nor the same work):
- per contract: the region's placements at the contract's facility, their days in the
  period, their cost at the contract's band tariff, else its day tariff, else the
  region's band tariff; and the occupied place-days from the facility's availability
  history within the contract days;
- per need profile: the waiting requests, their waiting days in the period and the
  amount at the tariff that was missing.
`same_rows` checks them against the report's tables "by_contract" and "unmet_need_euro"
(occupied place-days to 0.5 of a place-day: the path's clock is read a moment later than
the floor's)."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from bench.generate import generate
from bench.harness import Benchmark, register, shared
from reporting.registry import build_report

# The region's tariff of a band on a day, for the pairs in `need`: latest valid_from.
_REGION_TARIFF = """
    SELECT DISTINCT ON (n.region_id, n.band, n.day) n.region_id, n.band, n.day, rt.tariff_eur_per_day AS tariff
    FROM need n JOIN capacity_intensityband ib ON ib.code = n.band
    JOIN capacity_regionbandtariff rt ON rt.region_id = n.region_id AND rt.band_id = ib.id AND rt.valid_from <= n.day
    ORDER BY n.region_id, n.band, n.day, rt.valid_from DESC"""

FLOOR = f"""
    WITH k AS (
        SELECT c.id, c.reference, c.region_id, c.facility_id, c.day_tariff, c.places_contracted,
               greatest(c.start_date, %(start)s::date) AS d0, least(COALESCE(c.end_date, %(end)s), %(end)s) AS d1
        FROM capacity_contract c
        WHERE c.region_id = ANY(%(regions)s) AND c.start_date <= %(end)s
          AND (c.end_date IS NULL OR c.end_date >= %(start)s)
    ),
    pl AS (
        SELECT k.id AS contract_id, k.region_id, k.d0, p.id,
               least(COALESCE(p.end_date - 1, k.d1), k.d1) - greatest(p.start_date, k.d0) + 1 AS days,
               COALESCE(NULLIF(p.intensity, ''), f.intensity_band) AS band
        FROM k JOIN placement_placement p ON p.facility_id = k.facility_id
        JOIN placement_placementrequest r ON r.id = p.request_id AND r.region_id = k.region_id
        JOIN capacity_facility f ON f.id = p.facility_id
        WHERE p.start_date <= k.d1 AND (p.end_date IS NULL OR p.end_date > k.d0)
    ),
    need AS (SELECT DISTINCT region_id, band, d0 AS day FROM pl),
    rbt AS ({_REGION_TARIFF}),
    money AS (
        SELECT pl.contract_id, count(*) AS n, sum(pl.days) AS days,
               CASE WHEN count(*) > count(COALESCE(t.day_tariff, k.day_tariff, rbt.tariff)) THEN NULL
                    ELSE sum(pl.days * COALESCE(t.day_tariff, k.day_tariff, rbt.tariff)) END AS cost
        FROM pl JOIN k ON k.id = pl.contract_id
        LEFT JOIN capacity_contracttariff t ON t.contract_id = pl.contract_id AND t.band = pl.band
        LEFT JOIN rbt ON rbt.region_id = pl.region_id AND rbt.band = pl.band AND rbt.day = pl.d0
        GROUP BY pl.contract_id
    ),
    h AS (
        SELECT c.facility_id, c.changed_at AS t0,
               lead(c.changed_at, 1, %(stop)s) OVER (PARTITION BY c.facility_id ORDER BY c.changed_at, c.id) AS t1,
               c.occupied_internal + c.occupied_external AS occ
        FROM capacity_availabilitychange c
        WHERE c.facility_id IN (SELECT facility_id FROM k) AND c.changed_at < %(stop)s
    ),
    occ AS (
        SELECT k.id AS contract_id,
               sum(h.occ * extract(epoch FROM least(h.t1, timezone(%(tz)s, (k.d1 + 1)::timestamp))
                                   - greatest(h.t0, timezone(%(tz)s, k.d0::timestamp)))) / 86400 AS occupied
        FROM k JOIN h ON h.facility_id = k.facility_id
        WHERE h.t1 > timezone(%(tz)s, k.d0::timestamp) AND h.t0 < timezone(%(tz)s, (k.d1 + 1)::timestamp)
        GROUP BY k.id
    )
    SELECT k.reference, COALESCE(money.n, 0), COALESCE(money.days, 0),
           CASE WHEN money.n IS NULL THEN 0 ELSE money.cost END,
           COALESCE(occ.occupied, 0)
    FROM k LEFT JOIN money ON money.contract_id = k.id LEFT JOIN occ ON occ.contract_id = k.id
    ORDER BY k.reference
"""

UNMET_FLOOR = f"""
    WITH w AS (
        SELECT r.region_id, COALESCE(a.care_types[1], '') AS care_type, COALESCE(a.intensity, '') AS band,
               greatest(least(%(end)s, COALESCE(ps.first - 1, %(end)s),
                              CASE WHEN r.status IN ('closed', 'crisis')
                                   THEN timezone(%(tz)s, r.status_changed_at)::date - 1 ELSE %(end)s END)
                        - greatest(%(start)s, r.referral_date) + 1, 0) AS days
        FROM placement_placementrequest r
        LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
        LEFT JOIN (SELECT request_id, min(start_date) AS first FROM placement_placement GROUP BY request_id) ps
               ON ps.request_id = r.id
        WHERE r.region_id = ANY(%(regions)s) AND r.status <> 'draft' AND r.referral_date <= %(end)s
    ),
    profiles AS (
        SELECT w.region_id, w.care_type, w.band, count(*) AS requests, sum(w.days) AS days
        FROM w WHERE w.days > 0 GROUP BY 1, 2, 3
    ),
    need AS (SELECT DISTINCT region_id, band, %(end)s::date AS day FROM profiles),
    rbt AS ({_REGION_TARIFF}),
    contracted AS (  -- per region, care type and band: the mean contract tariff
        SELECT c.region_id, COALESCE(c.care_type_id, f.care_type_id) AS care_type_id, n.band,
               avg(COALESCE(t.day_tariff, c.day_tariff, rbt.tariff)) AS tariff
        FROM capacity_contract c LEFT JOIN capacity_facility f ON f.id = c.facility_id
        JOIN need n ON n.region_id = c.region_id
        LEFT JOIN capacity_contracttariff t ON t.contract_id = c.id AND t.band = n.band
        LEFT JOIN rbt ON rbt.region_id = c.region_id AND rbt.band = n.band
        WHERE c.region_id = ANY(%(regions)s) AND c.start_date <= %(end)s
          AND (c.end_date IS NULL OR c.end_date >= %(start)s)
        GROUP BY 1, 2, 3
    )
    SELECT COALESCE(ct.label, NULLIF(pr.care_type, '')), NULLIF(pr.band, ''), sum(pr.requests), sum(pr.days),
           sum(pr.days * COALESCE(ko.tariff, rbt.tariff))
    FROM profiles pr LEFT JOIN capacity_caretype ct ON ct.code = pr.care_type
    LEFT JOIN contracted ko ON ko.region_id = pr.region_id AND ko.care_type_id = ct.id AND ko.band = pr.band
    LEFT JOIN rbt ON rbt.region_id = pr.region_id AND rbt.band = pr.band
    GROUP BY pr.care_type, ct.label, pr.band
"""


def _setup(scale):
    return _setup_from(shared(generate, scale))  # made once per scale of the run


def _setup_from(data):
    ctx = dict(data)
    ctx["params"] = {"from": (ctx["today"] - timedelta(days=364)).isoformat(), "to": ctx["today"].isoformat()}
    return ctx


def _path(ctx):
    return build_report("contracts", membership=ctx["membership"], params=ctx["params"])


def _floor(ctx):
    params = {
        "regions": ctx["region_ids"],
        "start": ctx["today"] - timedelta(days=364),
        "end": ctx["today"],
        "tz": settings.TIME_ZONE,
        "stop": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR, params)
        contracts = cursor.fetchall()
        cursor.execute(UNMET_FLOOR, params)
        return contracts, cursor.fetchall()


def _money(value):
    return None if value is None else round(float(value), 2)


def _same(tables, rows):
    contracts, unmet = rows
    table = next(t for t in tables if t.key == "by_contract")
    got = sorted(
        (r["reference"], r["placements"], r["placement_days"], _money(r["cost"]), float(r["occupied_days"]))
        for r in table.rows
        if not r.get("_total")
    )
    want = sorted((ref, n, int(days), _money(cost), float(occ)) for ref, n, days, cost, occ in contracts)
    if len(got) != len(want) or any(g[:4] != w[:4] or abs(g[4] - w[4]) > 0.5 for g, w in zip(got, want, strict=True)):
        return False
    need = next(t for t in tables if t.key == "unmet_need_euro")
    got = sorted(
        (r["care_type"], r["band"], r["requests"], r["days"], _money(r["amount"]))
        for r in need.rows
        if not r.get("_total")
    )
    unknown = _("Onbekend")
    return got == sorted(
        (ct or unknown, band or unknown, n, int(days), _money(amount)) for ct, band, n, days, amount in unmet
    )


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
        data=generate,
    )
)
