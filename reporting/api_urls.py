from django.urls import path

from reporting import exports_api
from reporting.api import report_view
from reporting.quarterly_api import QuarterlyPdfView, QuarterlyRequestView, QuarterlyStatusView, QuarterlyXlsxView
from reporting.reports import REPORT_MODULES

urlpatterns = [
    path(f"reports/{code}", report_view(code), name=f"api-report-{code}")
    for code in REPORT_MODULES  # every report with figures (issue 12 adds indicators and contracts)
] + [
    # --- issue 12, quarterly report on demand (reporting/quarterly_api.py) ---
    path("reports/quarterly", QuarterlyRequestView.as_view(), name="api-quarterly-request"),
    path("reports/quarterly/<int:pk>", QuarterlyStatusView.as_view(), name="api-quarterly-status"),
]

# Issue 14 (api-resources): exports and the quarterly report as a file.
urlpatterns += [
    path("exports", exports_api.ExportCreate.as_view(), name="api-exports"),
    path("exports/<int:pk>", exports_api.ExportStatus.as_view(), name="api-export"),
    path("exports/<int:pk>/download", exports_api.ExportDownload.as_view(), name="api-export-download"),
    path("reports/quarterly/<int:pk>/pdf", QuarterlyPdfView.as_view(), name="api-quarterly-pdf"),
    path("reports/quarterly/<int:pk>/xlsx", QuarterlyXlsxView.as_view(), name="api-quarterly-xlsx"),
]
