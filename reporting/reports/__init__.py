"""The five reports. Importing this package registers their builders (see apps.py)."""

import reporting.reports.cbs_placements  # noqa: F401 - issue 12: an export only, not in REPORT_MODULES
from reporting.reports import occupancy, refusals, transfers, unmet_need, waiting  # noqa: F401

REPORT_MODULES = {
    "unmet-need": unmet_need,
    "refusals": refusals,
    "transfers": transfers,
    "occupancy": occupancy,
    "waiting-times": waiting,
}
DRILLABLE = {"unmet-need", "refusals", "transfers", "waiting-times"}
