"""Working days in the Netherlands: weekends and Dutch public holidays do not count.

The calendar lives here, in core, so that every layer counts working days the same way:
offer deadlines (`placement.deadlines`, which re-exports these functions) and the time a
referrer waits for the behavioural-scientist pool (`intake`).
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _holidays(year: int):
    return holidays.NL(years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start).

    Counted without walking every day (work queues ask this for every row): the weekdays
    in the span, less the public holidays that fall on one."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    count = full_weeks * 5 + sum(1 for i in range(1, rest + 1) if (first + i) % 7 < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in _holidays(year) if start < day <= end and day.weekday() < 5)
    return count
