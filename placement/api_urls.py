from django.urls import path

from placement import api

urlpatterns = [
    path("requests", api.RequestListCreate.as_view(), name="api-requests"),
    path("requests/<int:pk>", api.RequestDetail.as_view(), name="api-request"),
    path("requests/<int:pk>/analysis", api.RequestAnalysis.as_view(), name="api-request-analysis"),
    path("requests/<int:pk>/documents", api.RequestDocuments.as_view(), name="api-request-documents"),
    path(
        "requests/<int:pk>/documents/<int:document_id>",
        api.RequestDocumentDownload.as_view(),
        name="api-request-document",
    ),
    path("requests/<int:pk>/submit", api.RequestSubmit.as_view(), name="api-request-submit"),
    path("requests/<int:pk>/triage", api.RequestTriage.as_view(), name="api-request-triage"),
    path("requests/<int:pk>/withdraw", api.RequestWithdraw.as_view(), name="api-request-withdraw"),
    path("requests/<int:pk>/events", api.RequestEvents.as_view(), name="api-request-events"),
]

urlpatterns += [
    path("requests/<int:pk>/matches", api.RequestMatches.as_view(), name="api-request-matches"),
    path("requests/<int:pk>/offers", api.RequestOffers.as_view(), name="api-request-offers"),
    path("requests/<int:pk>/wait", api.RequestWait.as_view(), name="api-request-wait"),
    path("requests/<int:pk>/placement", api.RequestPlacement.as_view(), name="api-request-placement"),
    path("offers", api.OfferList.as_view(), name="api-offers"),
    path("offers/<int:pk>", api.OfferDetail.as_view(), name="api-offer"),
    path("offers/<int:pk>/accept", api.OfferAccept.as_view(), name="api-offer-accept"),
    path("offers/<int:pk>/decline", api.OfferDecline.as_view(), name="api-offer-decline"),
    path("offers/<int:pk>/withdraw", api.OfferWithdraw.as_view(), name="api-offer-withdraw"),
    path("placements/<int:pk>/end", api.PlacementEnd.as_view(), name="api-placement-end"),
]
