from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from intake.models import Document, Urgency
from placement.referral import TEXT_PATHS

register = template.Library()


@register.filter
def document_kind_label(code: str) -> str:
    """The label of a document kind (a referral names its documents by kind only)."""
    kinds = Document.DocumentKind
    return kinds(code).label if code in kinds.values else code


@register.simple_tag
def referral_text(referral: dict, name: str, marks=None):
    """One free text of a referral (`placement.referral.TEXT_PATHS`), with line breaks; in
    the composer's preview (`marks`: field -> segments) each identifying finding is marked
    in place, its kind told to assistive technology and shown after it."""
    section, key = TEXT_PATHS[name]
    text = (referral.get(section) or {}).get(key, "") or ""
    segments = (marks or {}).get(name)
    if not segments:
        return linebreaksbr(text, autoescape=True)
    parts = []
    for segment in segments:
        if segment["kinds"]:
            kinds = ", ".join(segment["kinds"])
            parts.append(
                format_html(
                    '<mark class="finding"><span class="visually-hidden">[{}: {}] </span>{}'
                    '<span class="visually-hidden"> [{}]</span></mark> '
                    '<span class="finding-kind" aria-hidden="true">({})</span>',
                    _("gevonden"),
                    kinds,
                    segment["text"],
                    _("einde"),
                    kinds,
                )
            )
        else:
            parts.append(linebreaksbr(segment["text"], autoescape=True))
    return mark_safe("".join(parts))  # every part is escaped above


@register.filter
def urgency_label(code: str) -> str:
    return Urgency(code).label if code in Urgency.values else code
