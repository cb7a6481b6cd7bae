"""Chart specs from a report's (suppressed) tables, one shape for the dashboard's Chart.js
and the quarterly report's server-rendered SVG (reporting/svg.py):

    {"key", "title", "type": "bar" | "line" | "stacked-bar", "labels",
     "datasets": [{"label", "data"}], "norm", "norm_label", "unit", "empty"}

A suppressed cell ("<5") becomes None: a gap, never a made-up value. `empty` says why a
chart has nothing to draw.

MINIMAL VERSION on the "quarterly" branch of issue 12: occupancy and waiting only. The
"dashboard" part of issue 12 writes the full `charts_for` (a chart for every report);
its version REPLACES this file at merge, keeping the same signature and spec shape.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from capacity.rules import OCCUPANCY_NORM
from reporting.tables import Table


def _value(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _rows(tables: list[Table], key: str) -> list[dict]:
    return next((t.rows for t in tables if t.key == key), [])


def _spec(key, title, kind, labels, datasets, *, unit="", norm=None, norm_label="", empty=""):
    has_data = any(v is not None for d in datasets for v in d["data"])
    return {
        "key": key,
        "title": title,
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        "norm": norm,
        "norm_label": norm_label,
        "unit": unit,
        "empty": "" if has_data else (empty or _("Geen gegevens in deze periode.")),
    }


def charts_for(code: str, tables: list[Table]) -> list[dict]:
    if code == "occupancy":
        rows = _rows(tables, "over_time")
        return [
            _spec(
                "occupancy",
                _("Bezettingsgraad in de tijd"),
                "line",
                [r["period"] for r in rows],
                [{"label": _("Bezettingsgraad %"), "data": [_value(r["rate"]) for r in rows]}],
                unit="%",
                norm=OCCUPANCY_NORM,
                norm_label=_("Norm %(norm)s%%") % {"norm": OCCUPANCY_NORM},
                empty=_("Geen gecontracteerde plekken in deze periode."),
            )
        ]
    if code == "waiting-times":
        rows = _rows(tables, "by_month")
        return [
            _spec(
                "waiting",
                _("Wachttijd per maand van plaatsing"),
                "bar",
                [r["month"] for r in rows],
                [
                    {"label": _("Mediaan wachtdagen"), "data": [_value(r["wait_median"]) for r in rows]},
                    {"label": _("P90 wachtdagen"), "data": [_value(r["wait_p90"]) for r in rows]},
                ],
                unit=_("dagen"),
                empty=_("Geen plaatsingen gestart in deze periode, of te weinig om te tonen (minder dan 5)."),
            )
        ]
    return []
