from django.urls import path

from reporting.api import report_view
from reporting.quarterly_api import QuarterlyRequestView, QuarterlyStatusView
from reporting.reports import REPORT_MODULES

urlpatterns = [
    path(f"reports/{code}", report_view(code), name=f"api-report-{code}")
    for code in REPORT_MODULES  # every report with figures (issue 12 adds indicators and contracts)
] + [
    # --- issue 12, quarterly report on demand (reporting/quarterly_api.py) ---
    path("reports/quarterly", QuarterlyRequestView.as_view(), name="api-quarterly-request"),
    path("reports/quarterly/<int:pk>", QuarterlyStatusView.as_view(), name="api-quarterly-status"),
]
