"""The name of each report, by code: one list for the screens, the exports' cover and the
quarterly report's sections."""

from django.utils.translation import gettext_lazy as _

REPORT_TITLES = {
    "unmet-need": _("Onvervulde vraag"),
    "refusals": _("Weigeringen"),
    "transfers": _("Doorplaatsingen"),
    "occupancy": _("Capaciteit en bezetting"),
    "waiting-times": _("Wachttijd en afstand"),
}


def report_title(code: str) -> str:
    """A report module's TITLE, else the list above (reports added later bring their own)."""
    from reporting.reports import REPORT_MODULES  # the modules import the registry, not this list

    return str(getattr(REPORT_MODULES.get(code), "TITLE", None) or REPORT_TITLES.get(code, code))
