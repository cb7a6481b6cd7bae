"""The capacity board's table rows as HTML, built in Python (issue 15, perf-pages).

Two thirds of the board's time went into the template engine: ten cells per row, two
includes, a blocktrans and a loop over specialisations, for 250 rows. Here each row is one
f-string over the plain tuple of `capacity.selectors.board_rows`; every value from the
database passes `escape()`, every text is the same gettext message the template used
(so the catalogue and the HTML stay as they were), dates use the `date` filter's own
formatting in the current time zone. `capacity/templates/capacity/_board_results.html`
puts the result in the table body.
"""

from __future__ import annotations

import hashlib
from html import escape as _html_escape

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from capacity import rules
from capacity.models import Gender
from capacity.selectors import BOARD_ROW_FIELDS

_INDEX = {name: i for i, name in enumerate(BOARD_ROW_FIELDS)}


def escape(value) -> str:
    """The text `django.utils.html.escape` gives (it is `html.escape(str(value))`), without
    its lazy-argument check and SafeString per value: 2,500 values per board page."""
    return _html_escape(str(value))


_URL_PLACEHOLDER = 987654321


def board_rows_html(rows: list[tuple]) -> SafeString:
    """The <tr> of every row, in order (see the module text)."""
    url = reverse("capacity:coordinator-facility", args=[_URL_PLACEHOLDER]).replace(str(_URL_PLACEHOLDER), "{}")
    closed = '<span class="badge badge--closed">' + escape(_("gesloten")) + "</span>"
    stale_title = escape(_("Volgens een verouderde opgave"))
    stale_hidden = escape(_("(verouderde opgave)"))
    badge_stale = '<span class="badge badge--stale">' + escape(_("Verouderd")) + "</span>"
    badge_fresh = '<span class="badge badge--fresh">' + escape(_("Actueel")) + "</span>"
    never = escape(_("nooit bevestigd"))
    confirmed = _("bevestigd %(when)s")
    ages = _("%(min)s-%(max)s jaar")
    genders = {value: str(label) for value, label in Gender.choices}
    tz = timezone.get_current_timezone()
    months = {n: str(name).title() for n, name in MONTHS_3.items()}  # the date filter's "M"
    i = _INDEX
    out = []
    for row in rows:
        pk, stale, free = row[i["pk"]], row[i["is_stale"]], row[i["free"]]
        if stale:
            free_html = (
                f'<span class="free free--stale" title="{stale_title}">{free}<span aria-hidden="true">*</span>'
                f'<span class="visually-hidden"> {stale_hidden}</span></span>'
            )
        else:
            free_html = f'<span class="free{" free--available" if free > 0 else ""}">{free}</span>'
        when = row[i["last_confirmed_at"]]
        if when:
            when = when.astimezone(tz)  # the date filter's "j M Y H:i", without its per-call set-up
            day = f"{when.day} {months[when.month]} {when.year} {when.hour:02d}:{when.minute:02d}"
            confirmed_html = escape(confirmed % {"when": day})
        else:
            confirmed_html = never
        occupied = rules.places_occupied(internal=row[i["occupied_internal"]], external=row[i["occupied_external"]])
        out.append(
            f'<tr class="utrecht-table__row{" row--stale" if stale else ""}" data-facility-id="{pk}">'
            f'<th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link" href="{url.format(pk)}">'
            f"{escape(row[i['name']])}</a><br><small>{escape(row[i['provider__name']])}</small></th>"
            f'<td class="utrecht-table__cell">{escape(row[i["municipality__name"]])}<br>'
            f"<small>{escape(row[i['municipality__region__name']])}</small></td>"
            f'<td class="utrecht-table__cell">{escape(row[i["care_type__label"]])}'
            f"{' ' + closed if row[i['security_level']] == 'closed' else ''}<br>"
            f"<small>{escape(', '.join(row[i['specialisation_labels']] or ()))}</small></td>"
            f'<td class="utrecht-table__cell">{escape(ages % {"min": row[i["age_min"]], "max": row[i["age_max"]]})}'
            f"<br><small>{escape(', '.join(genders.get(g, g) for g in row[i['genders']] or ()))}</small></td>"
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{free_html}</td>'
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{row[i["held"]]}</td>'
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{occupied}</td>'
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{row[i["places_staffed"]]}</td>'
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{row[i["places_contracted"]]}</td>'
            f'<td class="utrecht-table__cell">{badge_stale if stale else badge_fresh}\n'
            f'<span class="confirmed-at">{confirmed_html}</span></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above passed escape()


def options_html(choices, selected) -> SafeString:
    """The <option>s of a board filter: `choices` as (value, label) pairs in order, those
    whose value is in `selected` marked; what the template loop wrote, without its nodes
    (the filters' three reference lists are 100 options per page)."""
    chosen = {str(value) for value in selected}
    return mark_safe(  # noqa: S308 - every value passed escape()
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) in chosen else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )


def board_etag(rows: list[tuple], totals: dict, *, page: int, query: str, membership) -> str:
    """A validator over exactly what the board's results show: the rows' values, the
    totals, the page, the filters, the language and who asks. Any change of a shown figure
    (or a facility turning stale with the clock) changes it; nothing else does."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((rows, sorted(totals.items()), page, query, get_language(), membership.pk)).encode())
    return digest.hexdigest()
