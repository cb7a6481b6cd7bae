"""Working days in the Netherlands: weekends and Dutch public holidays do not count.

Offer deadlines (iJw practice: a provider decides within 5 working days) are computed
here, so the rule lives in one place.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

# The calendar itself is in core (one place for every layer); re-exported here.
from core.working_days import add_working_days, is_working_day, working_days_between

__all__ = ["AMSTERDAM", "add_working_days", "deadline_after", "is_working_day", "working_days_between"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def deadline_after(moment: datetime, working_days: int) -> datetime:
    """End of the working day (23:59:59 Amsterdam time) `working_days` after `moment`."""
    local = moment.astimezone(AMSTERDAM)
    day = add_working_days(local.date(), working_days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM)
