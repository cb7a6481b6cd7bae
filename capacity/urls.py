from django.urls import path

from capacity import views

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
]
