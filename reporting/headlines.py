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


def headline_rows(current: list[Table], previous: list[Table] | None) -> list[dict]:
    """[{"figure", "value", "previous", "difference"}] from the reports' summary tables.
    Rows are matched by position: their labels may carry the period's own dates."""
    now = next((t for t in current if t.key == HEADLINE_TABLE), None)
    if now is None:
        return []
    before = next((t for t in previous or [] if t.key == HEADLINE_TABLE), None)
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
    return current, headline_rows(current, previous)
