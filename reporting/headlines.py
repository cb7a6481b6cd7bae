"""Headline figures of a report beside those of the previous period.

The previous period has the same length and ends the day before this one starts. Both
are built through `build_report`, so both are suppressed the same way: a hidden value
stays "<5", and a difference with a hidden (or missing) side is not shown."""

from __future__ import annotations

import datetime as dt

from core.errors import Invalid
from reporting.charts import value
from reporting.registry import build_report
from reporting.tables import Table

HEADLINE_TABLE = "summary"
# Reports without a summary table: (table, label column, value column) to headline instead.
HEADLINE_FALLBACK = {"occupancy": ("by_care_type", "care_type", "rate")}


def headline_table(code: str, tables: list[Table]) -> Table | None:
    """The report's summary table, or its fallback as figure/value rows."""
    summary = next((t for t in tables if t.key == HEADLINE_TABLE), None)
    if summary is not None or code not in HEADLINE_FALLBACK:
        return summary
    key, label_key, value_key = HEADLINE_FALLBACK[code]
    source = next((t for t in tables if t.key == key), None)
    if source is None:
        return None
    column = next((c for c in source.columns if c.key == value_key), None)
    title = str(column.label) if column else value_key
    rows = [{"figure": f"{title}: {row.get(label_key)}", "value": row.get(value_key)} for row in source.rows]
    return Table(HEADLINE_TABLE, str(source.title), source.columns[:0], rows)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period of the same length just before [start, end]; None before year 1."""
    try:
        prev_end = start - dt.timedelta(days=1)
        return prev_end - (end - start), prev_end
    except OverflowError:
        return None


def shifted_params(params, start: dt.date, end: dt.date) -> dict:
    """The filters as given (region, threshold, ...) with another period."""
    lists = {k: params.getlist(k) for k in params} if hasattr(params, "getlist") else dict(params)
    return {**lists, "from": start.isoformat(), "to": end.isoformat()}


def difference(current, previous):
    a, b = value(current), value(previous)
    if a is None or b is None:
        return None
    diff = round(a - b, 2)
    return int(diff) if diff == int(diff) else diff


def headline_rows(current: list[Table], previous: list[Table] | None, code: str = "") -> list[dict]:
    """[{"figure", "value", "previous", "difference"}] from the reports' summary tables.
    Summary rows are matched by position (their labels may carry the period's own dates);
    fallback rows by label (a facility or care type may exist in one period only)."""
    now = headline_table(code, current)
    if now is None:
        return []
    before = headline_table(code, previous or [])
    if code in HEADLINE_FALLBACK and not any(t.key == HEADLINE_TABLE for t in current):
        by_label = {str(r["figure"]): r for r in (before.rows if before is not None else [])}
        before_rows = [by_label.get(str(r["figure"]), {"value": None}) for r in now.rows]
    else:
        before_rows = before.rows if before is not None and len(before.rows) == len(now.rows) else []
    rows = []
    for index, row in enumerate(now.rows):
        old = before_rows[index]["value"] if before_rows else None
        rows.append(
            {
                "figure": row.get("figure"),
                "value": row.get("value"),
                "previous": old,
                "difference": difference(row.get("value"), old) if before_rows else None,
            }
        )
    return rows


def with_previous(code: str, *, membership, params, start: dt.date, end: dt.date) -> tuple[list[Table], list[dict]]:
    """The report's tables for the period and its headline rows against the previous one."""
    current = build_report(code, membership=membership, params=params)
    period = previous_period(start, end)
    previous = None
    if period:
        try:
            previous = build_report(code, membership=membership, params=shifted_params(params, *period))
        except Invalid:  # e.g. a previous period before the first year the reports allow
            previous = None
    return current, headline_rows(current, previous, code)
