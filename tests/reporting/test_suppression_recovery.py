"""Issue 12, point 4: no suppressed cell of any report can be worked out from the other
cells of that report, on screen or in an export.

For every registered report (REPORT_MODULES: reports added later are covered without
touching this file), on the hand-worked Q1 scenario and on random data and random
periods, the exact tables and the published (suppressed) ones are built. Every linear
relation the published cells satisfy is collected:
- the relations the builders declare (total rows, row sums, named totals shared by
  tables, column totals held elsewhere); each is checked against the exact figures;
- relations inferred from the exact figures themselves, kept only when they hold in
  every data set of the run: a row that is the sum of the other rows, a column that is
  the sum of others, two cells that are always equal, a column whose rows always add up
  to a cell elsewhere, and shares (%) shown for two counts.
A reader knows that "<5" is 1-4 and an "x" count is not zero. For every hidden count,
an integer program (scipy.optimize.milp) finds its smallest and largest value consistent
with all published cells and relations: they must differ. The CSV and XLSX exports must
hold exactly the published cells.
"""

import csv
import datetime as dt
import itertools
import random
import re

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.optimize import Bounds, LinearConstraint, milp

from accounts.models import Region
from placement.models import Offer
from reporting.exports import _cell, write_csv, write_xlsx
from reporting.registry import scope_builder
from reporting.reports import REPORT_MODULES
from reporting.reports.common import Scope
from reporting.suppression import HIDDEN, SUPPRESSED, THRESHOLD, cell_kind, report_model, suppress_tables
from reporting.tables import COUNT, MEASURE
from tests.capacity.factories import provider_org
from tests.reporting.factories import Scenario, facility

pytestmark = pytest.mark.django_db
BIG = 10**6


# --- data ---------------------------------------------------------------------------------


def random_history(rng: random.Random, *, n: int, facilities: list) -> None:
    """n requests in Twente referred from November 2024 to June 2025, with offers
    (declined, expired, withdrawn, fallen through, accepted), placements, ends, transfers,
    closures and waiting periods, at random."""
    s = Scenario()
    for _ in range(n):
        referral = dt.date(2024, 11, 1) + dt.timedelta(days=rng.randrange(240))
        care = rng.choice(["kwv-open", "kwv-open", "behandelgroep", "gezinshuis"])
        fate = rng.choices(["placed", "waiting", "closed", "matching"], weights=[6, 2, 2, 1])[0]
        request = s.request(
            referral=referral,
            status={"placed": "placed", "waiting": "waiting", "closed": "closed", "matching": "matching"}[fate],
            care_types=[care, rng.choice(["kwv-open", "behandelgroep"])],
            security=rng.choice(["open", "open", "closed"]),
            specialisations=rng.sample(["trauma", "lvb", "verslaving"], rng.randrange(3)),
            birth=dt.date(2006 + rng.randrange(12), 1 + rng.randrange(12), 1),
            home=rng.choice(["GM0153", "GM0153", "GM0164", "GM0141"]),
            outcome=rng.choice(["help_at_home", "ambulant_care", "withdrawn", "other"]) if fate == "closed" else "",
            status_changed=referral + dt.timedelta(days=rng.randrange(1, 40)) if fate == "closed" else None,
            max_km=rng.choice([None, 20, 50]),
        )
        day = referral
        for _attempt in range(rng.randrange(4)):
            day += dt.timedelta(days=rng.randrange(1, 12))
            place = rng.choice(facilities)
            status = rng.choice(["declined", "expired", "withdrawn", "fallen_through"])
            offer = s.offer(
                request,
                place,
                created=day,
                status="accepted" if status == "fallen_through" else status,
                reason={"declined": rng.choice(["no_place", "staffing", "age_limit"]), "expired": "no_answer"}.get(
                    status, ""
                ),
            )
            if status == "fallen_through":
                Offer.objects.filter(pk=offer.pk).update(
                    status="fallen_through",
                    fall_through_party=rng.choice(["youth", "parents", "provider"]),
                    fall_through_reason="location",
                    motivation="Toelichting",
                )
        if fate == "waiting":
            s.waiting(request, started=day + dt.timedelta(days=1), reason=rng.choice(["fitting_full", "other"]))
        if fate != "placed":
            continue
        day += dt.timedelta(days=rng.randrange(1, 10))
        offer = s.offer(request, rng.choice(facilities), created=day, status="accepted")
        start = day + dt.timedelta(days=rng.randrange(1, 20))
        end = start + dt.timedelta(days=rng.randrange(10, 120)) if rng.random() < 0.6 else None
        needs_new = end is not None and rng.random() < 0.4
        placement = s.placement(
            request,
            offer,
            start=start,
            end=end,
            reason=rng.choice(["01", "02", "04"]) if end else "",
            needs_new_place=needs_new,
            destination=rng.choice(["home", "lighter_care", "unknown"]),
        )
        if needs_new:
            s.transfer(placement, referral=end + dt.timedelta(days=1))


def random_scope(rng: random.Random, twente) -> Scope:
    start = dt.date(2024, 12, 1) + dt.timedelta(days=rng.randrange(90))
    end = start + dt.timedelta(days=rng.choice([30, 90, 180]))
    return Scope(region_ids=[twente.pk], start=start, end=end, suppress=True, drill=False)


def q1(twente) -> Scope:
    return Scope(
        region_ids=[twente.pk], start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31), suppress=True, drill=False
    )


# --- cells and relations --------------------------------------------------------------------


def _label(table, row) -> str:
    text = next((str(row.get(c.key)) for c in table.columns if not c.numeric), "")
    return re.sub(r"\d", "#", text) if table.key == "summary" else text


def cells_of(code, tables):
    """{cell key: (table index, row index, column key)} for the count and measure cells;
    the key names the cell the same way in every data set."""
    out = {}
    for ti, table in enumerate(tables):
        for ri, row in enumerate(table.rows):
            for column in table.columns:
                if cell_kind(row, column) in (COUNT, MEASURE):
                    out[code, table.key, _label(table, row), column.key] = (ti, ri, column.key)
    return out


def candidate_relations(code, tables) -> set:
    """Relations the exact figures satisfy in this data set (a set of hashable keys)."""
    found = set()
    cells = cells_of(code, tables)
    counts = {
        k: tables[ti].rows[ri][col]
        for k, (ti, ri, col) in cells.items()
        if cell_kind_of(tables, (ti, ri, col)) == COUNT and isinstance(tables[ti].rows[ri][col], int)
    }
    for table in tables:
        count_cols = [c.key for c in table.columns if c.cell_kind == COUNT]
        parts = [r for r in table.rows if not r.get("_total")]
        for col in count_cols:
            keys = [(code, table.key, _label(table, r), col) for r in table.rows]
            vals = [counts.get(k) for k in keys]
            if any(v is None for v in vals):
                continue
            # A row that is the sum of the other rows.
            for i, v in enumerate(vals):
                if len(vals) >= 3 and v == sum(w for j, w in enumerate(vals) if j != i):
                    found.add(("rowsum", keys[i], tuple(k for j, k in enumerate(keys) if j != i)))
            # A column whose rows add up to a cell elsewhere.
            column_sum = sum(counts[(code, table.key, _label(table, r), col)] for r in parts)
            for other, w in counts.items():
                if other[1] != table.key and w == column_sum:
                    found.add(("colsum", other, (code, table.key, col)))
        # A column that is, in every row, the sum of some others.
        rows = [{c: counts.get((code, table.key, _label(table, r), c)) for c in count_cols} for r in table.rows]
        if not rows or any(v is None for r in rows for v in r.values()):
            continue
        for col in count_cols:
            others = [c for c in count_cols if c != col]
            subsets = [tuple(others)] if len(others) >= 2 else []
            subsets += list(itertools.combinations(others, 2)) if len(others) > 2 else []
            for subset in subsets:
                if all(r[col] == sum(r[c] for c in subset) for r in rows):
                    found.add(("cols", (code, table.key, col), subset))
    # Two cells that are equal.
    for a, b in itertools.combinations(sorted(counts), 2):
        if counts[a] == counts[b]:
            found.add(("equal", a, b))
    # A percentage (or rate per 100) of two counts of the report.
    for key, where in cells.items():
        share = exact_value(tables, where)
        if cell_kind_of(tables, where) != MEASURE or not isinstance(share, (int, float)) or not is_share(tables, where):
            continue
        for a, b in itertools.permutations(counts, 2):
            if counts[b] and round(100.0 * counts[a] / counts[b], 1) == share:
                found.add(("share", key, a, b))
    return found


def is_share(tables, where) -> bool:
    ti, ri, col = where
    column = next(c for c in tables[ti].columns if c.key == col)
    text = str(column.label) + " ".join(str(v) for v in tables[ti].rows[ri].values() if isinstance(v, str))
    return "%" in text or "100" in text


def cell_kind_of(tables, where):
    ti, ri, col = where
    table = tables[ti]
    return cell_kind(table.rows[ri], next(c for c in table.columns if c.key == col))


def structural(per_dataset: list[set]) -> set:
    """Row and column relations that hold in every data set where their cells exist."""
    return set.intersection(*per_dataset) if per_dataset else set()


# --- the integer program ----------------------------------------------------------------------


class Reader:
    """What a reader of the published tables knows: shown counts, "<5" in 1-4, "x" not
    zero, and linear relations between cells; can it pin a hidden count down?"""

    def __init__(self):
        self.index: dict = {}
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.rows: list[tuple[dict, float, float]] = []  # ({var: coef}, lo, hi)

    def var(self, key, shown=None) -> int:
        if key not in self.index:
            self.index[key] = len(self.lower)
            if shown is None:
                lo, hi = 0, BIG  # not published
            elif shown == SUPPRESSED:
                lo, hi = 1, THRESHOLD - 1
            elif shown == HIDDEN:
                lo, hi = 1, BIG  # hidden, not zero (zero is always shown)
            else:
                lo = hi = shown
            self.lower.append(lo)
            self.upper.append(hi)
        return self.index[key]

    def equation(self, coefs: dict, lo=0.0, hi=0.0):
        self.rows.append((coefs, lo, hi))

    def range_of(self, v: int) -> tuple[float, float]:
        n = len(self.lower)
        matrix = np.zeros((len(self.rows), n))
        lows, highs = [], []
        for i, (coefs, lo, hi) in enumerate(self.rows):
            for j, c in coefs.items():
                matrix[i, j] += c
            lows.append(lo)
            highs.append(hi)
        constraints = [LinearConstraint(matrix, lows, highs)] if self.rows else []
        out = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[v] = sign
            result = milp(
                c,
                constraints=constraints,
                integrality=np.ones(n),
                bounds=Bounds(self.lower, self.upper),
            )
            assert result.success, result.message  # the true figures are always a solution
            out.append(sign * result.fun)
        return out[0], out[1]


def check_report(code, exact, published, relations: set) -> list:
    """The hidden counts a reader could work out (empty when none)."""
    reader = Reader()
    cells = cells_of(code, exact)
    shown = {}
    for key, (ti, ri, col) in cells.items():
        if cell_kind_of(exact, (ti, ri, col)) != COUNT or not isinstance(exact[ti].rows[ri][col], int):
            continue
        shown[key] = published[ti].rows[ri][col]
        reader.var(key, shown[key])

    # Declared relations: cells of one named quantity are equal, totals add up. Each is
    # checked against the exact figures first (a false declaration is a bug in itself).
    model = report_model(exact)
    by_quantity: dict[int, list] = {}
    where_key = {where: key for key, where in cells.items()}
    for where, q in model.cells.items():
        by_quantity.setdefault(q, []).append(where_key.get(where, ("cell", code, *where)))
    for keys in by_quantity.values():
        for a in keys[1:]:
            reader.equation({reader.var(keys[0]): 1, reader.var(a): -1})
    for terms in model.relations:
        assert sum(model.quantities[q].value * c for q, c in terms) == 0 or any(
            not model.quantities[q].published for q, _c in terms
        ), (code, terms)
        coefs: dict = {}
        for q, c in terms:
            key = by_quantity[q][0] if q in by_quantity else ("unpublished", code, q)
            v = reader.var(key)
            coefs[v] = coefs.get(v, 0) + c
        reader.equation(coefs)

    # Inferred relations (structural: they held in every data set of the run). Only those
    # with a hidden cell tell a reader anything.
    def hidden(*keys):
        return any(shown.get(k) in (SUPPRESSED, HIDDEN) for k in keys)

    for relation in relations:
        kind = relation[0]
        if kind == "rowsum":
            members = [relation[1], *relation[2]]
            if all(k in shown for k in members) and hidden(*members):
                reader.equation({reader.var(relation[1]): -1, **{reader.var(k): 1 for k in relation[2]}})
        elif kind == "colsum":
            _code, table_key, col = relation[2]
            ti = next(i for i, t in enumerate(exact) if t.key == table_key)
            members = [(code, table_key, _label(exact[ti], r), col) for r in exact[ti].rows if not r.get("_total")]
            if relation[1] in shown and all(k in shown for k in members) and hidden(relation[1], *members):
                coefs = {reader.var(k): 1 for k in members}
                coefs[reader.var(relation[1])] = coefs.get(reader.var(relation[1]), 0) - 1
                reader.equation(coefs)
        elif kind == "equal":
            if relation[1] in shown and relation[2] in shown and hidden(relation[1], relation[2]):
                reader.equation({reader.var(relation[1]): 1, reader.var(relation[2]): -1})
        elif kind == "share":
            # A shown share of two counts: 100 * a / b is the share, within its rounding.
            _kind, key, a, b = relation
            share = published[cells[key][0]].rows[cells[key][1]][cells[key][2]]
            if isinstance(share, (int, float)) and a in shown and b in shown and hidden(a, b):
                va, vb = reader.var(a), reader.var(b)
                reader.equation({va: 100, vb: -(share + 0.05)}, -np.inf, 0)
                reader.equation({va: 100, vb: -(share - 0.05)}, 0, np.inf)
        elif kind == "cols":
            (_code, table_key, col), subset = relation[1], relation[2]
            for key in [k for k in shown if k[1] == table_key and k[3] == col]:
                parts = [(code, table_key, key[2], c) for c in subset]
                if all(p in shown for p in parts) and hidden(key, *parts):
                    reader.equation({reader.var(key): -1, **{reader.var(p): 1 for p in parts}})

    leaks = []
    for key, value in shown.items():
        if value in (SUPPRESSED, HIDDEN):
            low, high = reader.range_of(reader.var(key))
            if high - low < 1:
                leaks.append((key, value, exact_value(exact, cells[key]), low, high))
    return leaks


def exact_value(tables, where):
    ti, ri, col = where
    return tables[ti].rows[ri][col]


# --- exports ------------------------------------------------------------------------------------


def exported(tables, fmt, tmp_path):
    path = tmp_path / f"r.{fmt}"
    if fmt == "csv":
        write_csv(tables, path)
        with open(path, encoding="utf-8-sig") as handle:
            return [row for row in csv.reader(handle, delimiter=";")]
    write_xlsx(tables, path)
    return [
        ["" if c is None else str(c) for c in row]
        for ws in load_workbook(path)
        for row in ws.iter_rows(values_only=True)
    ]


def assert_export_is_the_published_tables(published, fmt, tmp_path):
    lines = exported(published, fmt, tmp_path)
    for table in published:
        for values in table.values():
            assert [str(_cell(v)) for v in values] in lines, (table.key, values)


# --- the test -------------------------------------------------------------------------------------


def datasets(scenario, twente):
    """Scopes over the scenario, then over random data added to it, Q1 and random periods."""
    yield q1(twente)
    a, b = provider_org(name="Aanbieder R1"), provider_org(name="Aanbieder R2")
    places = [
        scenario["f1"],
        scenario["f2"],
        facility(provider=a, name="R1 kwv"),
        facility(provider=a, name="R1 gezinshuis", care="gezinshuis"),
        facility(provider=b, name="R2 behandel", care="behandelgroep", code="GM0164"),
        facility(provider=b, name="R2 Assen", care="kwv-open", code="GM0106"),
        # Distances of every band, in and outside the region (Almelo ~20 km, Hardenberg ~45 km
        # in IJsselland), so no two figures are equal by the accident of the data.
        facility(provider=a, name="R1 Almelo", care="kwv-open", code="GM0141"),
        facility(provider=b, name="R2 Hardenberg", care="behandelgroep", code="GM0160"),
    ]
    rng = random.Random(12)
    for batch in range(3):
        random_history(rng, n=25 + 15 * batch, facilities=places)
        yield q1(twente)
        yield random_scope(rng, twente)


def test_no_suppressed_cell_of_any_report_can_be_worked_out(scenario, twente, tmp_path):
    built = []  # (scope label, code, exact, published)
    for scope in datasets(scenario, twente):
        for code in REPORT_MODULES:
            exact = scope_builder(code)(scope)
            published = suppress_tables(exact)
            built.append((f"{scope.start}..{scope.end}", code, exact, published))
    relations = {
        code: structural([candidate_relations(code, exact) for _s, c, exact, _p in built if c == code])
        for code in REPORT_MODULES
    }
    hidden = 0
    for label, code, exact, published in built:
        for fmt in ("csv", "xlsx"):
            assert_export_is_the_published_tables(published, fmt, tmp_path)
        leaks = check_report(code, exact, published, relations[code])
        assert leaks == [], (label, code, leaks)
        hidden += sum(1 for t in published for r in t.rows for v in r.values() if v in (SUPPRESSED, HIDDEN))
    assert hidden > 50  # the data do hide things: the check is not of nothing
    assert Region.objects.filter(pk=twente.pk).exists()
