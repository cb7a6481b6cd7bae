from django.urls import path

from placement import api

urlpatterns = [
    path("requests", api.RequestListCreate.as_view(), name="api-requests"),
    path("requests/<int:pk>", api.RequestDetail.as_view(), name="api-request"),
    path("requests/<int:pk>/analysis", api.RequestAnalysis.as_view(), name="api-request-analysis"),
    path("requests/<int:pk>/documents", api.RequestDocuments.as_view(), name="api-request-documents"),
    path(
        "requests/<int:pk>/documents/<int:document_id>", api.RequestDocumentDownload.as_view(),
        name="api-request-document",
    ),
    path("requests/<int:pk>/submit", api.RequestSubmit.as_view(), name="api-request-submit"),
    path("requests/<int:pk>/triage", api.RequestTriage.as_view(), name="api-request-triage"),
    path("requests/<int:pk>/withdraw", api.RequestWithdraw.as_view(), name="api-request-withdraw"),
    path("requests/<int:pk>/events", api.RequestEvents.as_view(), name="api-request-events"),
]
