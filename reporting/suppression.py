"""Small-count suppression for people who may not see personal data: ONE pass over the
exact tables of a report, after its builder (see the declarations in reporting/tables.py).

- A count of children from 1 to 4 (below THRESHOLD) is shown as "<5" (primary suppression).
  Zero is shown: it reveals nobody.
- Complementary (secondary) suppression: a reader who knows the rule knows that a "<5" is
  1-4 and an "x" count is not zero (zero is always shown). Every linear relation of the
  report (a total row, a column that is the sum of others, the same total in several
  tables, a column whose rows add up to a figure in another table) is checked, one by one
  and then all together: while some hidden count could be worked out from the shown cells
  and the other hidden ones, one more count of its relations is hidden as "x" (the
  smallest shown one, a part before its total), or, when every count there is hidden
  already, a "<5" becomes "x" (so a reader no longer knows it is below 5). A hidden count
  of 5 or more is shown as "x", never as a false "<5".
- A measure (mean, median, percentile, share, distance, duration, amount) is shown exactly
  when its group has at least THRESHOLD children and hidden ("x") only otherwise, or when it
  is an exact function of a hidden count (a share whose count is hidden: 40 % of 10 is 4).

`is_small` is the one test of "small"; every report, screen text and export uses it (or
the constants below).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from reporting.tables import COUNT, EXACT, MEASURE, Table

THRESHOLD = 5
SUPPRESSED = f"<{THRESHOLD}"  # a count of 1 to THRESHOLD - 1
HIDDEN = "x"  # hidden so that a small count cannot be worked out, or a measure over fewer than THRESHOLD
UNBOUNDED = float("inf")


def is_small(n: int) -> bool:
    """A count that could point at a child: from 1 to THRESHOLD - 1."""
    return 0 < n < THRESHOLD


@dataclass(frozen=True)
class Figure:
    """A value and the number of cases it is based on (n)."""

    value: float | int | None
    n: int

    @property
    def is_small(self) -> bool:
        return is_small(self.n)


def show(figure: Figure | int, *, suppress: bool):
    """One value on its own (no relations): exact for those who may see it, otherwise
    hidden when small. Report tables go through `suppress_tables` instead."""
    if isinstance(figure, int):
        figure = Figure(figure, figure)
    if suppress and figure.is_small:
        return SUPPRESSED if figure.value == figure.n else HIDDEN
    return figure.value


# --- The report pass --------------------------------------------------------------------

META = ("_n", "_kind", "_id", "_of", "_in")  # declarations, dropped from what is published


def cell_kind(row: dict, column) -> str:
    return (row.get("_kind") or {}).get(column.key) or column.cell_kind


@dataclass
class Quantity:
    """One number of the report: one or more cells (same `_id`), or none (a named total
    that is not shown itself)."""

    value: int
    published: bool
    hidden: bool = False
    primary: bool = False

    @property
    def bounds(self) -> tuple[float, float]:
        """What a reader knows of it: its value when shown, 1-4 for "<5", not zero for
        "x" (zero is always shown), anything for a quantity that is not shown."""
        if not self.published:
            return 0, UNBOUNDED
        if not self.hidden:
            return self.value, self.value
        return (1, THRESHOLD - 1) if self.primary else (1, UNBOUNDED)


@dataclass
class Model:
    """The counts of a report and the linear relations between them: each relation is
    a list of (quantity index, coefficient) whose weighted sum is zero."""

    quantities: list[Quantity]
    relations: list[list[tuple[int, int]]]
    cells: dict[tuple[int, int, str], int]  # (table, row, column) -> quantity index
    names: dict[str, int]  # `_id` / `column_totals` name -> quantity index


def _count(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def report_model(tables: list[Table]) -> Model:
    """The quantities and declared relations of a report's exact tables."""
    quantities: list[Quantity] = []
    names: dict[str, int] = {}
    cells: dict[tuple[int, int, str], int] = {}

    def named(name: str, value: int | None, published: bool) -> int:
        if name in names:
            q = quantities[names[name]]
            if published and value is not None:
                q.published = True
                q.value = value
            return names[name]
        quantities.append(Quantity(value or 0, published and value is not None))
        names[name] = len(quantities) - 1
        return names[name]

    for ti, table in enumerate(tables):
        for ri, row in enumerate(table.rows):
            ids = row.get("_id") or {}
            for column in table.columns:
                if cell_kind(row, column) != COUNT:
                    continue
                value = _count(row.get(column.key))
                if value is None:
                    continue
                if column.key in ids:
                    cells[ti, ri, column.key] = named(ids[column.key], value, True)
                else:
                    quantities.append(Quantity(value, True))
                    cells[ti, ri, column.key] = len(quantities) - 1

    relations: list[list[tuple[int, int]]] = []

    def relation(total: int | None, parts: list[int | None]) -> None:
        members: dict[int, int] = {}
        if total is None:
            return
        members[total] = members.get(total, 0) - 1
        for p in parts:
            if p is not None:
                members[p] = members.get(p, 0) + 1
        terms = [(q, c) for q, c in members.items() if c]
        if len(terms) > 1:
            relations.append(terms)

    parts_of: dict[str, list[int]] = {}
    for ti, table in enumerate(tables):
        for ri, row in enumerate(table.rows):
            for key, name in (row.get("_in") or {}).items():
                if (ti, ri, key) in cells:
                    parts_of.setdefault(name, []).append(cells[ti, ri, key])
    for name, parts in parts_of.items():
        relation(named(name, None, False), parts)
    for ti, table in enumerate(tables):
        totals = [ri for ri, row in enumerate(table.rows) if row.get("_total")]
        others = [ri for ri, row in enumerate(table.rows) if not row.get("_total")]
        for column in table.columns:
            for ri in totals:
                relation(cells.get((ti, ri, column.key)), [cells.get((ti, o, column.key)) for o in others])
            if column.key in table.column_totals:
                total = named(table.column_totals[column.key], None, False)
                relation(total, [cells.get((ti, o, column.key)) for o in others])
            if column.sum_of:
                for ri in range(len(table.rows)):
                    relation(cells.get((ti, ri, column.key)), [cells.get((ti, ri, k)) for k in column.sum_of])
    return Model(quantities, relations, cells, names)


def _can_move(model: Model, terms, h: int, step: int) -> bool:
    """Within one relation: can quantity h move by `step` with another hidden one
    compensating, all staying within what a reader knows of them?"""
    q = model.quantities
    lo, hi = q[h].bounds
    if not lo <= q[h].value + step <= hi:
        return False
    sign = dict(terms)[h]
    for j, c in terms:
        if j == h or not (q[j].hidden or not q[j].published):
            continue
        j_step = -step if (c > 0) == (sign > 0) else step
        j_lo, j_hi = q[j].bounds
        if j_lo <= q[j].value + j_step <= j_hi:
            return True
    return False


def determined(model: Model, terms) -> bool:
    """A hidden, shown-somewhere quantity of this relation has only one possible value."""
    for h, _c in terms:
        quantity = model.quantities[h]
        movable = _can_move(model, terms, h, 1) or _can_move(model, terms, h, -1)
        if quantity.hidden and quantity.published and not movable:
            return True
    return False


def propagate(model: Model) -> list[tuple[float, float]]:
    """What a reader can derive about every quantity from all relations together: the
    bounds each relation gives on each of its members, repeated until nothing narrows
    (interval propagation; the recovery test checks the result with an integer program)."""
    bounds = [list(q.bounds) for q in model.quantities]
    for _round in range(100):
        changed = False
        for terms in model.relations:
            spans = []
            for q, c in terms:
                lo, hi = bounds[q]
                spans.append((c * lo, c * hi) if c > 0 else (c * hi, c * lo))
            total_lo = sum(lo for lo, _hi in spans)
            total_hi = sum(hi for _lo, hi in spans)
            for (q, c), (lo, hi) in zip(terms, spans, strict=True):
                rest_lo, rest_hi = total_lo - lo, total_hi - hi  # the others, by c * x
                if rest_lo != rest_lo or rest_hi != rest_hi:  # inf - inf: nothing to learn
                    continue
                # c * x = -(others): x in [-rest_hi, -rest_lo] / c
                new = sorted((-rest_hi / c, -rest_lo / c))
                current = bounds[q]
                lo_new, hi_new = max(current[0], new[0]), min(current[1], new[1])
                if lo_new > current[0] + 1e-9 or hi_new < current[1] - 1e-9:
                    bounds[q] = [lo_new, hi_new]
                    changed = True
        if not changed:
            break
    return [tuple(b) for b in bounds]


MARGIN = 2  # interval propagation is weaker than a reader with an integer program: demand 3 values


def _pinned(model: Model, stuck: set[int]) -> int | None:
    """A hidden count a reader could (nearly) work out: the bounds propagated over all
    relations leave fewer than MARGIN + 1 whole numbers."""
    for index, (lo, hi) in enumerate(propagate(model)):
        quantity = model.quantities[index]
        one_value = hi < UNBOUNDED and math.floor(hi + 1e-9) - math.ceil(lo - 1e-9) < MARGIN
        if index not in stuck and quantity.hidden and quantity.published and one_value:
            return index
    return None


def _protect(model: Model, index: int) -> bool:
    """One more step to protect a pinned count: hide the smallest shown count of one of
    its relations (a part before a total), else show the pinned count itself as "x"
    instead of "<5" (a reader then no longer knows it is below 5), else another "<5" of
    its relations; when its relations have nothing left, the same one relation further
    out (the relations of their members), and so on. False when nothing is left."""
    q = model.quantities
    if q[index].primary:
        shown_near = any(
            q[j].published and not q[j].hidden and q[j].value > 0
            for terms in model.relations
            if any(k == index for k, _c in terms)
            for j, _c in terms
        )
        if not shown_near:
            q[index].primary = False
            return True
    members, seen = {index}, set()
    while members:
        related = [
            i for i, terms in enumerate(model.relations) if i not in seen and any(j in members for j, _c in terms)
        ]
        seen.update(related)
        terms_list = [model.relations[i] for i in related]
        shown = [
            (c < 0, q[j].value, j)
            for terms in terms_list
            for j, c in terms
            if q[j].published and not q[j].hidden and q[j].value > 0
        ]
        if shown:
            q[min(shown)[2]].hidden = True
            return True
        small = [(c > 0, j) for terms in terms_list for j, c in terms if q[j].hidden and q[j].primary]
        if small:
            q[min(small)[1]].primary = False
            return True
        members = {j for terms in terms_list for j, _c in terms} - members
    return False


EXACT_AUDIT_LIMIT = 400  # quantities: up to this many, an integer program checks every hidden count


def _exact_pinned(model: Model, stuck: set[int]) -> int | None:
    """A hidden count that an integer program over all relations pins to one value, the
    way the recovery test (and a determined reader) would. Only for reports of up to
    EXACT_AUDIT_LIMIT quantities (small regions and periods, where counts are small and
    the "<5" bounds tell most); larger ones rely on `propagate`."""
    if len(model.quantities) > EXACT_AUDIT_LIMIT:
        return None
    import numpy as np  # scipy is heavy: loaded only when a report needs the audit
    from scipy.optimize import Bounds, LinearConstraint, milp

    q = model.quantities
    n = len(q)
    big = 10**6
    lower = [b[0] for b in (x.bounds for x in q)]
    upper = [min(b[1], big) for b in (x.bounds for x in q)]
    matrix = np.zeros((len(model.relations), n))
    for i, terms in enumerate(model.relations):
        for j, c in terms:
            matrix[i, j] += c
    constraints = [LinearConstraint(matrix, 0, 0)] if model.relations else []
    bounds = Bounds(lower, upper)
    related = {j for terms in model.relations for j, _c in terms}  # a count in no relation keeps its range
    for index in range(n):
        if index in stuck or index not in related or not (q[index].hidden and q[index].published):
            continue
        ends = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[index] = sign
            result = milp(c, constraints=constraints, integrality=np.ones(n), bounds=bounds)
            if not result.success:
                return None
            ends.append(sign * result.fun)
        if ends[1] - ends[0] < 1:
            return index
    return None


def complete(model: Model) -> Model:
    """Primary suppression, then complementary suppression until no hidden count can be
    worked out: first relation by relation (cheap, most cases), then over all relations
    together. Every step hides one more cell or widens one, so this ends."""
    for quantity in model.quantities:
        if quantity.published and is_small(quantity.value):
            quantity.hidden = quantity.primary = True
    changed = True
    while changed:
        changed = False
        for terms in model.relations:
            if not determined(model, terms):
                continue
            candidates = [
                (c < 0, model.quantities[j].value, j)
                for j, c in terms
                if model.quantities[j].published and not model.quantities[j].hidden and model.quantities[j].value > 0
            ]
            if candidates:
                model.quantities[min(candidates)[2]].hidden = True
                changed = True
    stuck: set[int] = set()
    while (index := _pinned(model, stuck)) is not None or (index := _exact_pinned(model, stuck)) is not None:
        if not _protect(model, index):
            stuck.add(index)
    return model


def _group_size(row: dict, column, exact_row: dict):
    if column.n_key:
        return _count(exact_row.get(column.n_key))
    n = row.get("_n")
    if isinstance(n, dict):
        n = n.get(column.key)
    return _count(n)


def suppress_tables(tables: list[Table]) -> list[Table]:
    """The published copy of a report's exact tables (see the module docstring)."""
    model = complete(report_model(tables))
    names = model.names
    out = []
    for ti, table in enumerate(tables):
        rows = []
        for ri, exact in enumerate(table.rows):
            row = dict(exact)
            for column in table.columns:
                kind = cell_kind(exact, column)
                if kind == COUNT and (ti, ri, column.key) in model.cells:
                    quantity = model.quantities[model.cells[ti, ri, column.key]]
                    if quantity.hidden:
                        row[column.key] = SUPPRESSED if quantity.primary else HIDDEN
                elif kind == MEASURE and exact.get(column.key) is not None:
                    n = _group_size(exact, column, exact)
                    parts = [model.cells.get((ti, ri, k)) for k in column.parts]
                    parts += [names.get(name) for name in (exact.get("_of") or {}).get(column.key, ())]
                    if n is None or n < THRESHOLD or any(p is not None and model.quantities[p].hidden for p in parts):
                        row[column.key] = HIDDEN
            rows.append(row)
        out.append(published(copy.copy(table), rows))
    return out


def published(table: Table, rows: list[dict] | None = None) -> Table:
    """The table without the suppression declarations (`_total` stays: screens mark it)."""
    table = copy.copy(table)
    table.rows = [{k: v for k, v in row.items() if k not in META} for row in (table.rows if rows is None else rows)]
    return table


__all__ = ["THRESHOLD", "SUPPRESSED", "HIDDEN", "EXACT", "is_small", "show", "suppress_tables", "published"]
