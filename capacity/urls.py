from django.urls import path

from capacity import contract_views, views

app_name = "capacity"

urlpatterns = [
    path("provider/", views.provider_home, name="provider-home"),
    path("provider/facilities/<int:pk>/", views.provider_facility, name="provider-facility"),
    path(
        "provider/facilities/<int:pk>/availability/", views.provider_availability_update, name="provider-availability"
    ),
    path("provider/facilities/<int:pk>/group/", views.provider_group_update, name="provider-group"),
    path("provider/facilities/<int:pk>/confirm/", views.provider_availability_confirm, name="provider-confirm"),
    path("coordinator/capacity/", views.board, name="board"),
    path("coordinator/capacity/<int:pk>/", views.coordinator_facility, name="coordinator-facility"),
    # issue 12, refdata: a region's tariffs per G7 intensity band
    path("regions/<str:code>/bands/", views.region_bands, name="region-bands"),
    # issue 12 part "contracts": contracts and planned capacity changes (contract managers)
    path("contracts/", contract_views.contract_list, name="contract-list"),
    path("contracts/new/", contract_views.contract_create, name="contract-create"),
    path("contracts/<int:pk>/", contract_views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contract_views.contract_edit, name="contract-edit"),
    path("contracts/capacity-changes/", contract_views.change_list, name="change-list"),
    path("contracts/capacity-changes/<int:pk>/", contract_views.change_detail, name="change-detail"),
    path("contracts/capacity-changes/<int:pk>/cancel/", contract_views.change_cancel, name="change-cancel"),
]
