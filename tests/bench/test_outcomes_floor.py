"""Issue 16 (fit-outcome): the outcome-scores benchmark's floor is fair: on generated
national-shaped data (scale 1) it gives the same rows and numbers as the product, and a
floor that differs in one number is caught."""

import pytest

from bench.benchmarks import outcomes as outcomes_bench
from bench.harness import REGISTRY

pytestmark = pytest.mark.django_db


def test_the_outcome_floor_is_the_products_answer():
    ctx = outcomes_bench._context(1)
    path, floor = outcomes_bench._path(ctx), outcomes_bench._floor(ctx)
    assert path and REGISTRY["outcomes.scores"].same_rows(path, floor)
    kinds = {row[0] for row in path}
    assert kinds == {"specialisation", "care_type", "security", "intensity"}
    assert any(row[6] > row[7] for row in path) and any(row[8] < row[5] for row in path)  # failures and censoring
    wrong = [list(row) for row in floor]
    wrong[0][7] = int(wrong[0][7]) + 1  # one "held" more
    assert not REGISTRY["outcomes.scores"].same_rows(path, [tuple(row) for row in wrong])
