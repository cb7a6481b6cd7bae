from django.urls import path  # noqa: F401 - the parts of issue 16 add their pages here

from planning import views

app_name = "planning"

urlpatterns = [
    # --- Issue 16.2 (whatif): capacity what-if replay (planning/views.py) ---
    path("contract-manager/planning/scenarios/", views.scenario_list, name="scenarios"),
    path("contract-manager/planning/scenarios/<int:pk>/", views.scenario_page, name="scenario"),
    path("contract-manager/planning/scenarios/<int:pk>/replay", views.replay_request, name="replay-request"),
    path("contract-manager/planning/replays/<int:pk>/", views.run_page, name="run"),
    path("contract-manager/planning/replays/<int:pk>/status", views.run_status, name="run-status"),
    path("contract-manager/planning/method/replay/", views.method_page, name="method-replay"),
    # --- end issue 16.2 (whatif) ---
]
