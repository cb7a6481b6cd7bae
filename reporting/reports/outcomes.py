"""Fit proven by outcome (issue 16, point 1): of the placements started in the period, how
many held 90 and 180 days, per provider and care type and per specialisation asked for,
with the Wilson 95 % interval; and Twente's figure as a live number: the share of
placements followed by a transfer, per region and year of start.

Whether one placement held is the one rule of placement.selectors.outcomes (SQL, shared
with matching); the interval is placement.outcomes.wilson. Placements still running and
younger than a horizon are censored (not counted for it). The day we look is the scope's
`now` (today): an outcome is what happened next, so figures of a past period can still
change while its placements run. Method: /methode/uitkomst/ (reporting.views.method_outcomes).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from placement.outcomes import HORIZONS, wilson
from placement.selectors.outcomes import outcome_columns
from reporting.registry import report
from reporting.reports.common import Scope, fetch, num, pct, scope_from_params
from reporting.tables import MEASURE, Column, Table

TITLE = gettext_lazy("Uitkomst van plaatsingen")
DESCRIPTION = gettext_lazy(
    "Hielden plaatsingen 90 en 180 dagen stand, per aanbieder en zorgvorm en per gevraagde specialisatie, "
    "met een 95%-interval; en het aandeel plaatsingen dat werd gevolgd door een doorplaatsing, per jaar. "
    "Zie de methodepagina voor wat dit wel en niet zegt."
)
CODE = "outcomes"


def _placements_sql(as_of: dt.date) -> str:
    return f"""
        SELECT p.id, p.provider_id, org.name AS provider, ct.code AS care_type, ct.label AS care_type_name,
               coalesce(a.specialisations, '{{}}')::text[] AS specialisations,
               {outcome_columns(as_of, "p")}
        FROM placement_placement p
        JOIN placement_placementrequest r ON r.id = p.request_id
        JOIN accounts_organisation org ON org.id = p.provider_id
        JOIN capacity_facility f ON f.id = p.facility_id
        JOIN capacity_caretype ct ON ct.id = f.care_type_id
        LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
        WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
          AND p.start_date <= %(as_of)s
    """


# Twente's figure: placements started per region and year, and how many were followed by
# a transfer (at any time so far).
BY_YEAR_SQL = """
    SELECT reg.name AS region, extract(year FROM p.start_date)::int AS year, count(*) AS placements,
           count(t.id) AS transferred
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN accounts_region reg ON reg.id = r.region_id
    LEFT JOIN placement_transfer t ON t.from_placement_id = p.id
    WHERE r.region_id = ANY(%(regions)s)
      AND p.start_date BETWEEN make_date(extract(year FROM %(start)s::date)::int, 1, 1) AND %(end)s
      AND p.start_date <= %(as_of)s
    GROUP BY reg.name, year ORDER BY reg.name, year
"""


def _share_and_interval(row: dict, horizon: int) -> dict:
    n, held = row[f"n{horizon}"], row[f"held{horizon}"]
    interval = wilson(held, n)
    row[f"share{horizon}"] = pct(held, n)
    row[f"low{horizon}"] = num(100 * interval[0]) if interval else None
    row[f"high{horizon}"] = num(100 * interval[1]) if interval else None
    return row


def _outcome_columns(first: list[Column]) -> list[Column]:
    columns = list(first)
    for h in HORIZONS:
        parts = (f"n{h}", f"held{h}")
        columns += [
            Column(f"n{h}", _("Geteld %(days)s dagen") % {"days": h}, True),
            Column(f"held{h}", _("Hielden %(days)s dagen stand") % {"days": h}, True),
            Column(f"share{h}", _("Aandeel (%%) %(days)s dagen") % {"days": h}, True, MEASURE, f"n{h}", parts=parts),
            Column(f"low{h}", _("95%%-interval van (%%)") % {}, True, MEASURE, f"n{h}", parts=parts),
            Column(f"high{h}", _("95%%-interval tot (%%)") % {}, True, MEASURE, f"n{h}", parts=parts),
        ]
    return columns


def _add(row: dict, placement: dict) -> None:
    row["placements"] += 1
    for h in HORIZONS:
        row[f"n{h}"] += int(placement[f"counted_{h}"])
        row[f"held{h}"] += int(placement[f"held_{h}"])


def _empty(**labels) -> dict:
    return {**labels, "placements": 0, **{f"{k}{h}": 0 for h in HORIZONS for k in ("n", "held")}}


def build(scope: Scope) -> list[Table]:
    """Exact figures. The per-provider rows add up to the summary's counts (declared, so
    the suppression pass protects them together); the per-specialisation rows do not (a
    youth may need several specialisations), so they are suppressed on their own."""
    as_of = timezone.localdate(scope.now)
    params = scope.sql(as_of=as_of)
    placements = fetch(_placements_sql(as_of), params)

    total = _empty()
    providers: dict[tuple, dict] = {}
    specialisations: dict[tuple, dict] = {}
    for p in placements:
        _add(total, p)
        key = (p["provider"], p["provider_id"], p["care_type"])
        _add(providers.setdefault(key, _empty(provider=p["provider"], care_type=p["care_type_name"])), p)
        for code in p["specialisations"]:
            skey = (code, p["care_type"])
            _add(specialisations.setdefault(skey, _empty(specialisation=code, care_type=p["care_type_name"])), p)

    summary = [
        {"figure": _("Plaatsingen gestart"), "value": total["placements"], "_id": {"value": "placements"}},
    ]
    for h in HORIZONS:
        summary += [
            {
                "figure": _("Geteld voor %(days)s dagen (niet te jong en nog lopend)") % {"days": h},
                "value": total[f"n{h}"],
                "_id": {"value": f"n{h}"},
            },
            {
                "figure": _("Hielden %(days)s dagen stand") % {"days": h},
                "value": total[f"held{h}"],
                "_id": {"value": f"held{h}"},
            },
            {
                "figure": _("Aandeel dat %(days)s dagen standhield (%%)") % {"days": h},
                "value": pct(total[f"held{h}"], total[f"n{h}"]),
                "_kind": {"value": MEASURE},
                "_n": total[f"n{h}"],
                "_of": {"value": [f"n{h}", f"held{h}"]},
            },
        ]
    tables = [
        Table(
            "summary",
            _("Uitkomst: kerncijfers"),
            [Column("figure", _("Cijfer")), Column("value", _("Waarde"), True)],
            summary,
            description=_("Plaatsingen gestart van %(start)s tot en met %(end)s, bekeken op %(day)s.")
            % {
                "start": scope.start.strftime("%d-%m-%Y"),
                "end": scope.end.strftime("%d-%m-%Y"),
                "day": as_of.strftime("%d-%m-%Y"),
            },
        )
    ]

    provider_rows = []
    for _key, row in sorted(providers.items(), key=lambda item: item[0]):
        for h in HORIZONS:
            _share_and_interval(row, h)
        provider_rows.append(row)
    tables.append(
        Table(
            "by_provider",
            _("Uitkomst per aanbieder en zorgvorm"),
            _outcome_columns(
                [
                    Column("provider", _("Aanbieder")),
                    Column("care_type", _("Zorgvorm")),
                    Column("placements", _("Plaatsingen"), True),
                ]
            ),
            provider_rows,
            column_totals={
                "placements": "placements",
                **{f"n{h}": f"n{h}" for h in HORIZONS},
                **{f"held{h}": f"held{h}" for h in HORIZONS},
            },
        )
    )

    spec_rows = []
    for _key, row in sorted(specialisations.items(), key=lambda item: item[0]):
        for h in HORIZONS:
            _share_and_interval(row, h)
        spec_rows.append(row)
    tables.append(
        Table(
            "by_specialisation",
            _("Uitkomst per gevraagde specialisatie en zorgvorm"),
            _outcome_columns(
                [
                    Column("specialisation", _("Specialisatie (zorgprofiel)")),
                    Column("care_type", _("Zorgvorm")),
                    Column("placements", _("Plaatsingen"), True),
                ]
            ),
            spec_rows,
            description=_("Een jeugdige kan meer specialisaties nodig hebben: deze rijen tellen niet op."),
        )
    )

    year_rows = []
    for row in fetch(BY_YEAR_SQL, params):
        year_rows.append(
            {
                "region": row["region"],
                "year": str(row["year"]),
                "placements": row["placements"],
                "transferred": row["transferred"],
                "rate": pct(row["transferred"], row["placements"]),
            }
        )
    tables.append(
        Table(
            "transfers_by_year",
            _("Plaatsingen gevolgd door een doorplaatsing, per regio en startjaar"),
            [
                Column("region", _("Regio")),
                Column("year", _("Startjaar")),
                Column("placements", _("Plaatsingen gestart"), True),
                Column("transferred", _("Gevolgd door doorplaatsing"), True),
                Column(
                    "rate",
                    _("Per 100 plaatsingen"),
                    True,
                    MEASURE,
                    "placements",
                    parts=("placements", "transferred"),
                ),
            ],
            year_rows,
            description=_(
                "Vanaf 1 januari van het beginjaar van de periode tot het einde ervan; een doorplaatsing telt "
                "op elk moment tot vandaag, dus recente jaren kunnen nog stijgen."
            ),
        )
    )
    return tables


@report(CODE)
def outcomes(*, membership, params):
    return build(scope_from_params(membership, params))
