"""Small-count suppression for people who may not see personal data.

Any count from 1 to 4 (below THRESHOLD) is shown as "<5", and so is every figure computed
from such a count (a median of four waiting times, a share of three placements). Where a
table shows a total, one suppressed cell could be worked out from the total and the other
cells, so a second cell is suppressed too (the smallest other non-zero one):
complementary suppression. Zero is shown: it reveals nobody.

`is_small` is the one test of "small"; every report, screen text and export uses it (or
the constants below).
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED = f"<{THRESHOLD}"


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
    """The value to display: exact for those who may see it, otherwise '<5' when small."""
    if isinstance(figure, int):
        figure = Figure(figure, figure)
    if suppress and figure.is_small:
        return SUPPRESSED
    return figure.value


def suppress_counts(counts: list[int], *, with_total: bool, suppress: bool) -> list:
    """Display values for a row of counts that sum to a shown total."""
    if not suppress:
        return list(counts)
    hidden = {i for i, count in enumerate(counts) if is_small(count)}
    if with_total and len(hidden) == 1:
        candidates = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count > 0)
        if candidates:
            hidden.add(candidates[0][1])
    return [SUPPRESSED if i in hidden else count for i, count in enumerate(counts)]


def suppress_total(total: int, *, suppress: bool):
    return SUPPRESSED if suppress and is_small(total) else total
