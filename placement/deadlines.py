"""Working days in the Netherlands: weekends and Dutch public holidays do not count.

Offer deadlines (iJw practice: a provider decides within 5 working days) are computed
here, so the rule lives in one place.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


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


def time_left(deadline: datetime, now: datetime) -> dict:
    """What a screen says about a deadline: overdue or not, and the working days (or, on
    the last day, the hours) left; for an overdue deadline the working days past it."""
    today = now.astimezone(AMSTERDAM).date()
    day = deadline.astimezone(AMSTERDAM).date()
    if deadline < now:
        return {"overdue": True, "working_days": working_days_between(day, today), "hours": 0}
    hours = int((deadline - now).total_seconds() // 3600)
    return {"overdue": False, "working_days": working_days_between(today, day), "hours": hours}


def deadline_after(moment: datetime, working_days: int) -> datetime:
    """End of the working day (23:59:59 Amsterdam time) `working_days` after `moment`."""
    local = moment.astimezone(AMSTERDAM)
    day = add_working_days(local.date(), working_days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM)
