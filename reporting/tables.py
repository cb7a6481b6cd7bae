"""A report is a list of tables; screens, the API and the exports all render the same
tables, so a contract manager exports exactly what they see (suppression included).

Issue 12 interface (shared by every report builder):
- A builder returns EXACT values. Suppression is applied once, after the builder, from
  what the columns declare (see reporting/suppression.py), never inside a builder.
- `Column.kind` says what a cell is:
  COUNT   a number of children (or of their requests, offers, placements): 1-4 are hidden;
  MEASURE a mean, median, percentile, share, distance, duration or amount computed over a
          group of children: shown exactly when that group has at least 5 children. The
          group's size is the row's `n_key` column, or `row["_n"][key]` when the size is
          not itself shown;
  TEXT    a label, code or date: never hidden.
  A row may override a column's kind per cell with `row["_kind"] = {key: kind}` (summary
  tables of label/value rows mix counts and measures in one column).
- A row with `row["_total"] = True` holds, in each COUNT column, the sum of the other rows.
- `Table.description` says what is counted, from which date to which (shown on the page).
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNT = "count"
MEASURE = "measure"
TEXT = "text"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False
    kind: str = ""  # COUNT, MEASURE or TEXT; empty: COUNT when numeric, else TEXT
    n_key: str | None = None  # MEASURE: the column of the same row holding its group size

    @property
    def cell_kind(self) -> str:
        return self.kind or (COUNT if self.numeric else TEXT)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    description: str = ""

    def values(self):
        for row in self.rows:
            yield [row.get(column.key) for column in self.columns]
