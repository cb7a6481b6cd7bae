"""Erlang C (planning.queueing) against textbook values and an independent factorial
formula; the number of places with known answers by construction."""

import math
from fractions import Fraction

import pytest

from planning.queueing import erlang_b, erlang_c, places_needed, wait_longer_than


def erlang_c_factorial(c: int, a: Fraction) -> Fraction:
    """The textbook closed form, exact in fractions: (a^c / c!) (c / (c - a)) divided by
    sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a))."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_textbook_value_lambda_2_mu_1_three_places():
    # lambda = 2 per day, mu = 1 per day (stays of 1 day), c = 3: a = 2, P(wait) = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, abs=1e-12)
    # and P(W > t) = 4/9 * exp(-(3 - 2) * t): after one day 0.1635
    assert wait_longer_than(3, 2.0, 1.0, 1.0) == pytest.approx(4 / 9 * math.exp(-1), abs=1e-12)
    assert wait_longer_than(3, 2.0, 1.0, 1.0) == pytest.approx(0.1635, abs=1e-4)


@pytest.mark.parametrize("a", [0.1, 0.5, 0.9])
def test_one_place_waits_with_probability_rho(a):
    assert erlang_c(1, a) == pytest.approx(a)  # M/M/1: P(wait) = rho


@pytest.mark.parametrize("rho", [0.2, 0.5, 0.8])
def test_two_places_closed_form(rho):
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho))  # M/M/2


@pytest.mark.parametrize(("c", "a"), [(4, "3"), (10, "8.5"), (12, "10"), (30, "25"), (45, "44.5")])
def test_recursion_equals_the_factorial_formula(c, a):
    assert erlang_c(c, float(a)) == pytest.approx(float(erlang_c_factorial(c, Fraction(a))), rel=1e-10)


def test_erlang_b_textbook():
    # Erlang B: a = 2, c = 3: (8/6) / (1 + 2 + 2 + 8/6) = 4/19
    assert erlang_b(3, 2.0) == pytest.approx(4 / 19)


def test_many_places_do_not_overflow():
    # a factorial form would overflow a float at 171!; the recursion does not.
    value = erlang_c(600, 570.0)
    assert 0 < value < 1
    assert erlang_c(600, 600.0) == 1.0  # not stable: everybody waits


def test_places_needed_known_answers():
    # a = 2: C(3) = 4/9 = 0.444, C(4) = 0.1739 (by the factorial form), so P(W > 0) <= 0.5
    # needs 3 places and <= 0.2 needs 4.
    assert float(erlang_c_factorial(4, Fraction(2))) == pytest.approx(0.17391, abs=1e-5)
    assert places_needed(lam=2, stay=1, norm_days=0, target_share=0.5, target_occupancy=1).places == 3
    assert places_needed(lam=2, stay=1, norm_days=0, target_share=0.2, target_occupancy=1).places == 4
    # occupancy binds: a / c <= 0.4 -> c >= 5
    need = places_needed(lam=2, stay=1, norm_days=0, target_share=0.5, target_occupancy=0.4)
    assert need.places == 5 and need.occupancy == pytest.approx(0.4)
    # the answer is the SMALLEST c: one fewer fails the norm
    need = places_needed(lam=0.2, stay=50, norm_days=28, target_share=0.1, target_occupancy=1)
    assert wait_longer_than(need.places, 0.2, 50, 28) <= 0.1 < wait_longer_than(need.places - 1, 0.2, 50, 28)


def test_more_arrivals_need_more_places():
    needs = [
        places_needed(lam=lam, stay=60, norm_days=28, target_share=0.1, target_occupancy=0.85).places
        for lam in (0.05, 0.1, 0.2, 0.4, 0.8)
    ]
    assert needs == sorted(needs) and needs[0] < needs[-1]
    assert len(set(needs)) == len(needs)


def test_no_arrivals_need_no_places():
    assert places_needed(lam=0, stay=30, norm_days=28, target_share=0.1, target_occupancy=0.85).places == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lam": -1, "stay": 1},
        {"lam": 1, "stay": 0},
        {"lam": 1, "stay": 1, "target_occupancy": 0},
        {"lam": 1, "stay": 1, "target_share": 2},
    ],
)
def test_bad_parameters_are_refused(kwargs):
    params = {"norm_days": 28, "target_share": 0.1, "target_occupancy": 0.85} | kwargs
    with pytest.raises(ValueError):
        places_needed(**params)
