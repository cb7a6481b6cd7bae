"""The reports (issue 12 adds the indicators). Importing this package registers their builders (see apps.py)."""

import reporting.reports.cbs_placements  # noqa: F401 - issue 12: an export only, not in REPORT_MODULES
import reporting.reports.outcomes as outcomes  # issue 16 (fit-outcome)
from reporting.reports import contracts, indicators, occupancy, refusals, transfers, unmet_need, waiting  # noqa: F401

REPORT_MODULES = {
    "unmet-need": unmet_need,
    "refusals": refusals,
    "transfers": transfers,
    "occupancy": occupancy,
    "waiting-times": waiting,
    "indicators": indicators,  # issue 12: the field's indicators
    "contracts": contracts,  # issue 12 part "contracts"
    "outcomes": outcomes,  # issue 16 part "fit-outcome"
}
DRILLABLE = {"unmet-need", "refusals", "transfers", "waiting-times", "indicators"}
