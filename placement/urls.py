from django.urls import path

from placement.views import changes, crisis, offers, pool, region_settings, requests, wizard, youth

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
    path("requests/<int:pk>/documents/<int:document_id>/remove/", requests.document_remove, name="document-remove"),
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
    path("coordinator/requests/<int:pk>/parking/lift/", offers.request_parking_lift, name="request-parking-lift"),
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

urlpatterns += [
    path("coordinator/regions/", region_settings.region_settings_list, name="region-settings-list"),
    path("coordinator/regions/<str:code>/settings/", region_settings.region_settings, name="region-settings"),
]

# Issue 11 point 3: one youth across requests.
urlpatterns += [
    path("youth/<int:pk>/", youth.youth_detail, name="youth-detail"),
    path("requests/<int:pk>/youth/link/", youth.youth_link, name="youth-link"),
    path("requests/<int:pk>/youth/unlink/", youth.youth_unlink, name="youth-unlink"),
]

# Issue 11: crisis placements, registered at once; the dossier follows.
urlpatterns += [
    path("coordinator/crisis-placements/new/", crisis.crisis_register, name="crisis-register"),
    path("requests/<int:pk>/crisis-submit/", crisis.crisis_submit, name="crisis-submit"),
    path("requests/<int:pk>/crisis-triage/", crisis.crisis_followup_triage, name="crisis-triage"),
]

# Issue 11: help from the pool before submission; records of the expert table.
urlpatterns += [
    path("requests/<int:pk>/analysis-help/", pool.draft_help_request, name="draft-help-request"),
    path("coordinator/requests/<int:pk>/expert-table/", pool.expert_table_record, name="expert-table-record"),
]

# Issue 11: changes in place of a running placement.
urlpatterns += [
    path("placements/<int:pk>/change/", changes.placement_change, name="placement-change"),
]
