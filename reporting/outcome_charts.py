"""Issue 16 (fit-outcome): the charts of the outcomes report (reporting.reports.outcomes),
registered with reporting.charts (imported from reporting.apps, after the reports)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.charts import _empty_reason, body_rows, charts, spec, value
from reporting.tables import Table


def transfers_by_year_chart(table: Table | None) -> dict:
    """Twente's figure: placements followed by a transfer per 100, one line per region."""
    rows = body_rows(table)
    years = sorted({str(r["year"]) for r in rows})
    regions = sorted({str(r["region"]) for r in rows})
    cells = {(str(r["region"]), str(r["year"])): r.get("rate") for r in rows}
    return {
        "key": "outcomes_transfers_by_year",
        "title": _("Plaatsingen gevolgd door een doorplaatsing (per 100), per startjaar"),
        "type": "line",
        "labels": years,
        "datasets": [
            {"label": region, "data": [value(cells.get((region, year))) for year in years]} for region in regions
        ],
        "norm": None,
        "norm_label": "",
        "unit": _("per 100 plaatsingen"),
        "empty": _empty_reason(rows, ["rate"], _("Geen plaatsingen gestart in deze periode."), zero_is_empty=False),
    }


@charts("outcomes")
def outcome_charts(t: dict[str, Table]) -> list[dict]:
    providers = t.get("by_provider")
    return [
        transfers_by_year_chart(t.get("transfers_by_year")),
        spec(
            "outcomes_held_by_provider",
            _("Aandeel dat 180 dagen standhield, per aanbieder en zorgvorm (%)"),
            None
            if providers is None
            else Table(
                providers.key,
                providers.title,
                providers.columns,
                [{**r, "label": f"{r.get('provider')} ({r.get('care_type')})"} for r in providers.rows],
            ),
            label_key="label",
            series=[("share180", _("Hielden 180 dagen stand (%)"))],
            unit="%",
            no_data=_("Geen plaatsingen gestart in deze periode."),
            zero_is_empty=False,
        ),
    ]
