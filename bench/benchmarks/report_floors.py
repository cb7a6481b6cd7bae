"""Issue 15.1 (perf-floors): fair floors for the report benchmarks. Each floor is plain
hand-written SQL (no product helpers) giving EVERY table the report gives: the sets the
tables read made once (temporary tables, `BASES`), then one statement per table, keyed by
the table's key, rows in the table's order, one value per column in
the table's column order (Dutch labels written out, as the coordinator sees them).

`same_tables` compares a report's tables with such a floor: the same table keys, and per
table the same rows with the same values (numbers rounded to one decimal on either side
may differ in the last digit)."""

from __future__ import annotations

from numbers import Number

# Offers of the period in the regions (a period runs from local midnight to local midnight).
_OFFERS = """
    o AS (SELECT o.id, o.provider_id, o.status, o.decline_reason, o.fall_through_party
          FROM placement_offer o JOIN placement_placementrequest r ON r.id = o.request_id
          WHERE r.region_id = ANY(%(regions)s)
            AND o.created_at >= (%(start)s::date)::timestamp AT TIME ZONE 'Europe/Amsterdam'
            AND o.created_at < (%(end)s::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')"""

# Placements started in the period and the offers their request needed up to and
# including the accepted one.
_PLACED = """
    pl AS (SELECT p.id, count(o2.id) AS n
           FROM placement_placement p JOIN placement_offer o ON o.id = p.offer_id
           JOIN placement_placementrequest r ON r.id = p.request_id
           JOIN placement_offer o2 ON o2.request_id = p.request_id AND o2.created_at <= o.created_at
           WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
           GROUP BY p.id)"""

_PROVIDERS = """
    SELECT org.name, count(*),
           count(*) FILTER (WHERE o.status = 'accepted'), count(*) FILTER (WHERE o.status = 'declined'),
           count(*) FILTER (WHERE o.status = 'expired'), count(*) FILTER (WHERE o.status = 'withdrawn'),
           count(*) FILTER (WHERE o.status = 'fallen_through'), count(*) FILTER (WHERE o.status = 'open'),
           round(100.0 * count(*) FILTER (WHERE o.status IN ('declined', 'expired')) / count(*), 1)
    FROM o JOIN accounts_organisation org ON org.id = o.provider_id
    GROUP BY org.id, org.name ORDER BY org.name, org.id"""

_REASONS = [
    ("no_place", "Geen plek"),
    ("outside_target_group", "Buiten doelgroep of contract"),
    ("beyond_expertise", "Zorgvraag overstijgt de expertise"),
    ("group_composition", "Groepssamenstelling of veiligheid"),
    ("staffing", "Personele bezetting"),
    ("age_limit", "Leeftijdsgrens"),
    ("other", "Anders"),
]


def _reason_count(code):
    return f"count(*) FILTER (WHERE o.status = 'declined' AND o.decline_reason = '{code}')"


# "No answer in time" is every expiry and every decline giving that reason.
_NO_ANSWER = (
    "count(*) FILTER (WHERE o.status = 'expired' OR (o.status = 'declined' AND o.decline_reason = 'no_answer'))"
)
_REFUSED = "count(*) FILTER (WHERE o.status IN ('declined', 'expired'))"

REFUSALS = {
    "summary": """
        WITH s AS (SELECT (SELECT count(*) FROM o) AS offers,
                     (SELECT count(*) FROM o WHERE status = 'declined') AS declined,
                     (SELECT count(*) FROM o WHERE status = 'expired') AS expired,
                     (SELECT count(*) FROM o WHERE status = 'withdrawn') AS withdrawn,
                     (SELECT count(*) FROM o WHERE status = 'fallen_through') AS fallen_through,
                     (SELECT count(*) FROM pl) AS placed,
                     (SELECT round(avg(n), 2) FROM pl) AS mean,
                     (SELECT round(100.0 * count(*) FILTER (WHERE n = 1) / nullif(count(*), 0), 1) FROM pl) AS first)
        SELECT f.figure, f.value FROM s CROSS JOIN LATERAL (VALUES
            (1, 'Aanmeldingen gedaan', s.offers::numeric), (2, 'Afgewezen door aanbieder', s.declined),
            (3, 'Verlopen zonder antwoord', s.expired), (4, 'Ingetrokken door coördinator', s.withdrawn),
            (5, 'Afgevallen na acceptatie', s.fallen_through), (6, 'Plaatsingen gestart', s.placed),
            (7, 'Gemiddeld aantal aanmeldingen per plaatsing', s.mean),
            (8, 'Aandeel geplaatst bij de eerste aanmelding (%%)', s.first)) f(i, figure, value)
        ORDER BY f.i""",
    "offers_per_placement": """
        SELECT f.label, f.count FROM (SELECT count(*) FILTER (WHERE n = 1) AS n1, count(*) FILTER (WHERE n = 2) AS n2,
                                             count(*) FILTER (WHERE n = 3) AS n3, count(*) FILTER (WHERE n >= 4) AS n4,
                                             count(*) AS total FROM pl) s
        CROSS JOIN LATERAL (VALUES (1, '1', s.n1), (2, '2', s.n2), (3, '3', s.n3), (4, '4 of meer', s.n4),
                                   (5, 'Totaal', s.total)) f(i, label, count)
        ORDER BY f.i""",
    "by_provider": _PROVIDERS,
    "by_who": f"""
        WITH s AS (SELECT {_REFUSED} AS provider_decline,
                     count(*) FILTER (WHERE o.fall_through_party = 'youth') AS youth,
                     count(*) FILTER (WHERE o.fall_through_party = 'parents') AS parents,
                     count(*) FILTER (WHERE o.fall_through_party = 'provider') AS provider FROM o)
        SELECT f.label, f.count FROM s CROSS JOIN LATERAL (VALUES
            (1, 'Aanbieder, voor acceptatie', s.provider_decline), (2, 'De jeugdige, na acceptatie', s.youth),
            (3, 'De ouders of gezagdragers, na acceptatie', s.parents),
            (4, 'De aanbieder (trekt acceptatie in), na acceptatie', s.provider),
            (5, 'Totaal', s.provider_decline + s.youth + s.parents + s.provider)) f(i, label, count)
        ORDER BY f.i""",
    "by_reason": f"""
        WITH s AS (SELECT {", ".join(f"{_reason_count(code)} AS {code}" for code, _label in _REASONS)},
                     {_NO_ANSWER} AS no_answer, {_REFUSED} AS refused FROM o)
        SELECT f.label, f.count FROM s CROSS JOIN LATERAL (VALUES
            {", ".join(f"({i}, '{label}', s.{code})" for i, (code, label) in enumerate(_REASONS))},
            (7, 'Geen antwoord binnen de termijn', s.no_answer), (8, 'Totaal', s.refused)) f(i, label, count)
        ORDER BY f.i""",
    "by_provider_reason": f"""
        SELECT org.name, {_REFUSED}, {", ".join(_reason_count(code) for code, _label in _REASONS)}, {_NO_ANSWER}
        FROM o JOIN accounts_organisation org ON org.id = o.provider_id
        GROUP BY org.id, org.name ORDER BY org.name, org.id""",
}

# Placements started in the period: days from referral to start, kilometres from the
# youth's home municipality to the facility's (haversine, mean earth radius), outside the
# home region, crisis.
_STARTED = """
    x AS (SELECT p.start_date, to_char(p.start_date, 'YYYY-MM') AS month, p.kind = 'crisis' AS crisis,
                 p.start_date - r.referral_date AS days, ct.label AS care_label, reg.code AS region,
                 reg.name AS region_name, fm.region_id <> ym.region_id AS outside,
                 2 * 6371.0088 * asin(sqrt(
                     power(sin((radians(fm.latitude::float) - radians(ym.latitude::float)) / 2), 2)
                     + cos(radians(ym.latitude::float)) * cos(radians(fm.latitude::float))
                       * power(sin((radians(fm.longitude::float) - radians(ym.longitude::float)) / 2), 2))) AS km
          FROM placement_placement p JOIN placement_placementrequest r ON r.id = p.request_id
          JOIN accounts_region reg ON reg.id = r.region_id
          JOIN placement_youth y ON y.id = p.youth_id JOIN accounts_municipality ym ON ym.id = y.municipality_id
          JOIN capacity_facility f ON f.id = p.facility_id JOIN accounts_municipality fm ON fm.id = f.municipality_id
          JOIN capacity_caretype ct ON ct.id = f.care_type_id
          WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s)"""

_STATS = """count(*),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY days), percentile_cont(0.9) WITHIN GROUP (ORDER BY days),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY km), percentile_cont(0.9) WITHIN GROUP (ORDER BY km),
            count(*) FILTER (WHERE outside)"""


def _per(label):
    return f"""
        SELECT * FROM (SELECT {label}, {_STATS} FROM x GROUP BY {label} ORDER BY {label} COLLATE "C") g
        UNION ALL SELECT 'Totaal', {_STATS} FROM x"""


WAITING = {
    "summary": """
        WITH s AS (SELECT count(*) AS n, count(*) FILTER (WHERE crisis) AS crisis,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS d50,
                     percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS d90,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY km) AS k50,
                     percentile_cont(0.9) WITHIN GROUP (ORDER BY km) AS k90,
                     count(*) FILTER (WHERE outside) AS outside FROM x)
        SELECT f.figure, f.value FROM s CROSS JOIN LATERAL (VALUES
            (1, 'Plaatsingen gestart', s.n::float), (2, 'Waarvan crisisplaatsingen', s.crisis),
            (3, 'Aandeel crisisplaatsingen (%%)', round(100.0 * s.crisis / nullif(s.n, 0), 1)),
            (4, 'Mediaan wachtdagen', s.d50), (5, 'P90 wachtdagen', s.d90), (6, 'Mediaan km', s.k50),
            (7, 'P90 km', s.k90), (8, 'Buiten de eigen regio geplaatst', s.outside),
            (9, 'Aandeel buiten de eigen regio (%%)', round(100.0 * s.outside / nullif(s.n, 0), 1))) f(i, figure, value)
        ORDER BY f.i""",
    "by_care_type": _per("care_label"),
    "by_region": _per("region_name"),
    "by_month": """
        SELECT to_char(m, 'YYYY-MM'), count(x.month),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days), percentile_cont(0.9) WITHIN GROUP (ORDER BY x.days)
        FROM generate_series(date_trunc('month', %(start)s::date), %(end)s::date, interval '1 month') m
        LEFT JOIN x ON x.month = to_char(m, 'YYYY-MM')
        GROUP BY m ORDER BY m""",
    "distance_bands": """
        WITH s AS (SELECT count(*) FILTER (WHERE km < 10) AS d10, count(*) FILTER (WHERE km >= 10 AND km < 25) AS d25,
                     count(*) FILTER (WHERE km >= 25 AND km < 50) AS d50,
                     count(*) FILTER (WHERE km >= 50 AND km < 100) AS d100,
                     count(*) FILTER (WHERE km >= 100) AS dmore, count(*) AS n FROM x)
        SELECT f.label, f.count FROM s CROSS JOIN LATERAL (VALUES
            (1, 'minder dan 10 km', s.d10), (2, '10 tot 25 km', s.d25), (3, '25 tot 50 km', s.d50),
            (4, '50 tot 100 km', s.d100), (5, '100 km of meer', s.dmore), (6, 'Totaal', s.n)) f(i, label, count)
        ORDER BY f.i""",
}

# Placements ended in the period (one row per transfer made from it, as the report joins them).
_ENDED = """
    e AS (SELECT p.id, p.provider_id, p.youth_id, p.end_date, p.end_reason, p.aftercare_destination,
                 t.id IS NOT NULL AS transferred
          FROM placement_placement p JOIN placement_placementrequest r ON r.id = p.request_id
          LEFT JOIN placement_transfer t ON t.from_placement_id = p.id
          WHERE r.region_id = ANY(%(regions)s) AND p.end_date BETWEEN %(start)s AND %(end)s)"""

# Youth transferred in the period and their transfers up to the end of the period.
_YOUTH = """
    yt AS (SELECT DISTINCT t.youth_id FROM placement_transfer t
           JOIN placement_placement p ON p.id = t.from_placement_id
           JOIN placement_placementrequest r ON r.id = p.request_id
           WHERE r.region_id = ANY(%(regions)s) AND p.end_date BETWEEN %(start)s AND %(end)s)"""
_PER_YOUTH = """
    py AS (SELECT yt.youth_id, count(*) AS n FROM yt JOIN placement_transfer t2 ON t2.youth_id = yt.youth_id
           JOIN placement_placement p2 ON p2.id = t2.from_placement_id AND p2.end_date <= %(end)s
           GROUP BY yt.youth_id)"""

_END_REASONS = [
    ("01", "Beëindigd volgens plan"),
    ("02", "Voortijdig afgesloten: in overeenstemming"),
    ("03", "Voortijdig afgesloten: eenzijdig door de cliënt"),
    ("04", "Voortijdig afgesloten: eenzijdig door de aanbieder"),
    ("05", "Voortijdig afgesloten: wegens externe omstandigheden"),
]
_DESTINATIONS = [
    ("home", "Naar huis (thuis)"),
    ("lighter_care", "Lichtere zorg"),
    ("open_residential", "Open residentieel"),
    ("independent_living", "Zelfstandig wonen"),
    ("other_region", "Andere regio"),
    ("unknown", "Onbekend"),
]


def _count_per(column, choices, label):
    values = ", ".join(f"({i}, '{label(code, text)}', '{code}')" for i, (code, text) in enumerate(choices))
    return f"""
        SELECT * FROM (SELECT c.label, count(e.id) FROM (VALUES {values}) c(i, label, code)
                       LEFT JOIN e ON e.{column} = c.code GROUP BY c.i, c.label ORDER BY c.i) g
        UNION ALL SELECT 'Totaal', count(*) FROM e"""


TRANSFERS = {
    "summary": """
        WITH s AS (SELECT (SELECT count(*) FROM e) AS ended, (SELECT count(*) FROM e WHERE transferred) AS transfers,
                     (SELECT count(DISTINCT youth_id) FROM e WHERE transferred) AS youth,
                     (SELECT count(*) FROM py WHERE n >= 2) AS twice)
        SELECT f.figure, f.value FROM s CROSS JOIN LATERAL (VALUES
            (1, 'Plaatsingen beëindigd', s.ended::numeric), (2, 'Doorplaatsingen', s.transfers),
            (3, 'Doorplaatsingen per 100 beëindigde plaatsingen', round(100.0 * s.transfers / nullif(s.ended, 0), 1)),
            (4, 'Jeugdigen doorgeplaatst', s.youth), (5, 'Jeugdigen met twee of meer doorplaatsingen', s.twice))
            f(i, figure, value)
        ORDER BY f.i""",
    "by_provider": """
        SELECT org.name, count(*), count(*) FILTER (WHERE e.transferred),
               round(100.0 * count(*) FILTER (WHERE e.transferred) / count(*), 1)
        FROM e JOIN accounts_organisation org ON org.id = e.provider_id
        GROUP BY org.id, org.name ORDER BY org.name, org.id""",
    "per_youth": """
        SELECT f.label, f.youth FROM (SELECT count(*) FILTER (WHERE n = 1) AS n1, count(*) FILTER (WHERE n = 2) AS n2,
                                             count(*) FILTER (WHERE n >= 3) AS n3, count(*) AS total FROM py) s
        CROSS JOIN LATERAL (VALUES (1, '1', s.n1), (2, '2', s.n2), (3, '3 of meer', s.n3), (4, 'Totaal', s.total))
            f(i, label, youth)
        ORDER BY f.i""",
    "by_month": """
        SELECT to_char(m, 'YYYY-MM'), count(e.id), count(e.id) FILTER (WHERE e.transferred),
               round(100.0 * count(e.id) FILTER (WHERE e.transferred) / nullif(count(e.id), 0), 1)
        FROM generate_series(date_trunc('month', %(start)s::date), %(end)s::date, interval '1 month') m
        LEFT JOIN e ON to_char(e.end_date, 'YYYY-MM') = to_char(m, 'YYYY-MM')
        GROUP BY m ORDER BY m""",
    "end_reasons": _count_per("end_reason", _END_REASONS, lambda code, text: f"{code} {text}"),
    "aftercare": _count_per("aftercare_destination", _DESTINATIONS, lambda code, text: text),
}

# Issue 15 (floors2): unmet need and occupancy, every table. The bench's period ends today,
# so "the day" of the unmet-need report is %(end)s; local midnights are written out.
_START_AT = "(%(start)s::date)::timestamp AT TIME ZONE 'Europe/Amsterdam'"
_END_AT = "(%(end)s::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam'"
_STOP_AT = f"least(now(), {_END_AT})"

# Requests waiting on the day (referred by then, not placed by then, not closed or
# registered as crisis by then), with their need profile and whether a waiting period
# (nothing fitting free) is open at the end of the day.
_WAITING = f"""
    w AS (SELECT r.id, %(end)s::date - r.referral_date AS days, coalesce(a.care_types[1], '') AS care_type,
                 coalesce(a.specialisations, '{{}}') AS specs, coalesce(a.security, '') AS security,
                 reg.code AS region, reg.name AS region_name,
                 CASE WHEN date_part('year', age(%(end)s::date, y.birth_month)) < 12 THEN '0-11'
                      WHEN date_part('year', age(%(end)s::date, y.birth_month)) < 16 THEN '12-15'
                      WHEN date_part('year', age(%(end)s::date, y.birth_month)) < 18 THEN '16-17'
                      ELSE '18+' END AS age_band,
                 EXISTS (SELECT 1 FROM placement_waitingperiod wp WHERE wp.request_id = r.id
                         AND wp.started_at < {_END_AT} AND (wp.ended_at IS NULL OR wp.ended_at >= {_END_AT}))
                     AS for_place
          FROM placement_placementrequest r JOIN accounts_region reg ON reg.id = r.region_id
          JOIN placement_youth y ON y.id = r.youth_id
          LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
          WHERE r.region_id = ANY(%(regions)s) AND r.status <> 'draft' AND r.referral_date <= %(end)s
            AND NOT EXISTS (SELECT 1 FROM placement_placement p WHERE p.request_id = r.id AND p.start_date <= %(end)s)
            AND NOT (r.status IN ('closed', 'crisis') AND r.status_changed_at < {_END_AT}))"""

# Requests closed without a placement in the period.
_CLOSED = f"""
    cl AS (SELECT r.outcome FROM placement_placementrequest r
           WHERE r.region_id = ANY(%(regions)s) AND r.status = 'closed' AND r.referral_date IS NOT NULL
             AND r.status_changed_at >= {_START_AT} AND r.status_changed_at < {_END_AT})"""

# Placements started in the period and how they were a compromise (haversine as above).
_COMPROMISES = """
    cp AS (SELECT fm.region_id <> ym.region_id AS outside,
                  a.max_distance_km IS NOT NULL AND 2 * 6371.0088 * asin(sqrt(
                     power(sin((radians(fm.latitude::float) - radians(ym.latitude::float)) / 2), 2)
                     + cos(radians(ym.latitude::float)) * cos(radians(fm.latitude::float))
                       * power(sin((radians(fm.longitude::float) - radians(ym.longitude::float)) / 2), 2)))
                     > a.max_distance_km AS too_far,
                  coalesce(a.care_types[1], '') <> ct.code AS not_first
           FROM placement_placement p JOIN placement_placementrequest r ON r.id = p.request_id
           JOIN placement_youth y ON y.id = p.youth_id JOIN accounts_municipality ym ON ym.id = y.municipality_id
           JOIN capacity_facility f ON f.id = p.facility_id JOIN accounts_municipality fm ON fm.id = f.municipality_id
           JOIN capacity_caretype ct ON ct.id = f.care_type_id
           LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
           WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s)"""

_THRESHOLD = 28  # the report's default: "langer dan 28 dagen"
_WAIT_STATS = f"""count(*), count(*) FILTER (WHERE days > {_THRESHOLD}),
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::numeric, 1),
            round(percentile_cont(0.9) WITHIN GROUP (ORDER BY days)::numeric, 1)"""
_SECURITY_LABEL = "CASE {0} WHEN 'open' THEN 'Open' WHEN 'closed' THEN 'Gesloten' WHEN '' THEN 'Onbekend' ELSE {0} END"


def _waiting_by(key, label, order, join=""):
    """Per value of `key` (one row each, labelled), ordered by `order`, then the total."""
    return f"""
        SELECT * FROM (SELECT label, {_WAIT_STATS}
                       FROM (SELECT w.days, {key} AS k, {label} AS label FROM w {join}) q
                       GROUP BY k, label ORDER BY {order}) g
        UNION ALL SELECT 'Totaal', {_WAIT_STATS} FROM w"""


_OUTCOMES = [
    ("help_at_home", "Opgelost met hulp thuis"),
    ("ambulant_care", "Ambulante hulp"),
    ("withdrawn", "Ingetrokken"),
    ("placed_elsewhere", "Buiten deze route geplaatst"),
    ("other", "Anders"),
]
_ON_DAY = "to_char(%(end)s::date, 'DD-MM-YYYY')"

UNMET_NEED = {
    "summary": f"""
        WITH s AS (SELECT count(*) AS n, count(*) FILTER (WHERE for_place) AS for_place,
                     count(*) FILTER (WHERE days > {_THRESHOLD}) AS over,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS d50,
                     percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS d90 FROM w),
             p AS (SELECT count(*) FILTER (WHERE wp.reason = 'fitting_full') AS full,
                          count(*) FILTER (WHERE wp.reason = 'no_fitting_facility') AS none
                   FROM placement_waitingperiod wp JOIN placement_placementrequest r ON r.id = wp.request_id
                   WHERE r.region_id = ANY(%(regions)s)
                     AND wp.started_at >= {_START_AT} AND wp.started_at < {_END_AT})
        SELECT f.figure, f.value FROM s CROSS JOIN p CROSS JOIN LATERAL (VALUES
            (1, 'Verwezen en nog niet geplaatst op ' || {_ON_DAY}, s.n::numeric),
            (2, 'waarvan wachtend op een passende plek op ' || {_ON_DAY}, s.for_place),
            (3, 'waarvan in beoordeling, matching of aanmelding op ' || {_ON_DAY}, s.n - s.for_place),
            (4, 'Langer dan {_THRESHOLD} dagen wachtend', s.over),
            (5, 'Mediaan wachtdagen', round(s.d50::numeric, 1)), (6, 'P90 wachtdagen', round(s.d90::numeric, 1)),
            (7, 'Afgesloten zonder plaatsing in de periode', (SELECT count(*) FROM cl)),
            (8, 'Plaatsingen met een compromis in de periode',
                (SELECT count(*) FROM cp WHERE outside OR too_far OR not_first)),
            (9, 'Wachtperiodes gestart: passende plekken vol', p.full),
            (10, 'Wachtperiodes gestart: geen passende voorziening', p.none)) f(i, figure, value)
        ORDER BY f.i""",
    "waiting_by_care_type": _waiting_by(
        "w.care_type",
        "CASE WHEN w.care_type = '' THEN 'Onbekend' ELSE coalesce(ct.label, w.care_type) END",
        'label COLLATE "C"',
        "LEFT JOIN capacity_caretype ct ON ct.code = w.care_type",
    ),
    "waiting_by_age_band": _waiting_by("w.age_band", "w.age_band || ' jaar'", "k"),
    "waiting_by_security": _waiting_by("w.security", _SECURITY_LABEL.format("w.security"), 'label COLLATE "C"'),
    "waiting_by_region": _waiting_by("w.region", "w.region_name", 'label COLLATE "C"'),
    "waiting_by_specialisation": f"""
        SELECT coalesce(sp.label, s), {_WAIT_STATS}
        FROM w CROSS JOIN LATERAL unnest(w.specs) AS s LEFT JOIN capacity_specialisation sp ON sp.code = s
        GROUP BY s, sp.label ORDER BY s""",
    "closed_without_place": f"""
        SELECT * FROM (SELECT c.label, count(cl.outcome) FROM (VALUES
                           {", ".join(f"({i}, '{label}', '{code}')" for i, (code, label) in enumerate(_OUTCOMES))})
                           c(i, label, code)
                       LEFT JOIN cl ON cl.outcome = c.code GROUP BY c.i, c.label ORDER BY c.i) g
        UNION ALL SELECT 'Totaal', count(*) FROM cl""",
    "compromises": """
        WITH s AS (SELECT count(*) AS n, count(*) FILTER (WHERE outside) AS outside,
                     count(*) FILTER (WHERE too_far) AS too_far, count(*) FILTER (WHERE not_first) AS not_first FROM cp)
        SELECT f.label, f.count, round(100.0 * f.count / nullif(s.n, 0), 1) FROM s CROSS JOIN LATERAL (VALUES
            (1, 'Buiten de eigen regio geplaatst', s.outside), (2, 'Verder dan de gewenste afstand', s.too_far),
            (3, 'Zorgvorm niet de eerste keus', s.not_first), (4, 'Plaatsingen gestart (totaal)', s.n))
            f(i, label, count)
        ORDER BY f.i""",
    # Waiting per first care type and security against the fitting facilities now (located
    # in the regions or serving nationally, active on the day): full unless a place is free
    # by figures confirmed within the region's freshness days.
    "fitting_full": f"""
        WITH d AS (SELECT care_type, security, count(*) AS waiting FROM w WHERE care_type <> '' GROUP BY 1, 2),
             fa AS (SELECT ct.code AS care_type, f.security_level AS security,
                           f.places_staffed - f.occupied_internal - f.occupied_external - f.held AS free,
                           coalesce(f.last_confirmed_at >= now() - reg.freshness_days * interval '24 hours', false)
                               AS fresh
                    FROM capacity_facility f JOIN accounts_municipality m ON m.id = f.municipality_id
                    JOIN accounts_region reg ON reg.id = m.region_id JOIN capacity_caretype ct ON ct.id = f.care_type_id
                    WHERE (m.region_id = ANY(%(regions)s) OR f.serves_nationally)
                      AND f.active_from <= %(end)s AND (f.active_until IS NULL OR f.active_until >= %(end)s)),
             s AS (SELECT care_type, security, count(*) AS facilities,
                          count(*) FILTER (WHERE NOT (free > 0 AND fresh)) AS full_now,
                          coalesce(sum(free) FILTER (WHERE fresh), 0) AS free_now,
                          coalesce(sum(free) FILTER (WHERE NOT fresh), 0) AS free_stale
                   FROM fa GROUP BY 1, 2)
        SELECT coalesce(ct.label, d.care_type), {_SECURITY_LABEL.format("d.security")}, d.waiting,
               coalesce(s.facilities, 0), coalesce(s.full_now, 0), coalesce(s.free_now, 0), coalesce(s.free_stale, 0)
        FROM d LEFT JOIN s ON s.care_type = d.care_type AND s.security = d.security
        LEFT JOIN capacity_caretype ct ON ct.code = d.care_type
        ORDER BY d.care_type, d.security""",
}

# Facilities located in the regions and active in some part of the period.
_FACILITIES = """
    fc AS (SELECT f.id, f.name, f.provider_id, org.name AS provider, ct.label AS care_label, reg.freshness_days
           FROM capacity_facility f JOIN accounts_municipality m ON m.id = f.municipality_id
           JOIN accounts_region reg ON reg.id = m.region_id JOIN accounts_organisation org ON org.id = f.provider_id
           JOIN capacity_caretype ct ON ct.id = f.care_type_id
           WHERE m.region_id = ANY(%(regions)s) AND f.active_from <= %(end)s
             AND (f.active_until IS NULL OR f.active_until >= %(start)s))"""

# Each facility's states over the period: the change in force at its start and the changes
# after it, each holding from its change (at the earliest the start) until the next change
# (at the latest the end of the period, never after now); only intervals of some length.
_INTERVALS = f"""
    iv AS (SELECT *, date_part('epoch', t1 - t0) AS e FROM (
               SELECT c.facility_id, fc.freshness_days AS fd, greatest(c.changed_at, {_START_AT}) AS t0,
                      coalesce(lead(c.changed_at) OVER w, {_STOP_AT}) AS t1, lead(c.id) OVER w IS NULL AS last,
                      c.places_contracted AS con, c.places_staffed AS sta,
                      c.occupied_internal + c.occupied_external AS occ,
                      c.places_staffed - c.occupied_internal - c.occupied_external - c.held AS free
               FROM fc JOIN capacity_availabilitychange c ON c.facility_id = fc.id
               WHERE c.changed_at < {_STOP_AT}
                 AND c.changed_at >= coalesce((SELECT max(s.changed_at) FROM capacity_availabilitychange s
                                               WHERE s.facility_id = fc.id AND s.changed_at <= {_START_AT}),
                                              {_START_AT})
               WINDOW w AS (PARTITION BY c.facility_id ORDER BY c.changed_at, c.id)) x
           WHERE t1 > t0)"""

# Calendar months of the period (the bench's period is a year; the report uses weeks only
# for periods up to four months), clipped to the period and to now.
_MONTHS = f"""
    WITH b AS MATERIALIZED (SELECT * FROM (
                   SELECT to_char(m, 'YYYY-MM') AS label,
                          greatest(m::date, %(start)s::date)::timestamp AT TIME ZONE 'Europe/Amsterdam' AS b0,
                          least((m + interval '1 month')::timestamp AT TIME ZONE 'Europe/Amsterdam', {_STOP_AT}) AS b1
                   FROM generate_series(date_trunc('month', %(start)s::date::timestamp), %(end)s::date::timestamp,
                                        interval '1 month') m) x
               WHERE b1 > b0)"""

# Seconds times places (float8); averages over the seconds the figures cover, or the period's.
_RATE = "round((100 * sum(iv.occ * {0}) / nullif(sum(iv.con * {0}), 0))::numeric, 1)"
_FACILITY_RATE = _RATE.format("iv.e")
_PERIOD = f"date_part('epoch', {_STOP_AT} - {_START_AT})"
# Fresh at a moment: confirmed (updated or confirmed) within the region's freshness days before it.
_FRESH_AT = """EXISTS (SELECT 1 FROM capacity_availabilitychange k WHERE k.facility_id = {0}
                      AND k.kind IN ('updated', 'confirmed') AND k.changed_at <= {1}
                      AND k.changed_at >= {1} - {2} * interval '24 hours')"""

_FRESH_NOW = _FRESH_AT.format("fc.id", _STOP_AT, "fc.freshness_days")

OCCUPANCY = {
    "by_facility": f"""
        SELECT fc.provider, fc.name, fc.care_label, round((sum(iv.con * iv.e) / nullif(sum(iv.e), 0))::numeric, 1),
               round((sum(iv.sta * iv.e) / nullif(sum(iv.e), 0))::numeric, 1),
               round((sum(iv.occ * iv.e) / nullif(sum(iv.e), 0))::numeric, 1), {_FACILITY_RATE},
               CASE WHEN {_FACILITY_RATE} < 90 THEN 'ja' WHEN {_FACILITY_RATE} >= 90 THEN 'nee' END
        FROM fc LEFT JOIN iv ON iv.facility_id = fc.id
        GROUP BY fc.id, fc.provider, fc.name, fc.care_label ORDER BY fc.provider, fc.name, fc.id""",
    # Place-days of the care type over the days of the period (up to now).
    "by_care_type": f"""
        SELECT fc.care_label, count(DISTINCT fc.id),
               round((coalesce(sum(iv.con * iv.e), 0) / {_PERIOD})::numeric, 1),
               round((coalesce(sum(iv.sta * iv.e), 0) / {_PERIOD})::numeric, 1),
               round((coalesce(sum(iv.occ * iv.e), 0) / {_PERIOD})::numeric, 1), {_FACILITY_RATE}
        FROM fc LEFT JOIN iv ON iv.facility_id = fc.id
        GROUP BY fc.care_label ORDER BY fc.care_label COLLATE "C" """,
    "over_time": f"""
        {_MONTHS}
        SELECT b.label, {_RATE.format("date_part('epoch', least(iv.t1, b.b1) - greatest(iv.t0, b.b0))")}, 90
        FROM b LEFT JOIN iv ON iv.t0 < b.b1 AND iv.t1 > b.b0
        GROUP BY b.label, b.b0 ORDER BY b.b0""",
    # Free places at the end of each month: per facility the state in force then (its last
    # change at or before it: the interval holding then, or the last one ending there).
    "free_over_time": f"""
        {_MONTHS}
        SELECT b.label, sum(iv.free),
               coalesce(sum(iv.free) FILTER (WHERE {_FRESH_AT.format("iv.facility_id", "b.b1", "iv.fd")}), 0)
        FROM b JOIN iv ON iv.t0 <= b.b1 AND (iv.t1 > b.b1 OR (iv.last AND iv.t1 = b.b1))
        GROUP BY b.label, b.b0 ORDER BY b.b0""",
    "stale_by_provider": f"""
        SELECT fc.provider, count(*), count(*) FILTER (WHERE NOT {_FRESH_NOW}),
               round(100.0 * count(*) FILTER (WHERE NOT {_FRESH_NOW}) / count(*), 1)
        FROM fc GROUP BY fc.provider_id, fc.provider ORDER BY fc.provider, fc.provider_id""",
}

FULL_FLOORS = {
    "refusals": REFUSALS,
    "waiting-times": WAITING,
    "transfers": TRANSFERS,
    "unmet-need": UNMET_NEED,
    "occupancy": OCCUPANCY,
}

# The sets each floor's tables read, made once per run of the floor (temporary tables,
# in this order: `py` reads `yt`, `iv` reads `fc`).
BASES = {
    "refusals": [_OFFERS, _PLACED],
    "waiting-times": [_STARTED],
    "transfers": [_ENDED, _YOUTH, _PER_YOUTH],
    "unmet-need": [_WAITING, _CLOSED, _COMPROMISES],
    "occupancy": [_FACILITIES, _INTERVALS],
}


def base_statements(code) -> list[str]:
    """`CREATE TEMPORARY TABLE name AS ...` for each set the floor's tables read."""
    out = []
    for cte in BASES[code]:
        name, select = cte.strip().split(" AS (", 1)
        out.append(f"DROP TABLE IF EXISTS pg_temp.{name}")
        out.append(f"CREATE TEMPORARY TABLE {name} AS {select.rstrip()[:-1]}")
    return out


def drop_statements(code) -> list[str]:
    return [f"DROP TABLE IF EXISTS pg_temp.{cte.strip().split(' AS (', 1)[0]}" for cte in BASES[code]]


def _value(value):
    if isinstance(value, bool) or not isinstance(value, Number):
        return value if value is None or isinstance(value, (bool, int)) else str(value)
    return float(value)


def _same_value(a, b) -> bool:
    a, b = _value(a), _value(b)
    if a == b:
        return True
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return False
        # Rounded to one decimal (the mean offers to two) on either side: the last digit may differ by one.
        return not (a == int(a) and b == int(b)) and abs(a - b) < 0.11
    return False


def table_rows(table) -> list[tuple]:
    """A report table's rows as the floor gives them: one value per column."""
    return [tuple(row.get(c.key) for c in table.columns) for row in table.rows]


def differences(tables, floor: dict) -> list[str]:
    """What differs between a report's tables and a floor's ({key: rows}); empty if nothing."""
    out = []
    if [t.key for t in tables] != list(floor):
        out.append(f"tables {[t.key for t in tables]} != floor {list(floor)}")
    for table in tables:
        got, want = table_rows(table), [tuple(r) for r in floor.get(table.key, [])]
        if len(got) != len(want):
            out.append(f"{table.key}: {len(got)} rows != {len(want)}")
            continue
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            if len(a) != len(b) or not all(_same_value(x, y) for x, y in zip(a, b, strict=False)):
                out.append(f"{table.key}[{i}]: {a} != {b}")
    return out
