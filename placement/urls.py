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
        "requests/<int:pk>/documents/<int:document_id>/shareable/",
        views.document_shareable,
        name="document-shareable",
    ),
]

urlpatterns += [
    path("coordinator/requests/<int:pk>/matching/", views.matching, name="matching"),
    path("coordinator/requests/<int:pk>/offer/<int:facility_id>/", views.offer_compose, name="offer-compose"),
    path("coordinator/requests/<int:pk>/wait/", views.request_wait, name="request-wait"),
    path("coordinator/requests/<int:pk>/resume/", views.request_resume, name="request-resume"),
    path("coordinator/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer-withdraw"),
    path("requests/<int:pk>/placement/", views.placement_start, name="placement-start"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement-end"),
    path("provider/offers/", views.provider_inbox, name="provider-inbox"),
    path("provider/offers/<int:pk>/", views.provider_offer, name="provider-offer"),
    path("provider/offers/<int:pk>/accept/", views.provider_offer_accept, name="provider-offer-accept"),
    path("provider/offers/<int:pk>/decline/", views.provider_offer_decline, name="provider-offer-decline"),
    path(
        "provider/offers/<int:pk>/documents/<int:document_id>/",
        views.provider_offer_document,
        name="provider-offer-document",
    ),
]
