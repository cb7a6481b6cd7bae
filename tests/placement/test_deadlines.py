from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from placement.deadlines import add_working_days, deadline_after, is_working_day, working_days_between

AMS = ZoneInfo("Europe/Amsterdam")


def test_weekends_and_dutch_public_holidays_do_not_count():
    assert not is_working_day(date(2026, 12, 25))  # Eerste Kerstdag
    assert not is_working_day(date(2026, 4, 27))  # Koningsdag
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 23))


def test_five_working_days_from_a_monday_is_the_next_monday():
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)


def test_christmas_and_new_year_push_the_deadline():
    # Tue 22 Dec 2026: Wed 23, Thu 24, (Fri 25, Sat 26 Kerst, weekend), Mon 28, Tue 29, Wed 30
    assert add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 30)
    assert add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)  # skips 1 Jan and the weekend


def test_easter_and_ascension():
    # Thu 2 Apr 2026 +1: Fri 3 Apr (Goede Vrijdag is no public holiday in holidays.NL), then Mon 6 Apr is Easter Monday
    assert add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)
    assert not is_working_day(date(2026, 5, 14))  # Hemelvaartsdag


def test_deadline_is_end_of_working_day_in_amsterdam():
    moment = datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert deadline_after(moment, 5) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=AMS)


def test_working_days_between():
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 23)) == 0


def test_working_days_between_counts_like_a_calendar_over_years():
    """The arithmetic count (no day-by-day walk) against walking the calendar, over spans
    that cross weekends, Easter, Koningsdag, Christmas and the turn of the year."""
    import holidays

    def walk(start, end):
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += day.weekday() < 5 and day not in holidays.NL(years=day.year)
        return count

    for offset in range(0, 800, 7):
        start = date(2025, 1, 1) + timedelta(days=offset % 365)
        for span in (0, 1, 2, 3, 6, 7, 8, 13, 40, 200, offset):
            end = start + timedelta(days=span)
            assert working_days_between(start, end) == walk(start, end), (start, end)


def test_time_left_in_working_days_hours_and_overdue():
    from placement.deadlines import time_left

    now = datetime(2026, 4, 24, 10, 0, tzinfo=AMS)  # Friday before Koningsdag (Mon 27 April)
    deadline = datetime(2026, 4, 29, 23, 59, 59, tzinfo=AMS)  # Wednesday
    assert time_left(deadline, now) == {"overdue": False, "working_days": 2, "hours": 133}
    assert time_left(datetime(2026, 4, 24, 15, 0, tzinfo=AMS), now) == {"overdue": False, "working_days": 0, "hours": 5}
    later = datetime(2026, 4, 30, 9, 0, tzinfo=AMS)  # Thursday: one working day past Wednesday
    assert time_left(deadline, later) == {"overdue": True, "working_days": 1, "hours": 0}
