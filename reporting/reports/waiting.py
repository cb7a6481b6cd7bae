"""5. Waiting and distance: for placements started in the period, the days from the
original referral date to the start (median, p90), the distance from the home
municipality to the facility's, and placements outside the home region."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.geo import distance_km_sql
from placement.waiting import waiting_days_sql
from reporting.registry import report
from reporting.reports.common import Scope, fetch, months, num, pct, scope_from_params
from reporting.tables import MEASURE, Column, Table

PLACED_SQL = f"""
    SELECT p.id, p.request_id, p.start_date, p.kind, reg.code AS region, reg.name AS region_name,
           ct.code AS care_type, ct.label AS care_label,
           {waiting_days_sql("r", until="p.start_date")} AS days,
           {distance_km_sql("ym.latitude", "ym.longitude", "fm.latitude", "fm.longitude")} AS km,
           (fm.region_id <> ym.region_id) AS outside_region
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN accounts_region reg ON reg.id = r.region_id
    JOIN placement_youth y ON y.id = p.youth_id
    JOIN accounts_municipality ym ON ym.id = y.municipality_id
    JOIN capacity_facility f ON f.id = p.facility_id
    JOIN accounts_municipality fm ON fm.id = f.municipality_id
    JOIN capacity_caretype ct ON ct.id = f.care_type_id
    WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
"""

GROUPED_SQL = f"""
    WITH x AS ({PLACED_SQL})
    SELECT GROUPING(care_label) AS g_care, GROUPING(region) AS g_region, GROUPING(month) AS g_month,
           care_label, region, region_name, month, count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS wait_median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS wait_p90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY km) AS km_median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY km) AS km_p90,
           count(*) FILTER (WHERE outside_region) AS outside,
           count(*) FILTER (WHERE kind = 'crisis') AS crisis,
           count(*) FILTER (WHERE km < 10) AS d10, count(*) FILTER (WHERE km >= 10 AND km < 25) AS d25,
           count(*) FILTER (WHERE km >= 25 AND km < 50) AS d50, count(*) FILTER (WHERE km >= 50 AND km < 100) AS d100,
           count(*) FILTER (WHERE km >= 100) AS dmore
    FROM (SELECT *, to_char(start_date, 'YYYY-MM') AS month FROM x) x
    GROUP BY GROUPING SETS ((care_label), (region, region_name), (month), ())
"""

STATS = [
    ("wait_median", _("Mediaan wachtdagen")),
    ("wait_p90", _("P90 wachtdagen")),
    ("km_median", _("Mediaan km")),
    ("km_p90", _("P90 km")),
]


def _stat_rows(groups, key, label_key):
    rows = [
        {
            "key": g[key],
            "label": g[label_key],
            "n": g["n"],
            "outside": g["outside"],
            **{k: num(g[k]) for k, _l in STATS},
        }
        for g in groups
    ]
    rows.sort(key=lambda r: str(r["label"]))
    return rows


def build(scope: Scope) -> list[Table]:
    """Exact figures; the medians and percentiles are measures over the row's placements
    (`n`), the shares over all placements started."""
    groups = fetch(GROUPED_SQL, scope.sql())
    overall = next((g for g in groups if g["g_care"] and g["g_region"] and g["g_month"]), None)
    n = overall["n"] if overall else 0
    o = overall or {
        "outside": 0,
        "crisis": 0,
        **{k: None for k, _l in STATS},
        **{k: 0 for k in ("d10", "d25", "d50", "d100", "dmore")},
    }
    summary = [
        {"figure": _("Plaatsingen gestart"), "value": n, "_id": {"value": "placed"}},
        # Issue 11: crisis placements are placements; their share is a figure of its own.
        {"figure": _("Waarvan crisisplaatsingen"), "value": o["crisis"], "_id": {"value": "crisis"}},
        {
            "figure": _("Aandeel crisisplaatsingen (%)"),
            "value": pct(o["crisis"], n),
            "_kind": {"value": MEASURE},
            "_n": n,
            "_of": {"value": ["crisis", "placed"]},
        },
        *({"figure": label, "value": num(o[k]), "_kind": {"value": MEASURE}, "_n": n} for k, label in STATS),
        {"figure": _("Buiten de eigen regio geplaatst"), "value": o["outside"], "_id": {"value": "outside"}},
        {
            "figure": _("Aandeel buiten de eigen regio (%)"),
            "value": pct(o["outside"], n),
            "_kind": {"value": MEASURE},
            "_n": n,
            "_of": {"value": ["outside", "placed"]},
        },
    ]
    tables = [
        Table(
            "summary",
            _("Wachttijd en afstand: kerncijfers"),
            [Column("figure", _("Cijfer")), Column("value", _("Waarde"), True)],
            summary,
        )
    ]
    stat_cols = (
        [Column("n", _("Plaatsingen"), True)]
        + [Column(k, label, True, kind=MEASURE, n_key="n") for k, label in STATS]
        + [Column("outside", _("Buiten eigen regio"), True)]
    )

    def total_row():
        return {
            "key": "",
            "label": _("Totaal"),
            "n": n,
            "outside": o["outside"],
            **{k: num(o[k]) for k, _l in STATS},
            "_total": True,
            "_id": {"n": "placed", "outside": "outside"},
        }

    care = _stat_rows([g for g in groups if not g["g_care"]], "care_label", "care_label")
    if scope.drill:
        for row in care:
            row["drill"] = f"figure=placed&dim=care_label&value={row['key']}"
    tables.append(
        Table(
            "by_care_type",
            _("Wachttijd en afstand per zorgvorm"),
            [Column("label", _("Zorgvorm"))] + stat_cols,
            care + [total_row()],
        )
    )
    regions = _stat_rows([g for g in groups if not g["g_region"]], "region", "region_name")
    if scope.drill:
        for row in regions:
            row["drill"] = f"figure=placed&dim=region&value={row['key']}"
    tables.append(
        Table(
            "by_region",
            _("Wachttijd en afstand per regio"),
            [Column("label", _("Regio"))] + stat_cols,
            regions + [total_row()],
        )
    )

    by_month = {g["month"]: g for g in groups if not g["g_month"]}
    month_rows = []
    for first, _last in months(scope.start, scope.end):
        g = by_month.get(first.strftime("%Y-%m"))
        month_rows.append(
            {
                "month": first.strftime("%Y-%m"),
                "n": g["n"] if g else 0,
                "wait_median": num(g["wait_median"]) if g else None,
                "wait_p90": num(g["wait_p90"]) if g else None,
            }
        )
    tables.append(
        Table(
            "by_month",
            _("Wachttijd per maand van plaatsing"),
            [
                Column("month", _("Maand")),
                Column("n", _("Plaatsingen"), True),
                Column("wait_median", _("Mediaan wachtdagen"), True, kind=MEASURE, n_key="n"),
                Column("wait_p90", _("P90 wachtdagen"), True, kind=MEASURE, n_key="n"),
            ],
            month_rows,
            # The months cover the period, so they add up to the placements started.
            column_totals={"n": "placed"},
        )
    )

    bands = [
        ("d10", _("minder dan 10 km")),
        ("d25", _("10 tot 25 km")),
        ("d50", _("25 tot 50 km")),
        ("d100", _("50 tot 100 km")),
        ("dmore", _("100 km of meer")),
    ]
    band_rows = [{"label": label, "count": o[k]} for k, label in bands]
    band_total = {"label": _("Totaal"), "count": n, "_total": True, "_id": {"count": "placed"}}
    tables.append(
        Table(
            "distance_bands",
            _("Afstand van huis naar de locatie"),
            [Column("label", _("Afstand")), Column("count", _("Plaatsingen"), True)],
            band_rows + [band_total],
        )
    )
    return tables


def drill(scope: Scope, query: dict) -> list[int]:
    if query.get("figure") != "placed":
        return []
    dim = query.get("dim")
    where = {"care_label": "care_label = %(value)s", "region": "region = %(value)s"}.get(dim, "TRUE")
    sql = f"SELECT request_id AS id FROM ({PLACED_SQL}) x WHERE {where} ORDER BY start_date, id"
    return [r["id"] for r in fetch(sql, scope.sql(value=query.get("value", "")))]


@report("waiting-times")
def waiting_times(*, membership, params):
    return build(scope_from_params(membership, params))
