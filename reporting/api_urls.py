from django.urls import path

from reporting.api import report_view

urlpatterns = [
    path(f"reports/{code}", report_view(code), name=f"api-report-{code}")
    for code in ("unmet-need", "refusals", "transfers", "occupancy", "waiting-times", "indicators")
]
