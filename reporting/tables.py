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

Added for the complementary suppression (issue 12, point 4): the pass must know every
linear relation a reader can use to work a hidden count out again, so builders declare them:
  EXACT   a number that is not about children (places, facilities, a norm): never hidden.
  `Column.sum_of`    in every row this COUNT column is the sum of those COUNT columns
                     (offers = accepted + declined + ...).
  `Column.parts`     a MEASURE that is an exact function of those COUNT columns of the same
                     row (a share, a rate per 100, a mean of a shown distribution): hidden
                     when any of them is hidden, or a reader would compute it back
                     (40 % of 10 is 4).
  `row["_id"] = {key: name}`   names the quantity in a cell; cells with the same name in the
                     tables of one report are the same number (the summary's "waiting" and the
                     total row of every "waiting by ..." table): hidden together.
  `row["_of"] = {key: [name, ...]}`  like `Column.parts`, for counts in other rows/tables.
  `row["_in"] = {key: name}`  this cell is one of the parts that add up to the named
                     quantity (waiting per care type and security add up to waiting per care type).
  `Table.column_totals = {key: name}`  the non-total rows of this COUNT column add up to the
                     named quantity (shown in another table, e.g. the summary).
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNT = "count"
MEASURE = "measure"
TEXT = "text"
EXACT = "exact"  # a number about places, not children: never hidden


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False
    kind: str = ""  # COUNT, MEASURE or TEXT; empty: COUNT when numeric, else TEXT
    n_key: str | None = None  # MEASURE: the column of the same row holding its group size
    sum_of: tuple[str, ...] = ()  # COUNT: in every row, the sum of these columns
    parts: tuple[str, ...] = ()  # MEASURE: computed exactly from these COUNT columns of the row

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
    column_totals: dict[str, str] = field(default_factory=dict)  # COUNT column -> quantity name

    def values(self):
        for row in self.rows:
            yield [row.get(column.key) for column in self.columns]
