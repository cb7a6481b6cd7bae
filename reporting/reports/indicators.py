"""The field's indicators (issue 12, point 3): H10 Haaglanden and the Hervormingsagenda
(see "Indicators the field already uses" in DOMAIN.md), each defined once below.

Every indicator is an `Indicator`: its code, label, definition text (what is counted,
from which date to which, numerator, denominator, norm) and ONE SQL statement that lists
its units (the placements, requests or youth it counts) per period, with whether each unit
is in the numerator (`hit`) and, for durations, its number of days. The same units SQL
gives the figures (aggregated once per indicator, for the whole period and each quarter
in one statement) and the drill-down (the requests behind a figure), so the figure and the
list behind it cannot disagree.

The builder returns exact values; suppression is applied after it (reporting/tables.py):
numerators and denominators are COUNT cells (placements, requests or youth: children),
shares, means and medians are MEASURE cells over the denominator, the counts of
"changes of provider" and "youth with a stay" are COUNT cells.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ReferrerCode
from placement.models import AftercareDestination, EndReason, PlacementKind
from placement.selectors.youth import reentry_after_sql
from placement.waiting import waiting_days_sql, waiting_on_sql
from reporting.registry import report
from reporting.reports.common import Scope, fetch, midnight, num, pct, scope_from_params
from reporting.tables import COUNT, MEASURE, TEXT, Column, Table

TITLE = gettext_lazy("Indicatoren")

# H10: the waiting-list norm (the scope's `threshold` when the screen or API gives one).
NORM_WAITING_DAYS = 28
NORM_CRISIS_HOURS = 24
NORM_REGULAR_DAYS = 28
# After-care destinations that are lighter than residential care (outflow to lighter care).
LIGHTER = (AftercareDestination.HOME, AftercareDestination.LIGHTER_CARE, AftercareDestination.INDEPENDENT)
EARLY_UNILATERAL = (EndReason.BY_CLIENT, EndReason.BY_PROVIDER)

# The periods one statement computes: the whole period (key NULL) and each quarter in it
# (key: the quarter's first day), for units that belong to a period by more than one day
# (on the waiting list on its last day, a stay running in it).
PERIODS = """per AS (
    SELECT * FROM unnest(%(p_keys)s::date[], %(p_starts)s::date[], %(p_ends)s::date[],
                         %(p_days)s::date[], %(p_day_ends)s::timestamptz[])
        AS per(key, start_d, end_d, day, day_end))"""

_REQ = "JOIN placement_placementrequest r ON r.id = p.request_id"
_IN_SCOPE = "r.region_id = ANY(%(regions)s)"


def _dated(day: str) -> str:
    """Units dated by one day in the period: key = its quarter's first day; the whole
    period is their ROLLUP (`Indicator.dated`)."""
    return (
        f"CROSS JOIN LATERAL (VALUES (date_trunc('quarter', {day})::date)) per(key) "
        f"WHERE {day} BETWEEN %(start)s AND %(end)s AND r.region_id = ANY(%(regions)s)"
    )


PLACEMENTS = f"placement_placement p {_REQ}"
IN_STARTED = _dated("p.start_date")
IN_ENDED = _dated("p.end_date")

# The moment a crisis request asked for a place: when it was submitted before the placement
# was registered, else (a crisis registration: request and placement at once) when it was made.
CRISIS_ASKED = "COALESCE(CASE WHEN r.submitted_at < p.created_at THEN r.submitted_at END, r.created_at)"
# The moment a placement started: a crisis placement records it, a regular one its day.
STARTED_AT = f"COALESCE(p.started_at, p.start_date::timestamp AT TIME ZONE '{settings.TIME_ZONE}')"
IS_CRISIS = f"(p.kind = '{PlacementKind.CRISIS}' OR r.urgency = 'crisis')"


def _codes(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    units: str  # SQL: per period, one row per unit: key, request_id, hit, days
    measure: str = "share"  # share (hit of all, %), count (hits), mean or median (days)
    norm: str = ""
    denominator: bool = True  # False: the figure is a count with nothing to divide by
    dated: bool = True  # units dated by one day (ROLLUP gives the whole period); else per PERIODS
    # Indicators with the same `population` count the same units (their denominators are one
    # number, declared as one quantity for the suppression pass).
    population: str = ""

    @property
    def adds_up(self) -> bool:
        """The whole period's numerator and denominator are the sums of the quarters'
        (units dated by one day); not for the waiting list on a day or distinct youth."""
        return self.dated


INDICATORS: list[Indicator] = [
    Indicator(
        "waiting_over_norm",
        gettext_lazy("Wachtlijst langer dan de norm"),
        gettext_lazy(
            "Van de verzoeken die op de laatste dag van de periode (of van het kwartaal; hoogstens vandaag) "
            "wachten (verwezen, nog niet geplaatst, niet afgesloten), het deel dat langer wacht dan de norm, "
            "gerekend vanaf de oorspronkelijke verwijsdatum. Teller: langer dan de norm; noemer: alle wachtenden."
        ),
        f"""SELECT per.key, r.id AS request_id, ({waiting_days_sql("r", until="per.day")} > %(norm)s) AS hit,
                   NULL::float AS days
            FROM per JOIN placement_placementrequest r
              ON {waiting_on_sql("r", day="per.day", day_end="per.day_end")}
            WHERE {_IN_SCOPE}""",
        norm="waiting",
        dated=False,
    ),
    Indicator(
        "crisis_within_24h",
        gettext_lazy("Crisis binnen 24 uur geplaatst"),
        gettext_lazy(
            "Crisisplaatsingen en plaatsingen van verzoeken met urgentie crisis, gestart in de periode. Teller: "
            "gestart binnen 24 uur na de vraag (het indienen van het verzoek, of bij een crisisregistratie het "
            "registreren); noemer: al die plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id,
                   ({STARTED_AT} <= {CRISIS_ASKED} + interval '{NORM_CRISIS_HOURS} hours') AS hit, NULL::float AS days
            FROM {PLACEMENTS} {IN_STARTED} AND {IS_CRISIS}""",
        norm="crisis",
    ),
    Indicator(
        "regular_within_4w",
        gettext_lazy("Regulier binnen 4 weken geplaatst"),
        gettext_lazy(
            "Reguliere plaatsingen (geen crisis) gestart in de periode. Teller: gestart binnen 28 dagen na de "
            "oorspronkelijke verwijsdatum; noemer: al die plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id,
                   ({waiting_days_sql("r", until="p.start_date")} <= {NORM_REGULAR_DAYS}) AS hit, NULL::float AS days
            FROM {PLACEMENTS} {IN_STARTED} AND NOT {IS_CRISIS}""",
        norm="regular",
    ),
    Indicator(
        "first_provider",
        gettext_lazy("Geholpen door de eerste aanbieder"),
        gettext_lazy(
            "Plaatsingen na een aanmelding, gestart in de periode. Teller: de geaccepteerde aanmelding die tot de "
            "plaatsing leidde was de eerste aanmelding van het verzoek (een aanmelding die na acceptatie afviel "
            "telt als eerdere aanmelding); noemer: al die plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id,
                   (p.offer_id = (SELECT o.id FROM placement_offer o WHERE o.request_id = r.id
                                  ORDER BY o.created_at, o.id LIMIT 1)) AS hit, NULL::float AS days
            FROM {PLACEMENTS} {IN_STARTED} AND p.offer_id IS NOT NULL""",
    ),
    Indicator(
        "dropout",
        gettext_lazy("Uitval"),
        gettext_lazy(
            "Plaatsingen beëindigd in de periode. Teller: voortijdig eenzijdig beëindigd (CBS-reden 03 door de "
            "cliënt of 04 door de aanbieder); noemer: alle beëindigde plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id, (p.end_reason IN ({_codes(EARLY_UNILATERAL)})) AS hit,
                   NULL::float AS days
            FROM {PLACEMENTS} {IN_ENDED}""",
        population="ended",
    ),
    Indicator(
        "repeat_request",
        gettext_lazy("Herhaald beroep binnen 6 maanden"),
        gettext_lazy(
            "Plaatsingen beëindigd in de periode. Teller: voor dezelfde jeugdige volgde binnen 6 maanden na het "
            "einde een nieuw verzoek (herinstroom; een doorplaatsing telt niet); noemer: alle beëindigde "
            "plaatsingen. Een nieuw verzoek na het einde van de periode telt mee."
        ),
        f"""SELECT per.key, r.id AS request_id,
                   EXISTS (SELECT 1 FROM placement_placementrequest r2
                           WHERE r2.youth_id = p.youth_id AND {reentry_after_sql("r2", "p", "r")}) AS hit,
                   NULL::float AS days
            FROM {PLACEMENTS} {IN_ENDED}""",
        population="ended",
    ),
    Indicator(
        "stay_mean",
        gettext_lazy("Verblijfsduur, gemiddeld (dagen)"),
        gettext_lazy(
            "Plaatsingen beëindigd in de periode: het gemiddelde aantal dagen van start tot einde. Noemer: alle "
            "beëindigde plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id, NULL::boolean AS hit, (p.end_date - p.start_date)::float AS days
            FROM {PLACEMENTS} {IN_ENDED}""",
        measure="mean",
        population="ended",
    ),
    Indicator(
        "stay_median",
        gettext_lazy("Verblijfsduur, mediaan (dagen)"),
        gettext_lazy(
            "Plaatsingen beëindigd in de periode: de mediaan van het aantal dagen van start tot einde. Noemer: "
            "alle beëindigde plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id, NULL::boolean AS hit, (p.end_date - p.start_date)::float AS days
            FROM {PLACEMENTS} {IN_ENDED}""",
        measure="median",
        population="ended",
    ),
    Indicator(
        "outflow_lighter",
        gettext_lazy("Uitstroom naar lichtere zorg"),
        gettext_lazy(
            "Plaatsingen beëindigd in de periode. Teller: de jeugdige ging naar huis, naar lichtere zorg of "
            "zelfstandig wonen; noemer: alle beëindigde plaatsingen (ook met bestemming onbekend)."
        ),
        f"""SELECT per.key, r.id AS request_id, (p.aftercare_destination IN ({_codes(LIGHTER)})) AS hit,
                   NULL::float AS days
            FROM {PLACEMENTS} {IN_ENDED}""",
        population="ended",
    ),
    Indicator(
        "provider_change",
        gettext_lazy("Wisselingen van aanbieder"),
        gettext_lazy(
            "Plaatsingen na een doorplaatsing, gestart in de periode. Teller (het cijfer): de nieuwe plaatsing is "
            "bij een andere aanbieder dan de beëindigde; noemer: alle plaatsingen na een doorplaatsing. Een "
            "wijziging in de plaatsing (intensiteit, juridische status, zorgvorm) is geen doorplaatsing en telt "
            "nooit."
        ),
        f"""SELECT per.key, r.id AS request_id, (p.provider_id <> old.provider_id) AS hit, NULL::float AS days
            FROM {PLACEMENTS}
            JOIN placement_transfer t ON t.new_request_id = r.id
            JOIN placement_placement old ON old.id = t.from_placement_id
            {IN_STARTED}""",
        measure="count",
    ),
    Indicator(
        "crisis_share",
        gettext_lazy("Aandeel crisisplaatsingen"),
        gettext_lazy(
            "Plaatsingen gestart in de periode. Teller: crisisplaatsingen (geregistreerd zonder aanmelding); "
            "noemer: alle gestarte plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id, (p.kind = '{PlacementKind.CRISIS}') AS hit, NULL::float AS days
            FROM {PLACEMENTS} {IN_STARTED}""",
    ),
    Indicator(
        "outside_home_region",
        gettext_lazy("Buiten de eigen regio geplaatst"),
        gettext_lazy(
            "Plaatsingen gestart in de periode. Teller: de locatie ligt in een andere jeugdregio dan de "
            "woongemeente van de jeugdige; noemer: alle gestarte plaatsingen."
        ),
        f"""SELECT per.key, r.id AS request_id, (fm.region_id <> ym.region_id) AS hit, NULL::float AS days
            FROM {PLACEMENTS}
            JOIN placement_youth y ON y.id = p.youth_id JOIN accounts_municipality ym ON ym.id = y.municipality_id
            JOIN capacity_facility f ON f.id = p.facility_id JOIN accounts_municipality fm ON fm.id = f.municipality_id
            {IN_STARTED}""",
    ),
    Indicator(
        "youth_with_stay",
        gettext_lazy("Jeugdigen met verblijf"),
        gettext_lazy(
            "Jeugdigen met een plaatsing die op een dag in de periode liep (gestart op of voor de laatste dag, "
            "niet beëindigd voor de eerste), elke jeugdige één keer. Per zorgvorm: zie de tabel daaronder."
        ),
        f"""SELECT per.key, max(p.request_id) AS request_id, TRUE AS hit, NULL::float AS days
            FROM placement_placement p {_REQ}
            JOIN per ON p.start_date <= per.end_d AND (p.end_date IS NULL OR p.end_date >= per.start_d)
            WHERE {_IN_SCOPE} GROUP BY per.key, p.youth_id""",
        measure="count",
        denominator=False,
        dated=False,
    ),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

AGGREGATE = """WITH {periods}, u AS ({units})
    SELECT key, count(*) FILTER (WHERE hit) AS numerator, count(*) AS denominator, {days}
    FROM u GROUP BY {group}"""
DAYS = "avg(days) AS mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median"
NO_DAYS = "NULL::float AS mean, NULL::float AS median"

DRILL = """WITH {periods}, u AS ({units})
    SELECT DISTINCT request_id AS id FROM u WHERE {period} {where} ORDER BY request_id"""

# Youth with a stay in the period per care form (capacity.CareType: the placement's current
# care type, else its facility's). A youth with stays in two care forms counts in both.
YOUTH_BY_CARE_SQL = """
    SELECT ct.code, ct.label, count(DISTINCT p.youth_id) AS youth
    FROM placement_placement p JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN capacity_facility f ON f.id = p.facility_id
    JOIN capacity_caretype ct ON ct.id = COALESCE(p.care_type_id, f.care_type_id)
    WHERE r.region_id = ANY(%(regions)s) AND p.start_date <= %(end)s AND (p.end_date IS NULL OR p.end_date >= %(start)s)
    GROUP BY ct.code, ct.label, ct.sort_order ORDER BY ct.sort_order, ct.label"""

# Referral flows: requests referred in the period (original referral date) per CBS referrer
# code of the referring organisation, per quarter.
REFERRAL_SQL = """WITH {periods}
    SELECT per.key, org.referrer_code AS code, count(*) AS n
    FROM placement_placementrequest r
    JOIN accounts_organisation org ON org.id = r.referrer_organisation_id
    JOIN per ON r.referral_date BETWEEN per.start_d AND per.end_d
    WHERE r.region_id = ANY(%(regions)s) AND r.status <> 'draft'
    GROUP BY per.key, org.referrer_code"""


def quarters(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Calendar quarters overlapping the period, clipped to it: (key "2025-K1", first, last)."""
    out = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while True:
        first = dt.date(year, 3 * quarter - 2, 1)
        if first > end:
            return out
        after = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        out.append((f"{year}-K{quarter}", max(first, start), min(after - dt.timedelta(days=1), end)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(first: dt.date | None) -> str:
    """The key `quarters` gives the quarter starting on `first` ("all" for None)."""
    return "all" if first is None else f"{first.year}-K{(first.month - 1) // 3 + 1}"


def _periods(scope: Scope) -> list[tuple[str, dt.date, dt.date]]:
    return [("all", scope.start, scope.end), *quarters(scope.start, scope.end)]


def _params(scope: Scope, periods, **extra) -> dict:
    # The waiting list is taken on each period's last day, at most today (scope.day).
    days = [min(last, max(scope.day, first)) for _k, first, last in periods]
    return scope.sql(
        p_keys=[None if k == "all" else quarter_start(first) for k, first, _l in periods],
        p_starts=[f for _k, f, _l in periods],
        p_ends=[last for _k, _f, last in periods],
        p_days=days,
        p_day_ends=[midnight(d + dt.timedelta(days=1)) for d in days],
        norm=scope.threshold_days,
        **extra,
    )


def norm_text(indicator: Indicator, scope: Scope) -> str:
    if indicator.norm == "waiting":
        return _("%(days)s dagen") % {"days": scope.threshold_days}
    if indicator.norm == "crisis":
        return _("%(hours)s uur") % {"hours": NORM_CRISIS_HOURS}
    if indicator.norm == "regular":
        return _("%(days)s dagen") % {"days": NORM_REGULAR_DAYS}
    return ""


def _value(indicator: Indicator, agg: dict | None):
    if agg is None:
        return None
    if indicator.measure == "count":
        return agg["numerator"]
    if indicator.measure == "mean":
        return num(agg["mean"])
    if indicator.measure == "median":
        return num(agg["median"])
    return pct(agg["numerator"], agg["denominator"])


def figures(scope: Scope, codes=None) -> dict[str, dict[str, dict]]:
    """Exact figures: {indicator code: {period key: {numerator, denominator, mean, median}}}
    (all indicators, or those in `codes`). One statement per distinct units SQL (the mean
    and median of a stay share one)."""
    periods = _periods(scope)
    params = _params(scope, periods)
    by_sql: dict[str, dict] = {}
    out = {}
    with_days = {i.units for i in INDICATORS if i.measure in ("mean", "median")}
    for indicator in INDICATORS if codes is None else [BY_CODE[c] for c in codes]:
        if indicator.units not in by_sql:
            days = DAYS if indicator.units in with_days else NO_DAYS
            group = "ROLLUP (key)" if indicator.dated else "key"
            sql = AGGREGATE.format(periods=PERIODS, units=indicator.units, days=days, group=group)
            by_sql[indicator.units] = {quarter_name(r["key"]): r for r in fetch(sql, params)}
        out[indicator.code] = by_sql[indicator.units]
    return out


def _row(indicator: Indicator, agg: dict | None, scope: Scope, period: str = "all") -> dict:
    value = _value(indicator, agg)
    numerator = (agg or {}).get("numerator", 0)
    denominator = (agg or {}).get("denominator", 0)
    row = {
        "code": indicator.code,
        "indicator": str(indicator.label),
        "value": value,
        "numerator": None if indicator.measure in ("mean", "median") else numerator,
        "denominator": denominator if indicator.denominator else None,
        "norm": norm_text(indicator, scope),
        "_n": {"value": denominator},
    }
    if indicator.measure == "count":
        row["_kind"] = {"value": COUNT}
    row["_id"] = _names(indicator, period, row)
    return row


def _names(indicator: Indicator, period: str, row: dict) -> dict[str, str]:
    """The quantities of a row for the suppression pass (reporting/tables.py): a count
    indicator's value is its numerator; indicators of one population share a denominator."""
    names = {}
    if row["numerator"] is not None:
        names["numerator"] = f"{indicator.code}.numerator.{period}"
        if indicator.measure == "count":
            names["value"] = names["numerator"]
    if row["denominator"] is not None:
        names["denominator"] = f"{indicator.population or indicator.code}.denominator.{period}"
    if indicator.measure == "share":  # 40 % of 10 is 4: hidden with its counts
        row["_of"] = {"value": [names["numerator"], names["denominator"]]}
    return names


def _quarter_parts(indicator: Indicator, row: dict, linked: set[tuple[str, str]]) -> dict[str, str]:
    """`_in` of a quarter row: its counts add up to the whole period's (declared once per
    quantity: indicators of one population share their denominators)."""
    if not indicator.adds_up:
        return {}
    parts = {}
    for key in ("numerator", "denominator"):
        if key in row["_id"]:
            whole = row["_id"][key].rsplit(".", 1)[0] + ".all"
            if (whole, row["quarter"]) not in linked:
                linked.add((whole, row["quarter"]))
                parts[key] = whole
    return parts


def _drill_link(indicator: Indicator, period: str, part: str) -> str:
    return f"indicator={indicator.code}&period={period}&part={part}"


def build(scope: Scope) -> list[Table]:
    results = figures(scope)
    period_text = _("van %(start)s tot en met %(end)s") % {
        "start": scope.start.strftime("%d-%m-%Y"),
        "end": scope.end.strftime("%d-%m-%Y"),
    }
    value_col = Column("value", _("Waarde"), True, kind=MEASURE)
    count_cols = [
        Column("numerator", _("Teller"), True, kind=COUNT),
        Column("denominator", _("Noemer"), True, kind=COUNT),
    ]
    rows = []
    for indicator in INDICATORS:
        row = _row(indicator, results[indicator.code].get("all"), scope)
        row["definition"] = str(indicator.definition)
        if scope.drill:
            part = (
                "denominator" if indicator.measure in ("mean", "median") or not indicator.denominator else "numerator"
            )
            row["drill"] = _drill_link(indicator, "all", part)
        rows.append(row)
    tables = [
        Table(
            "indicators",
            _("Indicatoren"),
            [
                Column("indicator", _("Indicator"), kind=TEXT),
                value_col,
                *count_cols,
                Column("norm", _("Norm"), kind=TEXT),
                Column("definition", _("Definitie"), kind=TEXT),
            ],
            rows,
            description=_(
                "Per indicator de waarde (aandelen in procenten, verblijfsduur in dagen), de teller en de noemer, "
                "%(period)s. De definitie zegt wat er geteld wordt en vanaf welke datum."
            )
            % {"period": period_text},
        )
    ]
    quarter_rows = []
    linked: set = set()
    for indicator in INDICATORS:
        for key, first, last in quarters(scope.start, scope.end):
            row = _row(indicator, results[indicator.code].get(key), scope, key)
            row.update(quarter=key, first=first.isoformat(), last=last.isoformat())
            row["_in"] = _quarter_parts(indicator, row, linked)
            if scope.drill:
                row["drill"] = _drill_link(indicator, key, "denominator")
            quarter_rows.append(row)
    tables.append(
        Table(
            "indicators_by_quarter",
            _("Indicatoren per kwartaal"),
            [
                Column("indicator", _("Indicator"), kind=TEXT),
                Column("quarter", _("Kwartaal"), kind=TEXT),
                value_col,
                *count_cols,
                Column("norm", _("Norm"), kind=TEXT),
            ],
            quarter_rows,
            description=_("Elke indicator per kalenderkwartaal (begin en einde binnen de periode), %(period)s.")
            % {"period": period_text},
        )
    )
    care_rows = [
        {"code": r["code"], "care_type": r["label"], "youth": r["youth"]} for r in fetch(YOUTH_BY_CARE_SQL, scope.sql())
    ]
    # A youth with stays in two care forms counts in both; when none did, the rows add up
    # to the youth with a stay (indicators table), and a reader cannot tell that they
    # might not: declared then, so the suppression pass protects that sum.
    youth = results["youth_with_stay"].get("all") or {}
    adds_up = sum(r["youth"] for r in care_rows) == youth.get("numerator", 0)
    tables.append(
        Table(
            "youth_by_care_type",
            _("Jeugdigen met verblijf per zorgvorm"),
            [Column("care_type", _("Zorgvorm"), kind=TEXT), Column("youth", _("Jeugdigen"), True, kind=COUNT)],
            care_rows,
            column_totals={"youth": "youth_with_stay.numerator.all"} if adds_up else {},
            description=_(
                "Jeugdigen met een plaatsing die in de periode liep, per zorgvorm, %(period)s. Wie in twee "
                "zorgvormen verbleef, telt in beide."
            )
            % {"period": period_text},
        )
    )
    tables.append(_referral_flows(scope, period_text))
    return tables


def _referral_flows(scope: Scope, period_text: str) -> Table:
    periods = quarters(scope.start, scope.end)
    counts: dict[tuple[str, str], int] = {}
    for r in fetch(REFERRAL_SQL.format(periods=PERIODS), _params(scope, _periods(scope))):
        counts[(r["code"], quarter_name(r["key"]))] = r["n"]
    labels = dict(ReferrerCode.choices)
    codes = list(labels) + sorted({code for code, _k in counts if code not in labels})
    rows = []
    for code in codes:
        row = {"code": code, "referrer": f"{code} {labels.get(code, '')}".strip()}
        for key, _f, _l in periods:
            row[key] = counts.get((code, key), 0)
        row["all"] = counts.get((code, "all"), 0)
        rows.append(row)
    total = {"code": "", "referrer": _("Totaal"), "_total": True}
    for key in [k for k, _f, _l in periods] + ["all"]:
        total[key] = sum(row[key] for row in rows)
    return Table(
        "referral_flows",
        _("Verwijsstromen per soort verwijzer"),
        [
            Column("referrer", _("Verwijzer (CBS-code)"), kind=TEXT),
            *(Column(key, key, True, kind=COUNT) for key, _f, _l in periods),
            # The quarters cover the period: the whole period is their sum.
            Column("all", _("Hele periode"), True, kind=COUNT, sum_of=tuple(key for key, _f, _l in periods)),
        ],
        rows + [total],
        description=_(
            "Verzoeken met een verwijsdatum in de periode (%(period)s) per CBS-code van de verwijzende "
            "organisatie, per kwartaal."
        )
        % {"period": period_text},
    )


def drill(scope: Scope, query: dict) -> list[int]:
    """The requests behind an indicator: `indicator` (code), `part` numerator or
    denominator (default), `period` "all" (default) or a quarter key ("2025-K1")."""
    indicator = BY_CODE.get(str(query.get("indicator", "")))
    if indicator is None:
        return []
    periods = _periods(scope)
    period = str(query.get("period") or "all")
    if period not in {k for k, _f, _l in periods}:
        return []
    where = "AND hit" if query.get("part") == "numerator" and indicator.measure not in ("mean", "median") else ""
    first = quarter_start(next(f for k, f, _l in periods if k == period))
    whole = "TRUE" if indicator.dated else "key IS NULL"  # dated units all lie in the period
    which = whole if period == "all" else "key = %(period)s"
    sql = DRILL.format(periods=PERIODS, units=indicator.units, where=where, period=which)
    return [r["id"] for r in fetch(sql, _params(scope, periods, period=first))]


def indicator_scope(membership, params) -> Scope:
    """The scope, with the H10 waiting-list norm (28 days) unless a threshold was given."""
    scope = scope_from_params(membership, params)
    given = params.get("threshold") if hasattr(params, "get") else None
    if given in (None, "", []):
        scope = dataclasses.replace(scope, threshold_days=NORM_WAITING_DAYS)
    return scope


@report("indicators")
def indicators(*, membership, params):
    return build(indicator_scope(membership, params))


__all__ = ["INDICATORS", "BY_CODE", "Indicator", "build", "drill", "figures", "quarters"]
