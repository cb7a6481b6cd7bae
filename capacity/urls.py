from django.urls import path

from capacity import views

app_name = "capacity"

urlpatterns = [
    path("provider/", views.provider_home, name="provider-home"),
]
