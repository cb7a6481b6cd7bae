from django.urls import path

from analyses import views

app_name = "analyses"

urlpatterns = [
    path("behavioural-scientist/", views.behavioural_scientist_home, name="behavioural-scientist-home"),
]
