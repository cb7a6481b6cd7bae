"""One place that turns a report's (already suppressed) tables into chart specs.

The screens draw them with Chart.js (static/js/reports.js) and the quarterly report draws
the same specs as SVG, so the shape is fixed:

    {"key", "title", "type": "bar" | "line" | "stacked-bar", "labels": [str],
     "datasets": [{"label": str, "data": [number | None]}],
     "norm": number | None, "norm_label": str, "unit": str,
     "empty": str | None}

A hidden cell ("<5") or a missing value becomes a gap (None), never a number. `empty` says
why there is nothing to draw (no data in the period, or every figure is suppressed); the
page then shows that sentence instead of an empty grid.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from capacity.rules import OCCUPANCY_NORM
from reporting.reports.indicators import INDICATORS
from reporting.suppression import HIDDEN, SUPPRESSED
from reporting.tables import Table

# The field's norm for waiting (see "Indicators the field already uses" in DOMAIN.md):
# a regular placement within 4 weeks.
WAITING_NORM_DAYS = 28

ChartFn = Callable[[dict[str, Table]], list[dict]]
CHARTS: dict[str, ChartFn] = {}


def charts_for(code: str, tables: list[Table]) -> list[dict]:
    """The chart specs of report `code` from its tables (unknown report: none)."""
    chart_fn = CHARTS.get(code)
    return chart_fn({t.key: t for t in tables}) if chart_fn else []


def charts(code: str):
    def decorator(fn: ChartFn) -> ChartFn:
        CHARTS[code] = fn
        return fn

    return decorator


# --- building blocks -------------------------------------------------------------------


def value(cell):
    """A drawable number, or None for a gap ('<5', empty, text)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, (int, float)):
        return cell
    return None


def is_total(row: dict) -> bool:
    return bool(row.get("_total")) or str(row.get("label", "")) == _("Totaal")


def body_rows(table: Table | None) -> list[dict]:
    """The rows of a table without its total row."""
    return [] if table is None else [row for row in table.rows if not is_total(row)]


def _empty_reason(rows: list[dict], keys: list[str], no_data: str, *, zero_is_empty: bool) -> str | None:
    cells = [row.get(key) for row in rows for key in keys]
    numbers = [value(c) for c in cells if value(c) is not None]
    if any(n != 0 for n in numbers) or (numbers and not zero_is_empty):
        return None
    if any(c in (SUPPRESSED, HIDDEN) for c in cells):  # "<5", or "x": hidden beside one or over fewer than 5
        return _("Aantallen onder 5 worden niet getoond; er is te weinig om te tekenen.")
    return no_data


def spec(
    key: str,
    title: str,
    table: Table | None,
    *,
    label_key: str,
    series: list[tuple[str, str]],
    type: str = "bar",
    unit: str = "",
    norm=None,
    norm_label: str = "",
    no_data: str | None = None,
    zero_is_empty: bool = True,
) -> dict:
    """A chart of `series` ([(column key, legend label)]) over the rows of `table`."""
    rows = body_rows(table)
    no_data = no_data or _("Geen gegevens in deze periode.")
    return {
        "key": key,
        "title": title,
        "type": type,
        "labels": [str(row.get(label_key, "")) for row in rows],
        "datasets": [{"label": str(label), "data": [value(row.get(k)) for row in rows]} for k, label in series],
        "norm": norm,
        "norm_label": norm_label,
        "unit": unit,
        "empty": _empty_reason(rows, [k for k, _l in series], no_data, zero_is_empty=zero_is_empty),
    }


def column_label(table: Table | None, key: str, default: str = "") -> str:
    if table is not None:
        for column in table.columns:
            if column.key == key:
                return str(column.label)
    return default


def missing(key: str, title: str, message: str, *, type: str = "bar", unit: str = "") -> dict:
    """A chart whose table the report does not (yet) have."""
    return {
        "key": key,
        "title": title,
        "type": type,
        "labels": [],
        "datasets": [],
        "norm": None,
        "norm_label": "",
        "unit": unit,
        "empty": message,
    }


# --- the reports -----------------------------------------------------------------------


@charts("unmet-need")
def unmet_need_charts(t: dict[str, Table]) -> list[dict]:
    no_one = _("Geen wachtenden in deze periode.")
    care = t.get("waiting_by_care_type")
    return [
        unmet_step_chart(t.get("summary"), no_one),
        spec(
            "unmet_by_care_type",
            _("Wachtend per zorgvorm (eerste keus)"),
            care,
            label_key="label",
            series=[
                ("waiting", column_label(care, "waiting", _("Wachtend"))),
                ("over", column_label(care, "over", _("Langer dan drempel"))),
            ],
            unit=_("jeugdigen"),
            no_data=no_one,
        ),
        spec(
            "unmet_by_specialisation",
            _("Wachtend per specialisatie"),
            t.get("waiting_by_specialisation"),
            label_key="label",
            series=[("waiting", _("Wachtend"))],
            unit=_("jeugdigen"),
            no_data=no_one,
        ),
        spec(
            "unmet_by_security",
            _("Wachtend per beveiligingsniveau"),
            t.get("waiting_by_security"),
            label_key="label",
            series=[("waiting", _("Wachtend"))],
            unit=_("jeugdigen"),
            no_data=no_one,
        ),
    ]


def unmet_step_chart(summary: Table | None, no_data: str) -> dict:
    """The headline "referred and not yet placed" as one bar split into its two parts
    (the summary rows the builder marks `_chart`): waiting for a fitting place, and still in
    assessment, matching or application."""
    summary_rows = summary.rows if summary else []
    rows = [row for row in summary_rows if row.get("_chart") == "step_part"]
    total = next((row for row in summary_rows if row.get("_chart") == "step_total"), None)
    return {
        "key": "unmet_by_step",
        "title": _("Verwezen en nog niet geplaatst: waar staan zij?"),
        "type": "stacked-bar",
        "labels": [str(total["figure"])] if total else [],
        "datasets": [{"label": str(row["figure"]), "data": [value(row.get("value"))]} for row in rows],
        "norm": None,
        "norm_label": "",
        "unit": _("jeugdigen"),
        "empty": _empty_reason(rows, ["value"], no_data, zero_is_empty=True),
    }


@charts("waiting-times")
def waiting_charts(t: dict[str, Table]) -> list[dict]:
    months = t.get("by_month")
    return [
        spec(
            "waiting_by_month",
            _("Wachttijd per maand tegen de norm van %(days)s dagen") % {"days": WAITING_NORM_DAYS},
            months,
            label_key="month",
            series=[
                ("wait_median", column_label(months, "wait_median", _("Mediaan wachtdagen"))),
                ("wait_p90", column_label(months, "wait_p90", _("P90 wachtdagen"))),
            ],
            type="line",
            unit=_("dagen"),
            norm=WAITING_NORM_DAYS,
            norm_label=_("Norm: %(days)s dagen") % {"days": WAITING_NORM_DAYS},
            no_data=_("Geen plaatsingen gestart in deze periode."),
            zero_is_empty=False,
        ),
        spec(
            "distance_bands",
            _("Plaatsingen naar afstand"),
            t.get("distance_bands"),
            label_key="label",
            series=[("count", _("Plaatsingen"))],
            unit=_("plaatsingen"),
            no_data=_("Geen plaatsingen gestart in deze periode."),
        ),
    ]


@charts("refusals")
def refusal_charts(t: dict[str, Table]) -> list[dict]:
    no_refusals = _("Geen weigeringen in deze periode.")
    per_provider = t.get("by_provider_reason")
    reasons = (
        [(c.key, str(c.label)) for c in per_provider.columns if c.numeric and c.key != "refused"]
        if per_provider
        else []
    )
    return [
        spec(
            "refusals_by_reason",
            _("Weigeringen per reden"),
            t.get("by_reason"),
            label_key="label",
            series=[("count", _("Weigeringen"))],
            unit=_("weigeringen"),
            no_data=no_refusals,
        ),
        spec(
            "refusals_by_provider",
            _("Weigeringsredenen per aanbieder"),
            per_provider,
            label_key="provider",
            series=reasons,
            type="stacked-bar",
            unit=_("weigeringen"),
            no_data=no_refusals,
        ),
        spec(
            "refusals_by_who",
            _("Weigeringen naar wie weigerde"),
            t.get("by_who"),
            label_key="label",
            series=[("count", _("Weigeringen"))],
            unit=_("weigeringen"),
            no_data=no_refusals,
        ),
    ]


@charts("transfers")
def transfer_charts(t: dict[str, Table]) -> list[dict]:
    no_transfers = _("Geen beëindigde plaatsingen in deze periode.")
    return [
        spec(
            "transfers_by_provider",
            _("Doorplaatsingen per aanbieder"),
            t.get("by_provider"),
            label_key="provider",
            series=[("transfers", _("Doorplaatsingen")), ("ended", _("Beëindigd"))],
            unit=_("plaatsingen"),
            no_data=no_transfers,
        ),
        spec(
            "transfers_by_month",
            _("Doorplaatsingen per 100 beëindigde plaatsingen per maand"),
            t.get("by_month"),
            label_key="month",
            series=[("rate", _("Per 100 beëindigd"))],
            type="line",
            unit=_("per 100"),
            no_data=no_transfers,
            zero_is_empty=False,
        ),
    ]


@charts("occupancy")
def occupancy_charts(t: dict[str, Table]) -> list[dict]:
    norm_label = _("Norm: %(norm)s%%") % {"norm": OCCUPANCY_NORM}
    no_places = _("Geen gecontracteerde plekken in deze periode.")
    return [
        spec(
            "occupancy_over_time",
            _("Bezettingsgraad in de tijd tegen de norm van %(norm)s%%") % {"norm": OCCUPANCY_NORM},
            t.get("over_time"),
            label_key="period",
            series=[("rate", _("Bezettingsgraad %"))],
            type="line",
            unit="%",
            norm=OCCUPANCY_NORM,
            norm_label=norm_label,
            no_data=no_places,
            zero_is_empty=False,
        ),
        spec(
            "occupancy_by_facility",
            _("Bezettingsgraad per locatie"),
            t.get("by_facility"),
            label_key="facility",
            series=[("rate", _("Bezettingsgraad %"))],
            unit="%",
            norm=OCCUPANCY_NORM,
            norm_label=norm_label,
            no_data=no_places,
            zero_is_empty=False,
        ),
    ]


@charts("contracts")
def contract_charts(t: dict[str, Table]) -> list[dict]:
    """Occupancy per contract against the 90% line, the cost of placements and of empty
    places per contract, and unmet need in euros per need profile."""
    by_contract = _labelled(t.get("by_contract"), ("reference", "provider"))
    unmet = _labelled(t.get("unmet_need_euro"), ("care_type", "band"))
    no_contracts = _("Er zijn geen contracten die in deze periode liepen.")
    return [
        spec(
            "contract_occupancy",
            _("Bezettingsgraad per contract tegen de norm van %(norm)s%%") % {"norm": OCCUPANCY_NORM},
            by_contract,
            label_key="label",
            series=[("rate", column_label(by_contract, "rate", _("Bezettingsgraad %")))],
            unit="%",
            norm=OCCUPANCY_NORM,
            norm_label=_("Norm: %(norm)s%%") % {"norm": OCCUPANCY_NORM},
            no_data=no_contracts,
            zero_is_empty=False,
        ),
        spec(
            "contract_cost",
            _("Kosten per contract: plaatsingen en lege plaatsen"),
            by_contract,
            label_key="label",
            series=[
                ("cost", column_label(by_contract, "cost", _("Kosten plaatsingen (euro)"))),
                ("empty_cost", column_label(by_contract, "empty_cost", _("Kosten lege plaatsen (euro)"))),
            ],
            type="stacked-bar",
            unit="€",
            no_data=no_contracts,
        ),
        spec(
            "unmet_need_euro",
            _("Onvervulde vraag in euro's per zorgvorm en intensiteit"),
            unmet,
            label_key="label",
            series=[("amount", column_label(unmet, "amount", _("Bedrag (euro)")))],
            unit="€",
            no_data=_("Geen wachtenden in deze periode."),
        ),
    ]


def _labelled(table: Table | None, keys: tuple[str, ...]) -> Table | None:
    """The table's rows (no total) with a `label` made of the given cells."""
    if table is None:
        return None
    rows = [{**row, "label": " ".join(str(row.get(k) or "") for k in keys).strip()} for row in body_rows(table)]
    return Table(table.key, table.title, table.columns, rows)


@charts("indicators")
def indicator_charts(t: dict[str, Table]) -> list[dict]:
    """The shares quarter by quarter: one line per indicator measured as a percentage
    (`indicators_by_quarter` has one row per indicator and quarter)."""
    table = t.get("indicators_by_quarter")
    shares = {str(i.label) for i in INDICATORS if i.measure == "share"}
    rows = [row for row in body_rows(table) if str(row.get("indicator")) in shares]
    pivot: dict[str, dict] = {}
    for row in rows:
        quarter = str(row["quarter"])
        pivot.setdefault(quarter, {"quarter": quarter})[str(row["indicator"])] = row.get("value")
    names = list(dict.fromkeys(str(row["indicator"]) for row in rows))
    return [
        spec(
            "indicators_by_quarter",
            _("Indicatoren per kwartaal (percentages)"),
            Table("indicators_by_quarter", "", [], list(pivot.values())),
            label_key="quarter",
            series=[(name, name) for name in names],
            type="line",
            unit="%",
            no_data=_("Er zijn geen indicatoren per kwartaal voor deze periode."),
            zero_is_empty=False,
        )
    ]
