from django.urls import path

from reporting import method_views, quarterly_views, views

app_name = "reporting"

urlpatterns = [
    path("contract-manager/", views.contract_manager_home, name="contract-manager-home"),
    path("coordinator/figures/", views.coordinator_figures, name="coordinator-figures"),
    path("coordinator/figures/<slug:code>/requests", views.drill_down, name="drill-down"),
    # Issue 12 (dashboard): a page per report
    path("contract-manager/reports/<slug:code>/", views.contract_manager_report, name="contract-manager-report"),
    path("coordinator/figures/<slug:code>/", views.coordinator_report, name="coordinator-report"),
    # end issue 12 (dashboard)
    # Issue 16 (fit-outcome): the method page of the outcome scores
    path("methode/uitkomst/", method_views.method_outcomes, name="method-outcomes"),
    path("reports/exports/", views.export_create, name="export-create"),
    path("reports/exports/<int:pk>/", views.export_status, name="export-status"),
    path("reports/exports/<int:pk>/download", views.export_download, name="export-download"),
    # issue 12, refdata: the CBS-shaped placements export (coordinators, administrators)
    path("reports/cbs-placements/", views.cbs_export, name="cbs-export"),
    # --- issue 12, quarterly report (reporting/quarterly_views.py) ---
    path("contract-manager/quarterly/", quarterly_views.quarterly_list, name="quarterly-list"),
    path("contract-manager/quarterly/request", quarterly_views.quarterly_request, name="quarterly-request"),
    path("contract-manager/quarterly/<int:pk>/", quarterly_views.quarterly_page, name="quarterly-page"),
    path("contract-manager/quarterly/<int:pk>/status", quarterly_views.quarterly_status, name="quarterly-status"),
    path(
        "contract-manager/quarterly/<int:pk>/commentary",
        quarterly_views.quarterly_commentary,
        name="quarterly-commentary",
    ),
    path("contract-manager/quarterly/<int:pk>/publish", quarterly_views.quarterly_publish, name="quarterly-publish"),
    path("contract-manager/quarterly/<int:pk>/print", quarterly_views.quarterly_print, name="quarterly-print"),
    path("contract-manager/quarterly/<int:pk>/pdf", quarterly_views.quarterly_pdf, name="quarterly-pdf"),
    path("contract-manager/quarterly/<int:pk>/download", quarterly_views.quarterly_download, name="quarterly-download"),
]
