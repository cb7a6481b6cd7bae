from django.urls import path

from intake import views

app_name = "analyses"

urlpatterns = [
    path("behavioural-scientist/", views.behavioural_scientist_home, name="behavioural-scientist-home"),
    path("behavioural-scientist/assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("behavioural-scientist/assignments/<int:pk>/accept/", views.assignment_accept, name="assignment-accept"),
    path("behavioural-scientist/assignments/<int:pk>/complete/", views.assignment_complete, name="assignment-complete"),
]
