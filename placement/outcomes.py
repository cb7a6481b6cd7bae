"""Fit proven by outcome (issue 16, point 1): the pure parts. Whether ONE placement held
is decided in SQL, once (placement/selectors/outcomes.py); here are the interval around a
share of placements that held, and the soft matching criterion that explains it.

- `wilson`: the Wilson score interval (95 %) for `held` of `n` placements.
- `outcome_criterion`: the soft criterion "of 23 placements of youth with this profile
  here, 21 held 180 days". It never makes a facility unfit and does not change the ranking
  (placement.matching.ranking_key is unchanged): it is evidence for the coordinator to
  weigh, not a rule. Under THRESHOLD placements (core.small_counts, the same rule as the
  reports' suppression) it says there are too few to judge and shows no number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext

from core.small_counts import THRESHOLD, is_small
from placement.matching import Criterion

HORIZONS = (90, 180)  # days after the start a placement must hold
MATCHING_HORIZON = 180  # the horizon matching explains
Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval
# A profile "tends to hold" here when even the lower end of the interval is at least this share.
HOLDS_FROM = 0.5


def wilson(held: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a share `held / n` (None when n is 0): unlike the
    normal approximation it stays inside [0, 1] and is honest for small n and shares
    near 0 or 1."""
    if n <= 0:
        return None
    if not 0 <= held <= n:
        raise ValueError("held must lie between 0 and n")
    p = held / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class OutcomeCount:
    """Placements counted for a horizon (not censored) and how many of them held."""

    counted: int
    held: int
    level: str  # "facility": at this facility; "provider": this provider in this care type

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.held, self.counted)


def outcome_criterion(count: OutcomeCount | None, horizon: int = MATCHING_HORIZON, _=gettext) -> Criterion:
    """The soft criterion for one facility shown in matching (see the module docstring)."""
    if count is None or count.counted == 0 or is_small(count.counted):
        return Criterion(
            "outcome",
            True,
            _(
                "Uitkomst: te weinig eerdere plaatsingen van jeugdigen met dit profiel hier "
                "(minder dan %(threshold)s) om iets over te zeggen"
            )
            % {"threshold": THRESHOLD},
            hard=False,
            unknown=True,
        )
    low, high = count.interval
    values = {
        "n": count.counted,
        "held": count.held,
        "days": horizon,
        "low": round(100 * low),
        "high": round(100 * high),
    }
    if count.level == "facility":
        text = _(
            "Uitkomst: van de %(n)s plaatsingen van jeugdigen met dit profiel hier hielden er %(held)s "
            "%(days)s dagen stand (95%%-interval %(low)s-%(high)s%%)"
        )
    else:
        text = _(
            "Uitkomst: van de %(n)s plaatsingen van jeugdigen met dit profiel bij deze aanbieder in deze "
            "zorgvorm hielden er %(held)s %(days)s dagen stand (95%%-interval %(low)s-%(high)s%%)"
        )
    return Criterion("outcome", low >= HOLDS_FROM, text % values, hard=False)
