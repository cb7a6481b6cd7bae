"""Queueing maths for "what to contract" (issue 16.3), written once: the M/M/c queue
(Erlang C). Pure functions, no database.

Model: requests arrive as a Poisson process with rate `lam` per day; a stay lasts an
exponentially distributed time with mean `stay` days (service rate mu = 1 / stay); `c`
places; a request that finds no free place waits (nobody is refused, nobody gives up).
The offered load is a = lam * stay (places busy on average), occupancy a / c.

Erlang B by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) (no
factorials, no overflow for hundreds of places); Erlang C from it:
C(c, a) = c B / (c - a (1 - B)), the probability that an arrival has to wait. The waiting
time of an arrival is then P(W > t) = C(c, a) exp(-(c - a) t / stay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_PLACES = 100_000  # a search bound far above any region's need


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of c servers with offered load a (Erlang B), by recursion."""
    if c < 0 or a < 0:
        raise ValueError("c and a must be at least 0")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits (Erlang C). 1 when the queue is not stable (a >= c)."""
    if a <= 0:
        return 0.0
    if c <= a:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1 - b))


def wait_longer_than(c: int, lam: float, stay: float, t: float) -> float:
    """P(W > t) for an M/M/c queue: the share of arrivals that wait longer than t days."""
    a = lam * stay
    if a <= 0:
        return 0.0
    if c <= a:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c - a) * t / stay)


@dataclass(frozen=True)
class Need:
    places: int  # smallest c meeting both targets
    load: float  # a = lam * stay: places busy on average
    occupancy: float  # a / c, as a share
    wait_share: float  # P(W > norm) with these places
    wait_probability: float  # C(c, a): share that waits at all


def places_needed(*, lam: float, stay: float, norm_days: float, target_share: float, target_occupancy: float) -> Need:
    """Smallest number of places c with P(W > norm) <= target_share and a / c <= target
    occupancy (both shares between 0 and 1)."""
    if lam < 0 or stay <= 0 or norm_days < 0 or not 0 < target_occupancy <= 1 or not 0 <= target_share <= 1:
        raise ValueError("bad queue parameters")
    a = lam * stay
    if a == 0:
        return Need(0, 0.0, 0.0, 0.0, 0.0)
    c = max(1, math.floor(a) + 1, math.ceil(a / target_occupancy - 1e-9))
    while c < MAX_PLACES and wait_longer_than(c, lam, stay, norm_days) > target_share:
        c += 1
    return Need(c, a, a / c, wait_longer_than(c, lam, stay, norm_days), erlang_c(c, a))
