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
    return str(REPORT_TITLES.get(code, code))
