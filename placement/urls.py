from django.urls import path

from placement import views

app_name = "placement"

urlpatterns = [
    path("referrer/", views.referrer_home, name="referrer-home"),
    path("referrer/requests/new/", views.request_new, name="request-new"),
    path("referrer/requests/<int:pk>/<slug:step>/", views.request_step, name="request-step"),
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request-submit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/triage/", views.request_triage, name="request-triage"),
    path("requests/<int:pk>/assignment/", views.assignment_request, name="assignment-request"),
    path("requests/<int:pk>/documents/<int:document_id>/", views.document_download, name="document-download"),
    path(
        "requests/<int:pk>/documents/<int:document_id>/shareable/", views.document_shareable,
        name="document-shareable",
    ),
]
