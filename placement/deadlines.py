"""Working days in the Netherlands: weekends and Dutch public holidays do not count.

Offer deadlines (iJw practice: a provider decides within 5 working days) are computed
here, so the rule lives in one place.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# The calendar itself is in core (one place for every layer); re-exported here.
from core.working_days import add_working_days, is_working_day, working_days_between

__all__ = [
    "AMSTERDAM",
    "add_working_days",
    "deadline_after",
    "is_working_day",
    "offer_deadline_bounds",
    "offer_deadline_default",
    "time_left",
    "working_days_between",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def deadline_after(moment: datetime, working_days: int) -> datetime:
    """End of the working day (23:59:59 Amsterdam time) `working_days` after `moment`."""
    local = moment.astimezone(AMSTERDAM)
    day = add_working_days(local.date(), working_days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM)


def time_left(deadline: datetime, now: datetime) -> dict:
    """What a screen says about a deadline: overdue or not, and the working days (or, on
    the last day, the hours) left; for an overdue deadline the working days past it."""
    today = now.astimezone(AMSTERDAM).date()
    day = deadline.astimezone(AMSTERDAM).date()
    if deadline < now:
        return {"overdue": True, "working_days": working_days_between(day, today), "hours": 0}
    hours = int((deadline - now).total_seconds() // 3600)
    return {"overdue": False, "working_days": working_days_between(today, day), "hours": hours}


# --- the deadline of one offer (issue 11): by urgency, within the region's bounds ----------
# The one place for this rule: the offer service, the composer's default and the preview ask it.


def offer_deadline_default(region, urgency: str, now: datetime) -> datetime:
    """The deadline an offer gets unless the coordinator sets another: crisis
    `offer_response_hours_crisis` hours after `now`; urgent the end of the working day
    `offer_response_working_days_urgent` working days on; regular likewise with
    `offer_response_working_days`."""
    if urgency == "crisis":
        return now + timedelta(hours=region.offer_response_hours_crisis)
    if urgency == "urgent":
        return deadline_after(now, region.offer_response_working_days_urgent)
    return deadline_after(now, region.offer_response_working_days)


def offer_deadline_bounds(region, now: datetime) -> tuple[datetime, datetime]:
    """(earliest, latest) a coordinator may set: `offer_deadline_min_hours` hours after
    `now`, and the end of the working day `offer_deadline_max_working_days` working days on."""
    return (
        now + timedelta(hours=region.offer_deadline_min_hours),
        deadline_after(now, region.offer_deadline_max_working_days),
    )


def offer_deadline_within_bounds(region, deadline: datetime, now: datetime) -> str | None:
    """None when `deadline` lies within the region's bounds, else which bound it breaks
    ("too_soon" or "too_late")."""
    earliest, latest = offer_deadline_bounds(region, now)
    if deadline < earliest:
        return "too_soon"
    if deadline > latest:
        return "too_late"
    return None
