"""The five reports. Importing this package registers their builders (see apps.py)."""

from reporting.reports import (  # noqa: F401
    contracts,  # noqa: F401 (issue 12: contracts and money)
    occupancy,
    refusals,
    transfers,
    unmet_need,
    waiting,
)

REPORT_MODULES = {
    "unmet-need": unmet_need,
    "refusals": refusals,
    "transfers": transfers,
    "occupancy": occupancy,
    "waiting-times": waiting,
    "contracts": contracts,  # issue 12 part "contracts"
}
DRILLABLE = {"unmet-need", "refusals", "transfers", "waiting-times"}
