from django.urls import path

from accounts import api, notifications_api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("regions", api.RegionList.as_view(), name="api-regions"),
    path("municipalities", api.MunicipalityList.as_view(), name="api-municipalities"),
]

# Issue 14 (api-resources): the caller's own notifications (accounts/notifications_api.py).
urlpatterns += [
    path("notifications", notifications_api.NotificationList.as_view(), name="api-notifications"),
    path("notifications/<int:pk>", notifications_api.NotificationDetail.as_view(), name="api-notification"),
    path("notifications/<int:pk>/read", notifications_api.NotificationRead.as_view(), name="api-notification-read"),
]

# Issue 14 (api-push): webhook subscriptions of the caller's organisation.
from accounts import webhook_api  # noqa: E402

urlpatterns += [
    path("webhooks", webhook_api.WebhookList.as_view(), name="api-webhooks"),
    path("webhooks/<str:pk>", webhook_api.WebhookDetail.as_view(), name="api-webhook"),
    path("webhooks/<str:pk>/deliveries", webhook_api.WebhookDeliveries.as_view(), name="api-webhook-deliveries"),
    path("webhooks/<str:pk>/ping", webhook_api.WebhookPing.as_view(), name="api-webhook-ping"),
]
