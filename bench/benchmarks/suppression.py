"""The suppression pass (reporting.suppression.suppress_tables) on a national-size table:
per provider (22 x scale: 352 at scale 16, the national number) seven counts and their
row total, with a total row, as the refusals and transfers reports publish them. Small
counts are frequent, so the complementary suppression and the joint check do real work.

The floor is publishing the same table without suppression (`published`: dropping the
declarations); the ratio says what the pass costs on top of that.
"""

import random

from bench.harness import Benchmark, register
from reporting.suppression import published, suppress_tables
from reporting.tables import COUNT, Column, Table

PARTS = 7


def national_table(providers: int, seed: int = 1) -> Table:
    rng = random.Random(seed)
    keys = [f"c{i}" for i in range(PARTS)]
    columns = [Column("provider", "Aanbieder")]
    columns += [Column(k, k, True, COUNT) for k in keys]
    columns.append(Column("all", "Totaal", True, COUNT, sum_of=tuple(keys)))
    rows = []
    for i in range(providers):
        row = {"provider": f"Aanbieder {i}"}
        for k in keys:
            row[k] = rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30, 80])
        row["all"] = sum(row[k] for k in keys)
        rows.append(row)
    total = {"provider": "Totaal", "_total": True, **{k: sum(r[k] for r in rows) for k in [*keys, "all"]}}
    return Table("by_provider", "Per aanbieder", columns, [*rows, total])


def _setup(scale):
    return {"tables": [national_table(22 * scale)], "providers": 22 * scale}


register(
    Benchmark(
        name="suppression-national-table",
        description="suppress_tables on 22 x scale providers x 8 counts with a total row and row totals",
        setup=_setup,
        path=lambda ctx: suppress_tables(ctx["tables"]),
        floor=lambda ctx: [published(t) for t in ctx["tables"]],
        scales=(1, 4, 16),
        size=lambda ctx: ctx["providers"],
    )
)
