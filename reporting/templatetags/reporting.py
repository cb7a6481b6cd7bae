from django import template
from django.utils.translation import gettext as _

from reporting.suppression import HIDDEN, SUPPRESSED, THRESHOLD

register = template.Library()


@register.simple_tag
def suppression_note():
    """What suppressed figures look like, from the threshold itself."""
    return _(
        "Aantallen van 1 tot en met %(largest)s staan er als %(shown)s. Met %(hidden)s is een cijfer verborgen: "
        "een aantal waaruit anders een klein aantal terug te rekenen is, of een gemiddelde, mediaan of "
        "aandeel over minder dan %(threshold)s jeugdigen of uit een verborgen aantal."
    ) % {"largest": THRESHOLD - 1, "shown": SUPPRESSED, "hidden": HIDDEN, "threshold": THRESHOLD}


@register.inclusion_tag("reporting/_table.html")
def report_table(table, code, drill, query):
    rows = [
        {"values": list(values), "drill": row.get("drill")}
        for values, row in zip(table.values(), table.rows, strict=True)
    ]
    table.display_rows = rows
    return {"table": table, "code": code, "drill": drill, "query": query}


# Issue 12 (dashboard): the table behind a chart, and signed differences.
@register.filter
def chart_rows(spec):
    """[(label, [value per dataset])] of a chart spec: its text alternative."""
    return [(label, [dataset["data"][i] for dataset in spec["datasets"]]) for i, label in enumerate(spec["labels"])]


@register.filter
def signed(number):
    """+3, −2, 0 (a difference)."""
    if number is None:
        return ""
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"−{abs(number)}"
    return "0"
