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

How "all together" is checked, and its bounds (what the pass guarantees):
- The relation graph is split into connected parts (`components`: counts linked by some
  chain of relations); a reader learns nothing about one part from another, so each part
  is propagated and protected on its own.
- Within a part, interval propagation (`_Part`, vectorised; the same fixed point as
  `propagate`) runs again after every single protecting step, from what a reader knows
  after that step: the result is the one a step-by-step recomputation gives, at a few
  milliseconds a step (352 providers x 8 counts with totals: about 3 s, see
  bench/benchmarks/suppression.py). Propagation stops after ROUNDS x 10 sweeps of a part.
- Then an integer program checks every hidden count, as the recovery test does, but only
  for reports of up to EXACT_AUDIT_LIMIT counts; larger (national) reports rely on the
  propagation with MARGIN (a hidden count must keep at least MARGIN + 1 possible values).

`is_small` is the one test of "small"; every report, screen text and export uses it (or
the constants below).
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass

from core.small_counts import THRESHOLD, is_small  # the one rule, shared with matching (issue 16)
from reporting.tables import COUNT, EXACT, MEASURE, Table

SUPPRESSED = f"<{THRESHOLD}"  # a count of 1 to THRESHOLD - 1
HIDDEN = "x"  # hidden so that a small count cannot be worked out, or a measure over fewer than THRESHOLD
UNBOUNDED = float("inf")


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
    q = model.quantities
    flexible = [j for j, _c in terms if q[j].hidden or not q[j].published]
    if len(flexible) < 2:  # none, or one hidden count alone: it is the others' sum
        return any(q[j].hidden and q[j].published for j in flexible)
    for h in flexible:
        if q[h].hidden and q[h].published and not (_can_move(model, terms, h, 1) or _can_move(model, terms, h, -1)):
            return True
    return False


def components(model: Model) -> list[tuple[list[int], list[int]]]:
    """The connected parts of the relation graph: (relation indexes, quantity indexes).
    Relations never change during the pass; what a reader derives in one part tells
    nothing about another, so each part is propagated and checked on its own."""
    parent = list(range(len(model.quantities)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms in model.relations:
        first = root(terms[0][0])
        for j, _c in terms[1:]:
            other = root(j)
            if other != first:
                parent[other] = first
    parts: dict[int, tuple[list[int], list[int]]] = {}
    for r, terms in enumerate(model.relations):
        parts.setdefault(root(terms[0][0]), ([], []))[0].append(r)
    for j in {j for terms in model.relations for j, _c in terms}:
        parts[root(j)][1].append(j)
    return list(parts.values())


ROUNDS = 100  # propagation visits each relation of a part at most this many times


def propagate(model: Model, relations: list[int] | None = None) -> list[tuple[float, float]]:
    """What a reader can derive about every quantity from all relations together (or those
    of one part, `components`): the bounds each relation gives on each of its members,
    repeated until nothing narrows (interval propagation with a work list: a relation is
    looked at again only when a bound of one of its members narrowed; the recovery test
    checks the result with an integer program)."""
    bounds = [list(q.bounds) for q in model.quantities]
    todo = deque(range(len(model.relations)) if relations is None else relations)
    where: dict[int, list[int]] = {}
    for r in todo:
        for j, _c in model.relations[r]:
            where.setdefault(j, []).append(r)
    queued = set(todo)
    budget = ROUNDS * max(len(todo), 1)
    while todo and budget > 0:
        budget -= 1
        r = todo.popleft()
        queued.discard(r)
        terms = model.relations[r]
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
                for other in where[q]:
                    if other != r and other not in queued:
                        queued.add(other)
                        todo.append(other)
    return [tuple(b) for b in bounds]


MARGIN = 2  # interval propagation is weaker than a reader with an integer program: demand 3 values


def _relations_of(model: Model) -> dict[int, list[int]]:
    """quantity -> the relations it is in (built once per model)."""
    if getattr(model, "_where", None) is None:
        where: dict[int, list[int]] = {}
        for r, terms in enumerate(model.relations):
            for j, _c in terms:
                where.setdefault(j, []).append(r)
        model._where = where
    return model._where


def _totals(model: Model) -> set[int]:
    """The counts that are a total in some relation of the report. Complementary
    suppression hides a part before any of these: a total is usually the figure people
    read (a headline), and hiding a part protects as well."""
    if getattr(model, "_totals", None) is None:
        model._totals = {j for terms in model.relations for j, c in terms if c < 0}
    return model._totals


def _protect(model: Model, index: int) -> int | None:
    """One more step to protect a pinned count: hide the smallest shown count of one of
    its relations (a part before a total), else show the pinned count itself as "x"
    instead of "<5" (a reader then no longer knows it is below 5), else another "<5" of
    its relations; when its relations have nothing left, the same one relation further
    out (the relations of their members), and so on. The count it changed, or None when
    nothing is left."""
    q = model.quantities
    where = _relations_of(model)
    if q[index].primary:
        shown_near = any(
            q[j].published and not q[j].hidden and q[j].value > 0
            for r in where.get(index, ())
            for j, _c in model.relations[r]
        )
        if not shown_near:
            q[index].primary = False
            return index
    members, seen = {index}, set()
    while members:
        related = sorted({r for j in members for r in where.get(j, ())} - seen)
        seen.update(related)
        terms_list = [model.relations[i] for i in related]
        totals = _totals(model)
        shown = [
            (j in totals, q[j].value, j)
            for terms in terms_list
            for j, c in terms
            if q[j].published and not q[j].hidden and q[j].value > 0
        ]
        if shown:
            q[min(shown)[2]].hidden = True
            return min(shown)[2]
        small = [(c > 0, j) for terms in terms_list for j, c in terms if q[j].hidden and q[j].primary]
        if small:
            q[min(small)[1]].primary = False
            return min(small)[1]
        members = {j for terms in terms_list for j, _c in terms} - members
    return None


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


class _Part:
    """Interval propagation over one part (`components`), vectorised: every relation of
    the part narrows the bounds of its members at once, repeated until nothing narrows
    (the same fixed point as `propagate`, which goes relation by relation). What a reader
    knows of each member is kept in arrays and updated per changed count, so a report of
    thousands of counts is checked again in milliseconds after each step."""

    def __init__(self, model: Model, part: tuple[list[int], list[int]]):
        import numpy as np

        self.np = np
        self.model = model
        self.members = sorted(part[1])
        local = {j: i for i, j in enumerate(self.members)}
        rel, var, coef = [], [], []
        for k, r in enumerate(part[0]):
            for j, c in model.relations[r]:
                rel.append(k)
                var.append(local[j])
                coef.append(c)
        self.local = local
        self.n_rel = len(part[0])
        self.rel, self.var = np.array(rel, dtype=np.intp), np.array(var, dtype=np.intp)
        self.coef = np.array(coef, dtype=float)
        self.lo = np.zeros(len(self.members))
        self.hi = np.zeros(len(self.members))
        self.open = np.zeros(len(self.members), dtype=bool)  # hidden and published: may be pinned
        for j in self.members:
            self.update(j)

    def update(self, j: int) -> None:
        quantity = self.model.quantities[j]
        self.lo[self.local[j]], self.hi[self.local[j]] = quantity.bounds
        self.open[self.local[j]] = quantity.hidden and quantity.published

    def bounds(self):
        np, c, rel, var = self.np, self.coef, self.rel, self.var
        lo, hi = self.lo.copy(), self.hi.copy()
        positive = c > 0
        with np.errstate(invalid="ignore"):
            for _round in range(ROUNDS * 10):
                a, b = c * lo[var], c * hi[var]
                span_lo, span_hi = np.where(positive, a, b), np.where(positive, b, a)
                inf_lo, inf_hi = np.isinf(span_lo), np.isinf(span_hi)
                sum_lo = np.bincount(rel, np.where(inf_lo, 0.0, span_lo), self.n_rel)
                sum_hi = np.bincount(rel, np.where(inf_hi, 0.0, span_hi), self.n_rel)
                n_inf_lo = np.bincount(rel, inf_lo, self.n_rel)
                n_inf_hi = np.bincount(rel, inf_hi, self.n_rel)
                rest_lo = np.where(n_inf_lo[rel] > 0, -UNBOUNDED, sum_lo[rel] - np.where(inf_lo, 0.0, span_lo))
                rest_hi = np.where(n_inf_hi[rel] > 0, UNBOUNDED, sum_hi[rel] - np.where(inf_hi, 0.0, span_hi))
                # As `propagate`: a member whose own span is infinite learns nothing (inf - inf).
                learns = ~(inf_lo | inf_hi)
                first, second = -rest_hi / c, -rest_lo / c
                new_lo = np.where(learns, np.minimum(first, second), -UNBOUNDED)
                new_hi = np.where(learns, np.maximum(first, second), UNBOUNDED)
                cand_lo, cand_hi = lo.copy(), hi.copy()
                np.maximum.at(cand_lo, var, new_lo)
                np.minimum.at(cand_hi, var, new_hi)
                raise_lo, lower_hi = cand_lo > lo + 1e-9, cand_hi < hi - 1e-9
                if not (raise_lo.any() or lower_hi.any()):
                    break
                lo, hi = np.where(raise_lo, cand_lo, lo), np.where(lower_hi, cand_hi, hi)
        return lo, hi

    def pinned(self, stuck: set[int]) -> int | None:
        """The first hidden count of the part that a reader could (nearly) work out: the
        propagated bounds leave fewer than MARGIN + 1 whole numbers."""
        np = self.np
        lo, hi = self.bounds()
        one_value = (hi < UNBOUNDED) & (np.floor(hi + 1e-9) - np.ceil(lo - 1e-9) < MARGIN)
        for i in np.flatnonzero(one_value & self.open):
            index = self.members[i]
            quantity = self.model.quantities[index]
            if index not in stuck and quantity.hidden and quantity.published:
                return index
        return None


def _protect_part(model: Model, stuck: set[int], part) -> None:
    """Protect, one step at a time, every count of one part that propagation pins."""
    checker = _Part(model, part)
    while (index := checker.pinned(stuck)) is not None:
        changed = _protect(model, index)
        if changed is None:
            stuck.add(index)
        else:
            checker.update(changed)


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
                (j in _totals(model), model.quantities[j].value, j)
                for j, c in terms
                if model.quantities[j].published and not model.quantities[j].hidden and model.quantities[j].value > 0
            ]
            if candidates:
                model.quantities[min(candidates)[2]].hidden = True
                changed = True
    stuck: set[int] = set()
    for part in components(model):
        _protect_part(model, stuck, part)
    while (index := _exact_pinned(model, stuck)) is not None:
        changed = _protect(model, index)
        if changed is None:
            stuck.add(index)
            continue
        for part in components(model):
            if changed in part[1]:
                _protect_part(model, stuck, part)
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
