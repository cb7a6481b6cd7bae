from django.urls import path

from planning import contracting_views, views

app_name = "planning"

urlpatterns = [
    # Issue 16.3 (contracting): what to contract, its CSV and its method page with the backtest.
    path("contract-manager/contracting/", contracting_views.contracting_page, name="contracting"),
    path("contract-manager/contracting/csv", contracting_views.contracting_csv, name="contracting-csv"),
    path("contract-manager/contracting/method/", contracting_views.contracting_method, name="contracting-method"),
    # --- Issue 16.2 (whatif): capacity what-if replay (planning/views.py) ---
    path("contract-manager/planning/scenarios/", views.scenario_list, name="scenarios"),
    path("contract-manager/planning/scenarios/<int:pk>/", views.scenario_page, name="scenario"),
    path("contract-manager/planning/scenarios/<int:pk>/replay", views.replay_request, name="replay-request"),
    path("contract-manager/planning/replays/<int:pk>/", views.run_page, name="run"),
    path("contract-manager/planning/replays/<int:pk>/status", views.run_status, name="run-status"),
    path("contract-manager/planning/method/replay/", views.method_page, name="method-replay"),
    # --- end issue 16.2 (whatif) ---
]
