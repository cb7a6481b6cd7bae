from django.urls import path

from placement import views

app_name = "placement"

urlpatterns = [
    path("referrer/", views.referrer_home, name="referrer-home"),
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
]
