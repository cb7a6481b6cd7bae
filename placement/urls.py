from django.urls import path

from placement.views import offers, requests, wizard

app_name = "placement"

urlpatterns = [
    path("referrer/", wizard.referrer_home, name="referrer-home"),
    path("referrer/requests/new/", wizard.request_new, name="request-new"),
    path("referrer/requests/<int:pk>/<slug:step>/", wizard.request_step, name="request-step"),
    path("coordinator/", requests.coordinator_home, name="coordinator-home"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/submit/", wizard.request_submit, name="request-submit"),
    path("requests/<int:pk>/withdraw/", wizard.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/triage/", requests.request_triage, name="request-triage"),
    path("requests/<int:pk>/owner/", requests.request_owner, name="request-owner"),
    path("requests/<int:pk>/assignment/", requests.assignment_request, name="assignment-request"),
    path("requests/<int:pk>/documents/<int:document_id>/", requests.document_download, name="document-download"),
    path(
        "requests/<int:pk>/documents/<int:document_id>/shareable/",
        requests.document_shareable,
        name="document-shareable",
    ),
]

urlpatterns += [
    path("coordinator/requests/<int:pk>/matching/", offers.matching, name="matching"),
    path("coordinator/requests/<int:pk>/offer/<int:facility_id>/", offers.offer_compose, name="offer-compose"),
    path("coordinator/requests/<int:pk>/wait/", offers.request_wait, name="request-wait"),
    path("coordinator/requests/<int:pk>/resume/", offers.request_resume, name="request-resume"),
    path("coordinator/offers/<int:pk>/withdraw/", offers.offer_withdraw, name="offer-withdraw"),
    path("offers/<int:pk>/introduction/", offers.offer_introduction, name="offer-introduction"),
    path("offers/<int:pk>/fall-through/", offers.offer_fall_through, name="offer-fall-through"),
    path("requests/<int:pk>/withdraw-accepted/", offers.request_withdraw_accepted, name="request-withdraw-accepted"),
    path("requests/<int:pk>/placement/", offers.placement_start, name="placement-start"),
    path("placements/<int:pk>/end/", offers.placement_end, name="placement-end"),
    path("provider/offers/", offers.provider_inbox, name="provider-inbox"),
    path("provider/offers/<int:pk>/", offers.provider_offer, name="provider-offer"),
    path("provider/offers/<int:pk>/accept/", offers.provider_offer_accept, name="provider-offer-accept"),
    path("provider/offers/<int:pk>/decline/", offers.provider_offer_decline, name="provider-offer-decline"),
    path(
        "provider/offers/<int:pk>/documents/<int:document_id>/",
        offers.provider_offer_document,
        name="provider-offer-document",
    ),
]
