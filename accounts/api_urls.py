from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("regions", api.RegionList.as_view(), name="api-regions"),
    path("municipalities", api.MunicipalityList.as_view(), name="api-municipalities"),
]
