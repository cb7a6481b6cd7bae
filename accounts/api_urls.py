from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("regions", api.RegionList.as_view(), name="api-regions"),
    path("municipalities", api.MunicipalityList.as_view(), name="api-municipalities"),
]

# Issue 14 (api-push): webhook subscriptions of the caller's organisation.
from accounts import webhook_api  # noqa: E402

urlpatterns += [
    path("webhooks", webhook_api.WebhookList.as_view(), name="api-webhooks"),
    path("webhooks/<str:pk>", webhook_api.WebhookDetail.as_view(), name="api-webhook"),
    path("webhooks/<str:pk>/deliveries", webhook_api.WebhookDeliveries.as_view(), name="api-webhook-deliveries"),
    path("webhooks/<str:pk>/ping", webhook_api.WebhookPing.as_view(), name="api-webhook-ping"),
]
