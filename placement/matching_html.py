"""The matching page's table rows as HTML, built in Python (issue 15, perf-tuning).

Under load (10 coordinators, 2,000 facilities) the page spent most of its time in the
template engine: per explained facility five cells, a `{% url %}`, two blocktrans and a
loop over its eight to twelve criteria, for every fitting facility plus a page of unfit
ones. Here each row is one f-string, as `capacity/board_html.py` and
`placement/inbox_html.py` do for the board and the inbox: every value from the database
or the rules passes `escape()`, every text is the same gettext message the template used
(so the catalogue and the page read as before), numbers and dates go through the same
`floatformat` / `date` filters. `placement/templates/placement/matching.html` puts the
result in the table body.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from placement.matching import Group

_URL_PLACEHOLDER_REQUEST = 987654321
_URL_PLACEHOLDER_FACILITY = 876543219


def _criterion_class_and_mark(c) -> tuple[str, str]:
    if c.unknown:
        return "criterion-unknown", "?"
    if c.ok:
        return "criterion-ok", "✓"
    if c.hard:
        return "criterion-fail", "✗"
    return "criterion-soft", "!"


def matching_rows_html(rows: list[dict], *, group: str, request_pk: int, can_offer: bool) -> SafeString:
    """The <tr> of each row ({"match": Match, "facility": FacilityRow}) of one group."""
    url = (
        reverse("placement:offer-compose", args=[_URL_PLACEHOLDER_REQUEST, _URL_PLACEHOLDER_FACILITY])
        .replace(str(_URL_PLACEHOLDER_REQUEST), str(int(request_pk)))
        .replace(str(_URL_PLACEHOLDER_FACILITY), "{}")
    )
    unfit = group == Group.UNFIT
    stale_html = ' <span class="stale-flag">(' + _("verouderd") + ")</span>"
    declined_text = _("Wees eerder af op %(date)s: %(reason)s")
    offer_label = _("Aanmelden bij %(name)s")
    offer_text, reoffer_text = _("Aanmelden"), _("Opnieuw aanmelden (met reden)")
    cannot = _("Kan niet worden aangemeld")
    out = []
    for row in rows:
        match, facility = row["match"], row["facility"]
        facts = match.facility
        declined = ""
        if facts.declined_this_request:
            text = declined_text % {
                "date": escape(date_filter(facts.declined_on, "j F Y")),
                "reason": escape(facts.declined_reason),
            }
            declined = f'<br><strong class="declined-flag">{text}</strong>'
        criteria = "".join(
            f'<li class="{css}" data-criterion="{escape(c.code)}">{mark} {escape(c.text)}</li>'
            for c in match.criteria
            for css, mark in (_criterion_class_and_mark(c),)
        )
        if can_offer and not unfit:
            label = offer_label % {"name": escape(facility.name)}
            action = (
                f'<a class="utrecht-link" href="{url.format(int(facility.pk))}" aria-label="{label}">'
                f"{reoffer_text if facts.declined_this_request else offer_text}</a>"
            )
        elif unfit:
            action = cannot
        else:
            action = ""
        stale = stale_html if facility.is_stale else ""
        out.append(
            f'<tr class="utrecht-table__row" data-facility-id="{int(facility.pk)}">\n'
            f'        <th scope="row" class="utrecht-table__cell">{escape(facility.name)}<br><span class="muted">'
            f"{escape(facility.provider.name)}, {escape(facility.municipality.name)}</span>\n"
            f"          {declined}</th>\n"
            f'        <td class="utrecht-table__cell">{int(facility.free)}{stale}</td>\n'
            f'        <td class="utrecht-table__cell">{floatformat(match.distance_km, 0)} km</td>\n'
            f'        <td class="utrecht-table__cell"><ul class="criteria">{criteria}</ul></td>\n'
            f'        <td class="utrecht-table__cell">{action}</td>\n'
            "      </tr>"
        )
    return mark_safe("\n      ".join(out))  # noqa: S308 - every value above passed escape()
