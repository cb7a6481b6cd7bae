from django.urls import path

from planning import contracting_views

app_name = "planning"

urlpatterns = [
    # Issue 16.3 (contracting): what to contract, its CSV and its method page with the backtest.
    path("contract-manager/contracting/", contracting_views.contracting_page, name="contracting"),
    path("contract-manager/contracting/csv", contracting_views.contracting_csv, name="contracting-csv"),
    path("contract-manager/contracting/method/", contracting_views.contracting_method, name="contracting-method"),
]
