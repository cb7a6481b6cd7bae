"""Issue 16 (fit-outcome): the outcome-scores benchmark's floor is fair: on generated
national-shaped data (the national generator at 1/8 of scale 1, analysed so that the
planner has statistics, as the harness does) it gives the same rows and numbers as the
product, and a floor that differs in one number is caught."""

import pytest
from django.db import connection, transaction

from bench.benchmarks import outcomes as outcomes_bench
from bench.harness import REGISTRY
from core.db_roles import as_owner
from tests.bench.test_generate_national import generate_small

pytestmark = pytest.mark.django_db(transaction=True)  # committed, so the owner can ANALYZE it


def test_the_outcome_floor_is_the_products_answer(monkeypatch):
    with transaction.atomic():  # the generator defers its foreign keys to the commit
        ctx = outcomes_bench._context_from(generate_small(monkeypatch))
    with as_owner():
        connection.cursor().execute("ANALYZE")
    path, floor = outcomes_bench._path(ctx), outcomes_bench._floor(ctx)
    assert path and REGISTRY["outcomes.scores"].same_rows(path, floor)
    kinds = {row[0] for row in path}
    assert kinds == {"specialisation", "care_type", "security", "intensity"}
    assert any(row[6] > row[7] for row in path) and any(row[8] < row[5] for row in path)  # failures and censoring
    wrong = [list(row) for row in floor]
    wrong[0][7] = int(wrong[0][7]) + 1  # one "held" more
    assert not REGISTRY["outcomes.scores"].same_rows(path, [tuple(row) for row in wrong])
