from reporting.suppression import SUPPRESSED, Figure, show, suppress_counts, suppress_total


def test_counts_from_one_to_four_are_hidden_for_those_who_may_not_see_them():
    assert [show(n, suppress=True) for n in [0, 1, 4, 5, 12]] == [0, SUPPRESSED, SUPPRESSED, 5, 12]
    assert [show(n, suppress=False) for n in [0, 1, 4, 5]] == [0, 1, 4, 5]


def test_a_figure_computed_from_a_small_count_is_hidden_too():
    assert show(Figure(value=37.5, n=4), suppress=True) == SUPPRESSED  # median of 4 waiting times
    assert show(Figure(value=37.5, n=4), suppress=False) == 37.5
    assert show(Figure(value=12.0, n=9), suppress=True) == 12.0


def test_with_a_total_a_single_hidden_cell_takes_a_second_one_with_it():
    # total 20 is shown: hiding only the 3 would let anyone compute it as 20 - 10 - 7
    assert suppress_counts([10, 3, 7], with_total=True, suppress=True) == [10, SUPPRESSED, SUPPRESSED]
    assert suppress_counts([10, 3, 2, 7], with_total=True, suppress=True) == [10, SUPPRESSED, SUPPRESSED, 7]
    assert suppress_counts([10, 3, 7], with_total=False, suppress=True) == [10, SUPPRESSED, 7]
    assert suppress_counts([10, 0, 7], with_total=True, suppress=True) == [10, 0, 7]
    assert suppress_counts([10, 3, 7], with_total=True, suppress=False) == [10, 3, 7]


def test_small_totals_are_hidden():
    assert suppress_total(3, suppress=True) == SUPPRESSED
    assert suppress_total(0, suppress=True) == 0
