"""The provider inbox's open offers as HTML rows, built in Python (issue 15, perf-pages).

The template rendered four cells, an include (`_time_left.html`) and three blocktrans per
offer; here one f-string per row over the plain tuple of
`placement.selectors.offers.provider_inbox`. Every value from the database passes
`escape()`; every text is the same gettext message the templates use, so the page reads
exactly as before.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_URL_PLACEHOLDER = 987654321


def time_left_html(tl: dict) -> str:
    """`placement/_time_left.html` for one `placement.deadlines.time_left` result."""
    if tl["overdue"]:
        days = tl["working_days"]
        late = (
            " (" + escape(ngettext("%(n)s werkdag over tijd", "%(n)s werkdagen over tijd", days) % {"n": days}) + ")"
            if days
            else ""
        )
        return (
            '<strong class="deadline deadline--overdue"><span aria-hidden="true">⚠ </span>'
            f"{escape(_('Termijn verstreken'))}{late}</strong>"
        )
    if tl["hours"] < 24:
        hours = tl["hours"]
        return (
            '<strong class="deadline deadline--soon">'
            f"{escape(ngettext('nog %(n)s uur', 'nog %(n)s uur', hours) % {'n': hours})}</strong>"
        )
    days = tl["working_days"]
    return (
        f'<span class="deadline">{escape(ngettext("nog %(n)s werkdag", "nog %(n)s werkdagen", days) % {"n": days})}'
        "</span>"
    )


def _date(moment, months) -> str:
    """The date filter's "j F Y H:i" (day, full month name, year, time) without its set-up per call."""
    return f"{moment.day} {months[moment.month]} {moment.year} {moment.hour:02d}:{moment.minute:02d}"


def inbox_open_rows_html(rows: list[tuple], *, soon) -> SafeString:
    """The <tr> of every open offer (pk, pseudonym, facility, age, deadline, reconfirm, time left)."""
    url = reverse("placement:provider-offer", args=[_URL_PLACEHOLDER]).replace(str(_URL_PLACEHOLDER), "{}")
    almost = " <strong>" + escape(_("(loopt bijna af)")) + "</strong>"
    reconfirm = " · " + escape(_("bevestig beschikbaarheid"))
    tz = timezone.get_current_timezone()
    months = {n: escape(str(name)) for n, name in MONTHS.items()}  # the date filter's "F"
    said: dict[tuple, str] = {}  # the same time left is said the same way: once per request
    out = []
    for pk, pseudonym, facility, age, deadline, reconfirm_availability, tl in rows:
        key = (tl["overdue"], tl["working_days"], min(tl["hours"], 24))
        if key not in said:
            said[key] = time_left_html(tl)
        out.append(
            f'<tr class="utrecht-table__row" data-offer-id="{pk}">'
            f'<td class="utrecht-table__cell"><a class="utrecht-link" href="{url.format(pk)}">'
            f"{escape(pseudonym)}</a></td>"
            f'<td class="utrecht-table__cell">{escape(facility)}</td>'
            f'<td class="utrecht-table__cell">{escape("" if age is None else age)}</td>'
            f'<td class="utrecht-table__cell">{_date(deadline.astimezone(tz), months)}'
            f" · {said[key]}"
            f"{almost if deadline.date() <= soon and not tl['overdue'] else ''}"
            f"{reconfirm if reconfirm_availability else ''}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above passed escape()
