"""What "waiting" means, written once.

A request waits from its referral date (the original one, never overwritten) until a
placement for it starts, or until it is closed without a placement or registered as a
crisis placement. So on a day D a request is waiting when

- it was referred on or before D (a draft was never referred: it never waits),
- no placement of it had started on or before D, and
- it was not closed (or registered as a crisis placement) on or before D.

Its waiting time on D is D - referral date in days; a placed request waited from its
referral date to the placement's start. While it waits, a coordinator may record a
`WaitingPeriod` (vertraagd: nothing fitting is free) with the bridging care; that is the
reason it is still waiting, not a different kind of waiting.

`is_waiting_on` is the rule in Python, `waiting_on_sql` the same rule for the reports;
tests/reporting/test_waiting_rule.py holds one against the other.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from intake.models import Status
from placement.deadlines import working_days_between

# Statuses that end the waiting at the moment the request entered them.
ENDS_WAITING = (Status.CLOSED, Status.CRISIS)


def is_waiting_on(
    day: date,
    *,
    status: str,
    referral_date: date | None,
    status_changed_at: datetime,
    placement_start: date | None,
) -> bool:
    if status == Status.DRAFT or referral_date is None or referral_date > day:
        return False
    if placement_start is not None and placement_start <= day:
        return False
    return not (status in ENDS_WAITING and timezone.localdate(status_changed_at) <= day)


def waiting_days(referral_date: date, until: date) -> int:
    return (until - referral_date).days


def waiting_working_days(referral_date: date, until: date) -> int:
    """The same waiting in working days (what the work queues show): the working days
    after the referral date up to and including `until` (placement.deadlines)."""
    return working_days_between(referral_date, until)


def working_days_waiting_now(placement_request, today: date) -> int | None:
    """Working days a request has been waiting on `today`, or None when it is not
    waiting (a draft, placed, ended, closed); by `is_waiting_on`, with a placed or ended
    request counted as started (its placement's start is not read for a list)."""
    started = today if placement_request.status in (Status.PLACED, Status.ENDED) else None
    if not is_waiting_on(
        today,
        status=placement_request.status,
        referral_date=placement_request.referral_date,
        status_changed_at=placement_request.status_changed_at,
        placement_start=started,
    ):
        return None
    return waiting_working_days(placement_request.referral_date, today)


def waiting_on_sql(request: str = "r", *, day: str = "%(day)s", day_end: str = "%(day_end)s") -> str:
    """Condition on a `placement_placementrequest` row `request`: waiting on `day` (a
    date); `day_end` is the local midnight after it (a timestamptz)."""
    ends = ", ".join(f"'{status}'" for status in ENDS_WAITING)
    return f"""({request}.status <> '{Status.DRAFT}' AND {request}.referral_date <= {day}
        AND NOT EXISTS (SELECT 1 FROM placement_placement ps
                        WHERE ps.request_id = {request}.id AND ps.start_date <= {day})
        AND NOT ({request}.status IN ({ends}) AND {request}.status_changed_at < {day_end}))"""


def waiting_days_sql(request: str = "r", *, until: str = "%(day)s") -> str:
    """SQL for `waiting_days`: days from the request's referral date to `until` (a date)."""
    return f"(({until})::date - {request}.referral_date)"


def waiting_days_in(
    start: date,
    end: date,
    *,
    status: str,
    referral_date: date | None,
    status_changed_at: datetime,
    placement_start: date | None,
) -> int:
    """The days from `start` to `end` (inclusive) on which the request was waiting by
    `is_waiting_on` (issue 12: unmet need priced per day waited in a period)."""
    if status == Status.DRAFT or referral_date is None:
        return 0
    last = end
    if placement_start is not None:
        last = min(last, placement_start - timedelta(days=1))
    if status in ENDS_WAITING:
        last = min(last, timezone.localdate(status_changed_at) - timedelta(days=1))
    return max((last - max(start, referral_date)).days + 1, 0)


# Per request with a placement: the start date of its first one (`first_start` below).
FIRST_STARTS_SQL = "SELECT request_id, min(start_date) AS first_start FROM placement_placement GROUP BY request_id"


def waiting_days_in_sql(
    request: str = "r",
    *,
    start: str = "%(start)s",
    end: str = "%(day)s",
    tz: str = "%(tz)s",
    first_start: str | None = None,
) -> str:
    """SQL for `waiting_days_in` on a `placement_placementrequest` row `request`.
    `first_start`: an expression for the start date of the request's first placement
    (NULL without one) when the query joins it already (`FIRST_STARTS_SQL`, set-based for
    many requests); else a subquery per request finds it."""
    ends = ", ".join(f"'{status}'" for status in ENDS_WAITING)
    first = first_start or f"(SELECT min(ps.start_date) FROM placement_placement ps WHERE ps.request_id = {request}.id)"
    return f"""(CASE WHEN {request}.status = '{Status.DRAFT}' OR {request}.referral_date IS NULL THEN 0 ELSE
        greatest(least(({end})::date,
                       COALESCE({first} - 1, ({end})::date),
                       CASE WHEN {request}.status IN ({ends})
                            THEN (timezone({tz}, {request}.status_changed_at))::date - 1
                            ELSE ({end})::date END)
                 - greatest(({start})::date, {request}.referral_date) + 1, 0) END)"""
