from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("administration/privacy/", views.privacy_home, name="home"),
    path("administration/privacy/youth/<int:pk>/", views.youth_detail, name="youth"),
    path("administration/privacy/youth/<int:pk>/inzage", views.inzage_download, name="inzage"),
    path("administration/privacy/youth/<int:pk>/erase", views.youth_erase, name="erase"),
    path("retention/", views.policy_list, name="policies"),
    path("retention/<int:region_id>/", views.policy_edit, name="policy-edit"),
]
