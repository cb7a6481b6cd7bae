from django.urls import path

from placement.api import offers, requests

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
