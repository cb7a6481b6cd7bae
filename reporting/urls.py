from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("contract-manager/", views.contract_manager_home, name="contract-manager-home"),
    path("contract-manager/quarterly/", views.quarterly_list, name="quarterly-list"),
    path("contract-manager/quarterly/<int:pk>/", views.quarterly_page, name="quarterly-page"),
    path("contract-manager/quarterly/<int:pk>/download", views.quarterly_download, name="quarterly-download"),
    path("coordinator/figures/", views.coordinator_figures, name="coordinator-figures"),
    path("coordinator/figures/<slug:code>/requests", views.drill_down, name="drill-down"),
    # Issue 12 (dashboard): a page per report
    path("contract-manager/reports/<slug:code>/", views.contract_manager_report, name="contract-manager-report"),
    path("coordinator/figures/<slug:code>/", views.coordinator_report, name="coordinator-report"),
    # end issue 12 (dashboard)
    path("reports/exports/", views.export_create, name="export-create"),
    path("reports/exports/<int:pk>/", views.export_status, name="export-status"),
    path("reports/exports/<int:pk>/download", views.export_download, name="export-download"),
]
