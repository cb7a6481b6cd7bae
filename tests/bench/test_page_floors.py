"""Issue 15 (perf-pages): the fair floors of the board and the inbox (bench/benchmarks/
pages.py) return the same rows with the same content as the pages, and the comparison
catches a floor that differs in one shown value."""

import pytest

from bench.benchmarks import capacity as capacity_bench
from bench.benchmarks import offers as offers_bench
from bench.benchmarks import pages

pytestmark = pytest.mark.django_db


def test_the_board_floor_is_the_boards_rows_and_totals():
    context = capacity_bench._setup(1)
    html = pages._board_path(context)
    rows, totals = pages._board_floor(context)
    assert len(rows) == 125 and pages.board_same(html, (rows, totals))
    shown = pages.board_page_rows(html)
    assert any(stale for _pk, stale, _cells in shown) and any(not stale for _pk, stale, _cells in shown)
    assert any("gesloten" in cells[2] for _pk, _stale, cells in shown)  # closed facilities are in it
    # One value off (a free figure, a name, a total) is not the same page.
    first = list(rows[0])
    first[11] += 1
    assert not pages.board_same(html, ([tuple(first), *rows[1:]], totals))
    first = list(rows[0])
    first[1] += "x"
    assert not pages.board_same(html, ([tuple(first), *rows[1:]], totals))
    assert not pages.board_same(html, (rows, (totals[0] + 1, *totals[1:])))


def test_the_inbox_floor_is_the_inboxs_open_offers():
    context = offers_bench._setup_inbox(1)
    html = pages._inbox_path(context)
    floor = pages._inbox_floor(context)
    assert len(floor) == 25 and pages.inbox_same(html, floor)
    assert not pages.inbox_same(html, floor[1:])
    wrong = list(floor[0])
    wrong[2] = "Andere locatie"
    assert not pages.inbox_same(html, [tuple(wrong), *floor[1:]])
