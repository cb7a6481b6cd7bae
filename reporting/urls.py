from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("contract-manager/", views.contract_manager_home, name="contract-manager-home"),
]
