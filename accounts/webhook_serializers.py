"""Issue 14 (api-push): the webhook API's input and output (accounts/webhook_api.py)."""

from rest_framework import serializers

from accounts.webhook_models import WEBHOOK_URL_MAX_LENGTH, WebhookDelivery, WebhookEventType, WebhookSubscription
from core.api import StrictSerializer


class WebhookSubscriptionInput(StrictSerializer):
    url = serializers.CharField(
        max_length=WEBHOOK_URL_MAX_LENGTH,
        help_text=(
            "https:// address that receives the signed POSTs (plain http only to 127.0.0.1 where allowed). "
            "Refused (422, code private_address) when it is or resolves to a private, loopback, link-local "
            "or reserved address; checked again at every delivery."
        ),
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        min_length=1,
        max_length=len(WebhookEventType.choices),
        help_text=(
            "The events to receive: offer.created, offer.answered (accepted, declined or expired), "
            "offer.expiring, offer.withdrawn (by the coordinator, or the request after acceptance), "
            "offer.fell_through (after acceptance), request.status_changed, availability.stale "
            "(when a facility's figures turn stale, and the daily 08:00 reminder)."
        ),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookSubscriptionPatch(StrictSerializer):
    """Issue 14 (api-webhooks): a partial change; `is_active` pauses (false) and resumes (true)."""

    url = serializers.CharField(
        max_length=WEBHOOK_URL_MAX_LENGTH,
        required=False,
        help_text="A new https:// address; refused when it is or resolves to a private, loopback or reserved address.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        min_length=1,
        max_length=len(WebhookEventType.choices),
        required=False,
        help_text="The events to receive from now on (replaces the list).",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(
        required=False,
        help_text="false pauses the subscription (no deliveries, queued ones are not sent); true resumes it.",
    )


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEventType.choices))
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    deliveries_url = serializers.SerializerMethodField()

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "description", "is_active", "created_by", "created_at", "deliveries_url"]

    def get_deliveries_url(self, subscription) -> str:
        from django.urls import reverse

        return reverse("api-webhook-deliveries", args=[subscription.pk])


class WebhookSubscriptionCreated(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        help_text="whsec_<base64>: the signing secret. Shown only in this response; store it now."
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookAttemptSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    at = serializers.DateTimeField()
    response_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    duration_ms = serializers.IntegerField()


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempt_log = WebhookAttemptSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "attempt_log",
        ]
