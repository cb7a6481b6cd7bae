"""1. Unmet need: who waits (on the period's last day), for how long, by need profile;
requests closed without a place; placements that were a compromise; fitting but full."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.geo import distance_km_sql
from capacity.rules import free_places_sql, is_available_sql, is_stale_sql
from intake.models import Outcome
from placement.waiting import waiting_days_sql, waiting_on_sql
from reporting.registry import report
from reporting.reports.common import Scope, fetch, num, pct, scope_from_params
from reporting.tables import EXACT, MEASURE, Column, Table

# Requests waiting on %(day)s (placement.waiting: referred by then, not placed by then,
# not closed by then), with their need profile. The birth date is encrypted; the age band
# comes from the birth month (`Youth.birth_month`, the 1st of the month of birth), so a
# youth counts one band up from the 1st of the month of a 12th, 16th or 18th birthday.
AGE_SQL = "date_part('year', age(%(day)s::date, y.birth_month))"
WAITING_SQL = f"""
    SELECT r.id, r.status, r.referral_date, reg.code AS region, reg.name AS region_name,
           {waiting_days_sql("r", until="%(day)s")} AS days,
           COALESCE(a.care_types[1], '') AS care_type,
           COALESCE(a.specialisations, '{{}}') AS specialisations,
           COALESCE(NULLIF(a.security, ''), '') AS security,
           CASE WHEN {AGE_SQL} < 12 THEN '0-11'
                WHEN {AGE_SQL} < 16 THEN '12-15'
                WHEN {AGE_SQL} < 18 THEN '16-17'
                ELSE '18+' END AS age_band,
           EXISTS (SELECT 1 FROM placement_waitingperiod wp WHERE wp.request_id = r.id
                   AND wp.started_at < %(day_end)s AND (wp.ended_at IS NULL OR wp.ended_at >= %(day_end)s))
               AS for_place
    FROM placement_placementrequest r
    JOIN accounts_region reg ON reg.id = r.region_id
    JOIN placement_youth y ON y.id = r.youth_id
    LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
    WHERE r.region_id = ANY(%(regions)s) AND {waiting_on_sql("r", day="%(day)s", day_end="%(day_end)s")}
"""

DIMENSIONS = ("care_type", "age_band", "security", "region")

# GROUPED_SQL, SPECIALISATION_SQL and FITTING_FULL_SQL read the waiting set as `w` (REPORT_SQL).
GROUPED_SQL = """
    SELECT GROUPING(care_type) AS g_care_type, GROUPING(age_band) AS g_age_band,
           GROUPING(security) AS g_security, GROUPING(region) AS g_region,
           care_type, age_band, security, region, count(*) AS waiting,
           count(*) FILTER (WHERE days > %(threshold)s) AS over,
           count(*) FILTER (WHERE for_place) AS for_place,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90
    FROM w GROUP BY GROUPING SETS ((care_type), (age_band), (security), (region), ())
"""

SPECIALISATION_SQL = """
    SELECT s AS specialisation, count(*) AS waiting, count(*) FILTER (WHERE days > %(threshold)s) AS over,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90
    FROM w CROSS JOIN LATERAL unnest(w.specialisations) AS s GROUP BY s ORDER BY s
"""

CLOSED_SQL = """
    SELECT r.outcome, count(*) AS n FROM placement_placementrequest r
    WHERE r.region_id = ANY(%(regions)s) AND r.status = 'closed' AND r.referral_date IS NOT NULL
      AND r.status_changed_at >= %(start_at)s AND r.status_changed_at < %(end_at)s
    GROUP BY r.outcome
"""

# Placements started in the period, with what made them a compromise.
_DISTANCE = distance_km_sql("ym.latitude", "ym.longitude", "fm.latitude", "fm.longitude")
COMPROMISE_SQL = f"""
    SELECT p.request_id,
           (fm.region_id <> ym.region_id) AS outside_region,
           (a.max_distance_km IS NOT NULL AND {_DISTANCE} > a.max_distance_km) AS too_far,
           (COALESCE(a.care_types[1], '') <> ct.code) AS not_first_care_type
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN placement_youth y ON y.id = p.youth_id
    JOIN accounts_municipality ym ON ym.id = y.municipality_id
    JOIN capacity_facility f ON f.id = p.facility_id
    JOIN accounts_municipality fm ON fm.id = f.municipality_id
    JOIN capacity_caretype ct ON ct.id = f.care_type_id
    LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
    WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
"""

# Fitting facilities (care type and security) now: full unless a place is available
# (free by a fresh figure); free places by stale figures are shown apart, never as free.
_STALE = is_stale_sql("f.last_confirmed_at", "%(now)s", "reg.freshness_days")
_AVAILABLE = is_available_sql(free_places_sql("f"), _STALE)
FITTING_FULL_SQL = f"""
    WITH demand AS (
        SELECT care_type, security, count(*) AS waiting FROM w WHERE care_type <> '' GROUP BY care_type, security),
    supply AS (
        SELECT ct.code AS care_type, f.security_level AS security, count(*) AS facilities,
               count(*) FILTER (WHERE NOT {_AVAILABLE}) AS full_now,
               COALESCE(sum({free_places_sql("f")}) FILTER (WHERE NOT {_STALE}), 0) AS free_now,
               COALESCE(sum({free_places_sql("f")}) FILTER (WHERE {_STALE}), 0) AS free_stale
        FROM capacity_facility f
        JOIN accounts_municipality m ON m.id = f.municipality_id
        JOIN accounts_region reg ON reg.id = m.region_id
        JOIN capacity_caretype ct ON ct.id = f.care_type_id
        WHERE (m.region_id = ANY(%(regions)s) OR f.serves_nationally)
          AND f.active_from <= %(day)s AND (f.active_until IS NULL OR f.active_until >= %(day)s)
        GROUP BY ct.code, f.security_level)
    SELECT d.care_type, d.security, d.waiting, COALESCE(s.facilities, 0) AS facilities,
           COALESCE(s.full_now, 0) AS full_now, COALESCE(s.free_now, 0) AS free_now,
           COALESCE(s.free_stale, 0) AS free_stale
    FROM demand d LEFT JOIN supply s ON s.care_type = d.care_type AND s.security = d.security
    ORDER BY d.care_type, d.security
"""

WAITING_REASONS_SQL = """
    SELECT wp.reason, count(*) AS n FROM placement_waitingperiod wp
    JOIN placement_placementrequest r ON r.id = wp.request_id
    WHERE r.region_id = ANY(%(regions)s) AND wp.started_at >= %(start_at)s AND wp.started_at < %(end_at)s
    GROUP BY wp.reason
"""


# Issue 15.6: every figure of the report in one statement and one round trip. The waiting
# set is derived once (MATERIALIZED) and every table that needs it reads that one set; each
# part below is the query it replaces, its rows handed back as JSON (float8 keeps its exact
# value: PostgreSQL writes the shortest text that reads back to the same double).
def _part(sql: str, order: str = "") -> str:
    return f"(SELECT json_agg(x{' ORDER BY ' + order if order else ''}) FROM ({sql}) x)"


REPORT_SQL = f"""
    WITH w AS MATERIALIZED ({WAITING_SQL})
    SELECT {_part(GROUPED_SQL)} AS grouped,
           {_part(SPECIALISATION_SQL, "x.specialisation")} AS specs,
           {_part(FITTING_FULL_SQL, "x.care_type, x.security")} AS fitting,
           {_part("SELECT code AS region, name AS region_name FROM accounts_region WHERE id = ANY(%(regions)s)")}
               AS regions,
           {_part(CLOSED_SQL)} AS closed,
           (SELECT json_build_object(
                'started', count(*),
                'any', count(*) FILTER (WHERE c.outside_region OR c.too_far OR c.not_first_care_type),
                'outside_region', count(*) FILTER (WHERE c.outside_region),
                'too_far', count(*) FILTER (WHERE c.too_far),
                'not_first_care_type', count(*) FILTER (WHERE c.not_first_care_type))
            FROM ({COMPROMISE_SQL}) c) AS compromises,
           {_part(WAITING_REASONS_SQL)} AS reasons,
           (SELECT json_object_agg(code, label) FROM capacity_caretype) AS care_labels,
           (SELECT json_object_agg(code, label) FROM capacity_specialisation) AS spec_labels
"""


AGE_BANDS = ["0-11", "12-15", "16-17", "18+"]


def _dimension_label(dimension, value, care_labels, region_names):
    if value in (None, ""):
        return _("Onbekend")
    if dimension == "care_type":
        return care_labels.get(value, value)
    if dimension == "security":
        return {"open": _("Open"), "closed": _("Gesloten")}.get(value, value)
    if dimension == "region":
        return region_names.get(value, value)
    if dimension == "age_band":
        return _("%(band)s jaar") % {"band": value}
    return value


def _waiting_columns(first_label):
    return [
        Column("label", first_label),
        Column("waiting", _("Wachtend"), True),
        Column("over", _("Langer dan drempel"), True),
        Column("median", _("Mediaan dagen"), True, kind=MEASURE, n_key="waiting"),
        Column("p90", _("P90 dagen"), True, kind=MEASURE, n_key="waiting"),
    ]


def build(scope: Scope) -> list[Table]:
    """Exact figures. The summary's waiting and long-waiting counts are the total row of
    every "waiting by ..." table (one quantity, `_id`), the closed total that of the
    outcome table; medians and percentiles are measures over the waiting of their row."""
    params = scope.sql(threshold=scope.threshold_days)
    (report,) = fetch(REPORT_SQL, params)
    care_labels, spec_labels = report["care_labels"] or {}, report["spec_labels"] or {}
    grouped = report["grouped"] or []
    region_names = {r["region"]: r["region_name"] for r in report["regions"] or []}
    overall = next((g for g in grouped if all(g[f"g_{d}"] for d in DIMENSIONS)), None)
    n_all = overall["waiting"] if overall else 0
    n_over = overall["over"] if overall else 0
    n_for_place = overall["for_place"] if overall else 0
    tables = []

    # Summary
    closed = {r["outcome"]: r["n"] for r in report["closed"] or []}
    compromises = report["compromises"]
    reasons = {r["reason"]: r["n"] for r in report["reasons"] or []}

    def measure(label, value):
        return {"figure": label, "value": value, "_kind": {"value": MEASURE}, "_n": n_all}

    day = scope.day.strftime("%d-%m-%Y")
    summary = [
        {
            # Every referred request not yet placed nor closed on the day (placement/waiting.py):
            # its waiting time runs from the referral date, whatever step it is in.
            "figure": _("Verwezen en nog niet geplaatst op %(day)s") % {"day": day},
            "value": n_all,
            "_id": {"value": "waiting"},
            "_chart": "step_total",  # drawn as one bar of its two parts (reporting/charts.py)
        },
        {
            # Of those: a coordinator recorded that nothing fitting is free (an open waiting
            # period on the day): the ones truly waiting for a place.
            "figure": _("waarvan wachtend op een passende plek op %(day)s") % {"day": day},
            "value": n_for_place,
            "_in": {"value": "waiting"},
            "_chart": "step_part",
        },
        {
            "figure": _("waarvan in beoordeling, matching of aanmelding op %(day)s") % {"day": day},
            "value": n_all - n_for_place,
            "_in": {"value": "waiting"},
            "_chart": "step_part",
        },
        {
            "figure": _("Langer dan %(days)s dagen wachtend") % {"days": scope.threshold_days},
            "value": n_over,
            "_id": {"value": "over"},
        },
        measure(_("Mediaan wachtdagen"), num(overall["median"]) if overall else None),
        measure(_("P90 wachtdagen"), num(overall["p90"]) if overall else None),
        {
            "figure": _("Afgesloten zonder plaatsing in de periode"),
            "value": sum(closed.values()),
            "_id": {"value": "closed"},
        },
        {
            "figure": _("Plaatsingen met een compromis in de periode"),
            "value": compromises["any"],
        },
        {"figure": _("Wachtperiodes gestart: passende plekken vol"), "value": reasons.get("fitting_full", 0)},
        {
            "figure": _("Wachtperiodes gestart: geen passende voorziening"),
            "value": reasons.get("no_fitting_facility", 0),
        },
    ]
    tables.append(
        Table(
            "summary",
            _("Onvervulde vraag: kerncijfers"),
            [Column("figure", _("Cijfer")), Column("value", _("Waarde"), True)],
            summary,
        )
    )

    titles = {
        "care_type": (_("Wachtend per zorgvorm (eerste keus)"), _("Zorgvorm")),
        "age_band": (_("Wachtend per leeftijdsgroep"), _("Leeftijd")),
        "security": (_("Wachtend per beveiligingsniveau"), _("Beveiliging")),
        "region": (_("Wachtend per regio"), _("Regio")),
    }
    for dimension in DIMENSIONS:
        rows = []
        for g in grouped:
            if g[f"g_{dimension}"] or not all(g[f"g_{d}"] for d in DIMENSIONS if d != dimension):
                continue
            rows.append(
                {
                    "key": g[dimension],
                    "label": _dimension_label(dimension, g[dimension], care_labels, region_names),
                    "waiting": g["waiting"],
                    "over": g["over"],
                    "median": num(g["median"]),
                    "p90": num(g["p90"]),
                    "_id": {"waiting": f"waiting:{dimension}:{g[dimension]}"},
                }
            )
        if dimension == "age_band":
            rows.sort(key=lambda r: AGE_BANDS.index(r["key"]))
        else:
            rows.sort(key=lambda r: str(r["label"]))
        total = {
            "key": "",
            "label": _("Totaal"),
            "waiting": n_all,
            "over": n_over,
            "median": num(overall["median"]) if overall else None,
            "p90": num(overall["p90"]) if overall else None,
            "_total": True,
            "_id": {"waiting": "waiting", "over": "over"},
        }
        if scope.drill:
            for row in rows:
                row["drill"] = f"figure=waiting&dim={dimension}&value={row['key']}"
        title, label = titles[dimension]
        tables.append(Table(f"waiting_by_{dimension}", title, _waiting_columns(label), rows + [total]))

    spec_rows = [
        {
            "key": r["specialisation"],
            "label": spec_labels.get(r["specialisation"], r["specialisation"]),
            "waiting": r["waiting"],
            "over": r["over"],
            "median": num(r["median"]),
            "p90": num(r["p90"]),
        }
        for r in report["specs"] or []
    ]
    if scope.drill:
        for row in spec_rows:
            row["drill"] = f"figure=waiting&dim=specialisation&value={row['key']}"
    tables.append(
        Table(
            "waiting_by_specialisation",
            _("Wachtend per benodigde specialisatie (een verzoek kan meerdere hebben)"),
            _waiting_columns(_("Specialisatie")),
            spec_rows,
        )
    )

    closed_rows = [{"label": str(label), "count": closed.get(code, 0)} for code, label in Outcome.choices]
    closed_total = {"label": _("Totaal"), "count": sum(closed.values()), "_total": True, "_id": {"count": "closed"}}
    tables.append(
        Table(
            "closed_without_place",
            _("Afgesloten zonder plaatsing, naar uitkomst"),
            [Column("label", _("Uitkomst")), Column("count", _("Verzoeken"), True)],
            closed_rows + [closed_total],
        )
    )

    # A placement can be a compromise in more than one way: the kinds do not add up to the
    # placements started (no total row); each share is its count over the placements started.
    started = compromises["started"]
    kinds = [
        ("outside_region", _("Buiten de eigen regio geplaatst")),
        ("too_far", _("Verder dan de gewenste afstand")),
        ("not_first_care_type", _("Zorgvorm niet de eerste keus")),
    ]
    comp_rows = []
    for key, label in kinds:
        n = compromises[key]
        comp_rows.append(
            {
                "label": label,
                "count": n,
                "share": pct(n, started),
                "_n": started,
                "_of": {"share": ["compromise_started"]},
            }
        )
    comp_rows.append(
        {
            "label": _("Plaatsingen gestart (totaal)"),
            "count": started,
            "share": pct(started, started),
            "_n": started,
            "_id": {"count": "compromise_started"},
        }
    )
    tables.append(
        Table(
            "compromises",
            _("Plaatsingen met een compromis"),
            [
                Column("label", _("Compromis")),
                Column("count", _("Plaatsingen"), True),
                Column("share", _("Aandeel %"), True, kind=MEASURE, parts=("count",)),
            ],
            comp_rows,
        )
    )

    full_rows = []
    for r in report["fitting"] or []:
        full_rows.append(
            {
                "label": care_labels.get(r["care_type"], r["care_type"]),
                "security": {"open": _("Open"), "closed": _("Gesloten")}.get(
                    r["security"], r["security"] or _("Onbekend")
                ),
                "waiting": r["waiting"],
                "facilities": r["facilities"],
                "full_now": r["full_now"],
                "free_now": int(r["free_now"]),
                "free_stale": int(r["free_stale"]),
                # Per care type and security: together the care type's row of waiting_by_care_type.
                "_in": {"waiting": f"waiting:care_type:{r['care_type']}"},
            }
        )
    tables.append(
        Table(
            "fitting_full",
            _("Passende locaties die vol zijn (huidige stand)"),
            [
                Column("label", _("Zorgvorm")),
                Column("security", _("Beveiliging")),
                Column("waiting", _("Wachtend"), True),
                # Facilities and places, not children: shown exactly (like the capacity board).
                Column("facilities", _("Passende locaties"), True, kind=EXACT),
                Column("full_now", _("Waarvan vol"), True, kind=EXACT),
                Column("free_now", _("Vrije plekken"), True, kind=EXACT),
                Column("free_stale", _("Vrij volgens verouderde opgave"), True, kind=EXACT),
            ],
            full_rows,
        )
    )
    return tables


def drill(scope: Scope, query: dict) -> list[int]:
    if query.get("figure") != "waiting":
        return []
    dimension, value = query.get("dim", ""), query.get("value", "")
    params = scope.sql(threshold=scope.threshold_days, value=value)
    if dimension in DIMENSIONS:
        where = f"{dimension} = %(value)s"
    elif dimension == "specialisation":
        where = "%(value)s = ANY(specialisations)"
    else:
        where = "TRUE"
    sql = f"WITH w AS ({WAITING_SQL}) SELECT id FROM w WHERE {where} ORDER BY referral_date, id"
    return [r["id"] for r in fetch(sql, params)]


@report("unmet-need")
def unmet_need(*, membership, params):
    return build(scope_from_params(membership, params))
