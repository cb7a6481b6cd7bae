"""What every report shares: the scope (regions, period, whether to suppress), parsing
the parameters screens/API/exports pass in, running SQL on the reporting database, and
(builders return exact values; reporting.registry.build_for_scope suppresses them).

Who gets what:
- coordinators: their membership regions, exact figures, drill-down to requests;
- contract managers: their membership regions, suppressed figures, no personal data;
- administrators: any region or nationally (no region given), suppressed figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, Role
from accounts.selectors import region_ids_query
from core.errors import Invalid, NotFound
from intake.models import PlacementRequest
from reporting.suppression import SUPPRESSED

READ_ROLES = (Role.CONTRACT_MANAGER, Role.COORDINATOR, Role.ADMIN)
DEFAULT_THRESHOLD_DAYS = 28  # H10 norm: "langer dan 28 dagen" wachtend
# The dates a period may run over: the product holds nothing before 2000, and a date near
# the calendar's edge (year 1, year 9999) would overflow the period arithmetic.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
MAX_PERIOD_DAYS = 366 * 10
MAX_THRESHOLD_DAYS = 3650


@dataclass
class Scope:
    region_ids: list[int]
    start: dt.date  # first day of the period
    end: dt.date  # last day of the period (inclusive)
    suppress: bool = True
    drill: bool = False  # may open the requests behind a figure (coordinators)
    threshold_days: int = DEFAULT_THRESHOLD_DAYS
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def day(self) -> dt.date:
        """The day 'now' figures are taken on: the period's last day, at most today."""
        return min(self.end, timezone.localdate(self.now))

    @property
    def start_at(self) -> dt.datetime:
        return midnight(self.start)

    @property
    def stop_at(self) -> dt.datetime:
        """End of the period (exclusive), never after now."""
        return min(midnight(self.end + dt.timedelta(days=1)), self.now)

    @property
    def end_at(self) -> dt.datetime:
        return midnight(self.end + dt.timedelta(days=1))

    def sql(self, **extra) -> dict:
        return {
            "regions": list(self.region_ids),
            "start": self.start,
            "end": self.end,
            "day": self.day,
            "start_at": self.start_at,
            "stop_at": self.stop_at,
            "end_at": self.end_at,
            "day_end": midnight(self.day + dt.timedelta(days=1)),
            "now": self.now,
            **extra,
        }


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _param(params, name):
    value = params.get(name) if hasattr(params, "get") else None
    if hasattr(params, "getlist"):
        values = [v for v in params.getlist(name) if v != ""]
        return values
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _date(params, name, default):
    values = _param(params, name)
    if not values:
        return default
    try:
        day = dt.date.fromisoformat(str(values[0]).strip())
    except ValueError:
        raise Invalid.field(name, _("Geef een datum als JJJJ-MM-DD.")) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid.field(name, _out_of_range())
    return day


def _fields(exc: Invalid) -> dict[str, str]:
    return {p["name"]: p["reason"] for p in exc.invalid_params}


def _out_of_range():
    return _("Kies een datum van %(first)s tot en met %(last)s.") % {
        "first": FIRST_DAY.strftime("%d-%m-%Y"),
        "last": LAST_DAY.strftime("%d-%m-%Y"),
    }


def visible_regions(membership):
    """Regions the membership may report on (administrators: every region)."""
    if membership.role == Role.ADMIN:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=region_ids_query(membership)).order_by("name")


def scope_from_params(membership, params, *, now=None) -> Scope:
    """Parse region/from/to(/threshold) as given by a screen, the API or an export job.
    A bad value -> Invalid (422 naming it); a region the user may not see -> NotFound."""
    now = now or timezone.now()
    today = min(max(timezone.localdate(now), FIRST_DAY), LAST_DAY)
    errors: dict[str, str] = {}
    end = start = None
    try:
        end = _date(params, "to", today)
    except Invalid as exc:
        errors.update(_fields(exc))
    try:
        start = _date(params, "from", max((end or today) - dt.timedelta(days=364), FIRST_DAY))
    except Invalid as exc:
        errors.update(_fields(exc))
    if start and end and "to" not in errors and "from" not in errors:
        if end < start:
            errors["to"] = _("De einddatum ligt voor de begindatum.")
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["from"] = _("Kies een periode van hoogstens tien jaar.")
    threshold_values = _param(params, "threshold")
    threshold = DEFAULT_THRESHOLD_DAYS
    if threshold_values:
        try:
            threshold = int(str(threshold_values[0]).strip())
            if not 1 <= threshold <= MAX_THRESHOLD_DAYS:
                raise ValueError
        except ValueError:
            errors["threshold"] = _("Geef een aantal dagen van 1 tot en met %(max)s.") % {"max": MAX_THRESHOLD_DAYS}
    codes = []
    for value in _param(params, "region"):
        codes += [c.strip() for c in str(value).split(",") if c.strip()]
    # A code longer than any region's, or with a NUL (PostgreSQL refuses it), is unknown
    # without asking the database.
    max_code = Region._meta.get_field("code").max_length
    possible = [c for c in codes if len(c) <= max_code and "\x00" not in c]
    known = set(Region.objects.filter(code__in=possible).values_list("code", flat=True)) if possible else set()
    unknown = [c.replace("\x00", "?")[:50] for c in codes if c not in known]
    if unknown:
        errors["region"] = _("Onbekende regio: %(codes)s") % {"codes": ", ".join(unknown)}
    if errors:
        raise Invalid(
            " ".join(str(reason) for reason in errors.values()),
            invalid_params=[{"name": name, "reason": str(reason)} for name, reason in errors.items()],
        )
    visible = {r.code: r.pk for r in visible_regions(membership)}
    if codes:
        if any(c not in visible for c in codes):
            raise NotFound()
        region_ids = sorted({visible[c] for c in codes})
    else:
        region_ids = sorted(visible.values())
    if not region_ids:
        raise NotFound()
    exact = membership.role == Role.COORDINATOR
    return Scope(
        region_ids=region_ids, start=start, end=end, suppress=not exact, drill=exact, threshold_days=threshold, now=now
    )


def fetch(sql: str, params: dict) -> list[dict]:
    """Run SQL on the database reporting reads use (the replica inside reporting_reads)."""
    alias = router.db_for_read(PlacementRequest) or "default"
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def num(value, digits=1):
    if value is None:
        return None
    value = round(float(value), digits)
    return int(value) if value == int(value) else value


def pct(part: int, whole: int):
    return None if not whole else num(100.0 * part / whole)


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months overlapping the period, clipped to it."""
    out, cursor = [], start.replace(day=1)
    while cursor <= end:
        last = cursor.replace(day=calendar.monthrange(cursor.year, cursor.month)[1])
        out.append((max(cursor, start), min(last, end)))
        cursor = last + dt.timedelta(days=1)
    return out


__all__ = [
    "Scope",
    "scope_from_params",
    "fetch",
    "num",
    "pct",
    "months",
    "visible_regions",
    "READ_ROLES",
    "SUPPRESSED",
]
