"""Issue 16 (fit-outcome): the honest method page of "fit proven by outcome": what it
computes, from which data, its assumptions and limits, how far to trust it. Linked from
the outcomes report and from matching."""

from django.shortcuts import render

from accounts.permissions import role_required
from core.small_counts import THRESHOLD
from placement.outcomes import HOLDS_FROM, HORIZONS, MATCHING_HORIZON
from reporting.reports.common import READ_ROLES


@role_required(*READ_ROLES)
def method_outcomes(request):
    return render(
        request,
        "reporting/method_outcomes.html",
        {
            "threshold": THRESHOLD,
            "short": HORIZONS[0],
            "long": HORIZONS[-1],
            "matching_horizon": MATCHING_HORIZON,
            "holds_from": round(100 * HOLDS_FROM),
        },
    )
