"""What every report shares: the scope (regions, period, whether to suppress), parsing
the parameters screens/API/exports pass in, running SQL on the reporting database, and
turning counts into displayed (possibly suppressed) values.

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
from accounts.selectors import region_ids_of
from core.errors import Invalid, NotFound
from intake.models import PlacementRequest
from reporting.suppression import SUPPRESSED, Figure, is_small, show, suppress_counts, suppress_total

READ_ROLES = (Role.CONTRACT_MANAGER, Role.COORDINATOR, Role.ADMIN)
DEFAULT_THRESHOLD_DAYS = 90


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
        return dt.date.fromisoformat(str(values[0]))
    except ValueError:
        raise Invalid.field(name, _("Geef een datum als JJJJ-MM-DD.")) from None


def visible_regions(membership):
    """Regions the membership may report on (administrators: every region)."""
    if membership.role == Role.ADMIN:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=region_ids_of(membership)).order_by("name")


def scope_from_params(membership, params, *, now=None) -> Scope:
    """Parse region/from/to(/threshold) as given by a screen, the API or an export job.
    A bad value -> Invalid (422 naming it); a region the user may not see -> NotFound."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = _date(params, "to", today)
    start = _date(params, "from", end - dt.timedelta(days=364))
    if end < start:
        raise Invalid.field("to", _("De einddatum ligt voor de begindatum."))
    if (end - start).days > 366 * 10:
        raise Invalid.field("from", _("Kies een periode van hoogstens tien jaar."))
    threshold_values = _param(params, "threshold")
    threshold = DEFAULT_THRESHOLD_DAYS
    if threshold_values:
        try:
            threshold = int(threshold_values[0])
            if not 1 <= threshold <= 3650:
                raise ValueError
        except ValueError:
            raise Invalid.field("threshold", _("Geef een aantal dagen van 1 tot 3650.")) from None
    codes = []
    for value in _param(params, "region"):
        codes += [c.strip() for c in str(value).split(",") if c.strip()]
    visible = {r.code: r.pk for r in visible_regions(membership)}
    if codes:
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise Invalid.field("region", _("Onbekende regio: %(codes)s") % {"codes": ", ".join(unknown)})
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


def shown_share(part: int, whole: int, *, suppress: bool):
    """A share is derived from both counts: hidden when either is small."""
    if suppress and (is_small(part) or is_small(whole)):
        return SUPPRESSED
    return pct(part, whole)


def count_column(rows: list[dict], key: str, total_row: dict | None, *, suppress: bool) -> set[int]:
    """Suppress one count column of `rows` (complementary when a total is shown).
    Returns the indexes of the hidden cells, so derived figures can follow."""
    values = [row[key] or 0 for row in rows]
    shown = suppress_counts(values, with_total=total_row is not None, suppress=suppress)
    hidden = set()
    for index, (row, value) in enumerate(zip(rows, shown, strict=True)):
        row[key] = value
        if value == SUPPRESSED:
            hidden.add(index)
    if total_row is not None:
        total_row[key] = suppress_total(total_row[key] or 0, suppress=suppress)
    return hidden


def hide(rows: list[dict], indexes: set[int], keys: list[str]) -> None:
    for index in indexes:
        for key in keys:
            rows[index][key] = SUPPRESSED


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months overlapping the period, clipped to it."""
    out, cursor = [], start.replace(day=1)
    while cursor <= end:
        last = cursor.replace(day=calendar.monthrange(cursor.year, cursor.month)[1])
        out.append((max(cursor, start), min(last, end)))
        cursor = last + dt.timedelta(days=1)
    return out


def figure(value, n, *, suppress):
    return show(Figure(value, n), suppress=suppress)


__all__ = [
    "Scope",
    "scope_from_params",
    "fetch",
    "num",
    "pct",
    "shown_share",
    "count_column",
    "hide",
    "months",
    "figure",
    "visible_regions",
    "READ_ROLES",
    "SUPPRESSED",
]
