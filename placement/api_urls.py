from django.urls import path

from placement.api import changes, crisis, offers, pool, region_settings, requests, resources, youth

urlpatterns = [
    path("requests", requests.RequestListCreate.as_view(), name="api-requests"),
    path("requests/<int:pk>", requests.RequestDetail.as_view(), name="api-request"),
    path("requests/<int:pk>/analysis", requests.RequestAnalysis.as_view(), name="api-request-analysis"),
    path("requests/<int:pk>/documents", requests.RequestDocuments.as_view(), name="api-request-documents"),
    path(
        "requests/<int:pk>/documents/<int:document_id>",
        requests.RequestDocumentDownload.as_view(),
        name="api-request-document",
    ),
    path("requests/<int:pk>/submit", requests.RequestSubmit.as_view(), name="api-request-submit"),
    path("requests/<int:pk>/triage", requests.RequestTriage.as_view(), name="api-request-triage"),
    path("requests/<int:pk>/withdraw", requests.RequestWithdraw.as_view(), name="api-request-withdraw"),
    path("requests/<int:pk>/events", requests.RequestEvents.as_view(), name="api-request-events"),
    path("requests/<int:pk>/owner", requests.RequestOwner.as_view(), name="api-request-owner"),
]

urlpatterns += [
    path("requests/<int:pk>/matches", offers.RequestMatches.as_view(), name="api-request-matches"),
    path("requests/<int:pk>/offers", offers.RequestOffers.as_view(), name="api-request-offers"),
    path("requests/<int:pk>/parking/lift", offers.RequestParkingLift.as_view(), name="api-request-parking-lift"),
    path("requests/<int:pk>/wait", offers.RequestWait.as_view(), name="api-request-wait"),
    path("requests/<int:pk>/placement", offers.RequestPlacement.as_view(), name="api-request-placement"),
    path("offers", offers.OfferList.as_view(), name="api-offers"),
    path("offers/<int:pk>", offers.OfferDetail.as_view(), name="api-offer"),
    path("offers/<int:pk>/accept", offers.OfferAccept.as_view(), name="api-offer-accept"),
    path("offers/<int:pk>/decline", offers.OfferDecline.as_view(), name="api-offer-decline"),
    path("offers/<int:pk>/withdraw", offers.OfferWithdraw.as_view(), name="api-offer-withdraw"),
    path("offers/<int:pk>/introduction", offers.OfferIntroduction.as_view(), name="api-offer-introduction"),
    path("offers/<int:pk>/fall-through", offers.OfferFallThrough.as_view(), name="api-offer-fall-through"),
    path("placements/<int:pk>/end", offers.PlacementEnd.as_view(), name="api-placement-end"),
]

urlpatterns += [
    path("regions/<str:code>/settings", region_settings.RegionSettings.as_view(), name="api-region-settings"),
]

# Issue 11 point 3: one youth across requests.
urlpatterns += [
    path("requests/<int:pk>/youth/link", youth.RequestYouthLink.as_view(), name="api-request-youth-link"),
    path("requests/<int:pk>/youth/unlink", youth.RequestYouthUnlink.as_view(), name="api-request-youth-unlink"),
    path("youth/<int:pk>", youth.YouthDetail.as_view(), name="api-youth"),
]

# Issue 11: a crisis placement in one step.
urlpatterns += [
    path("crisis-placements", crisis.CrisisPlacements.as_view(), name="api-crisis-placements"),
    path("requests/<int:pk>/crisis-submit", crisis.CrisisDossierSubmit.as_view(), name="api-request-crisis-submit"),
    path("requests/<int:pk>/crisis-triage", crisis.CrisisFollowUpTriage.as_view(), name="api-request-crisis-triage"),
]

# Issue 11: help from the pool before submission; records of the expert table.
urlpatterns += [
    path("requests/<int:pk>/analysis-help", pool.RequestAnalysisHelp.as_view(), name="api-request-analysis-help"),
    path(
        "requests/<int:pk>/expert-table-meetings",
        pool.RequestExpertTableMeetings.as_view(),
        name="api-request-expert-table-meetings",
    ),
    path("assignments", pool.AssignmentList.as_view(), name="api-assignments"),
    path("assignments/waiting", pool.AssignmentWaiting.as_view(), name="api-assignments-waiting"),
    path("assignments/<int:pk>/accept", pool.AssignmentAccept.as_view(), name="api-assignment-accept"),
    path("assignments/<int:pk>/complete", pool.AssignmentComplete.as_view(), name="api-assignment-complete"),
]

# Issue 11: changes in place of a running placement.
urlpatterns += [
    path("placements/<int:pk>/changes", changes.PlacementChanges.as_view(), name="api-placement-changes"),
]

# Issue 14 (api-resources): placements, transfers, documents per offer, resume matching,
# one assignment (placement/api/resources.py).
urlpatterns += [
    path("placements", resources.PlacementList.as_view(), name="api-placements"),
    path("placements/<int:pk>", resources.PlacementDetail.as_view(), name="api-placement"),
    path("transfers", resources.TransferList.as_view(), name="api-transfers"),
    path("transfers/<int:pk>", resources.TransferDetail.as_view(), name="api-transfer"),
    path("offers/<int:pk>/documents", resources.OfferDocuments.as_view(), name="api-offer-documents"),
    path(
        "requests/<int:pk>/resume-matching",
        resources.RequestResumeMatching.as_view(),
        name="api-request-resume-matching",
    ),
    path("assignments/<int:pk>", resources.AssignmentDetail.as_view(), name="api-assignment"),
]
