"""Issue 14 (api-push): /api/v1/webhooks. An organisation's own staff (providers,
coordinators, referrers) manage its subscriptions; another role gets 403, another
organisation's subscription is 404."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import webhook_selectors, webhooks
from accounts.permissions import HasRole
from accounts.webhook_models import WebhookDelivery, WebhookSubscription
from accounts.webhook_serializers import (
    WebhookDeliverySerializer,
    WebhookSubscriptionCreated,
    WebhookSubscriptionInput,
    WebhookSubscriptionPatch,
    WebhookSubscriptionSerializer,
)
from core.idempotency import IdempotentMixin

TAGS = ["webhooks"]


def _problem(description):
    # the body is the shared ProblemDetails schema, added by core/schema.py to every error
    return OpenApiResponse(description=description)


ERRORS_READ = {401: _problem("Niet ingelogd"), 403: _problem("Geen rol die webhooks beheert")}
ERRORS_ONE = {**ERRORS_READ, 404: _problem("Onbekend abonnement, of van een andere organisatie")}


class WebhookList(IdempotentMixin, generics.ListCreateAPIView):
    permission_classes = [HasRole(*webhooks.WEBHOOK_MANAGER_ROLES)]
    serializer_class = WebhookSubscriptionSerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookSubscription.objects.none()
        return webhook_selectors.subscriptions_of(self.request.membership).select_related("created_by")

    @extend_schema(
        tags=TAGS,
        summary="Webhook-abonnementen van uw organisatie",
        description="All subscriptions of the organisation of the membership you act through (paginated).",
        responses={200: WebhookSubscriptionSerializer(many=True), **ERRORS_READ},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Webhook-abonnement aanmaken",
        description=(
            "Subscribe an https address to events. The server generates the signing secret and returns it "
            "in this response only. Events reach only subscriptions of organisations allowed to see the object."
        ),
        request=WebhookSubscriptionInput,
        responses={
            201: WebhookSubscriptionCreated,
            400: _problem("Ongeldige JSON"),
            409: _problem("Te veel abonnementen"),
            422: _problem("Ongeldige invoer; invalid_params noemt elk veld (url, event_types.<n>)"),
            **ERRORS_READ,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = WebhookSubscriptionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription, secret = webhooks.subscription_create(
            membership=request.membership, by=request.user, **serializer.validated_data
        )
        data = WebhookSubscriptionCreated(subscription).data | {"secret": secret}
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(webhooks.api_link("api-webhook", subscription.pk))
        return response


class WebhookDetail(APIView):
    permission_classes = [HasRole(*webhooks.WEBHOOK_MANAGER_ROLES)]

    @extend_schema(
        tags=TAGS,
        summary="Eén webhook-abonnement",
        description="The subscription without its secret.",
        responses={200: WebhookSubscriptionSerializer, **ERRORS_ONE},
    )
    def get(self, request, pk):
        subscription = webhook_selectors.subscription_get(membership=request.membership, pk=pk)
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(
        tags=TAGS,
        summary="Webhook-abonnement wijzigen, pauzeren of hervatten",
        description=(
            "A partial change: `url`, `event_types`, `description`, or `is_active` (false pauses the "
            "subscription: no deliveries are made to it and deliveries already queued are logged as not sent; "
            "true resumes it). A new `url` is checked like a new subscription's."
        ),
        request=WebhookSubscriptionPatch,
        responses={
            200: WebhookSubscriptionSerializer,
            400: _problem("Ongeldige JSON"),
            422: _problem("Ongeldige invoer; invalid_params noemt elk veld (url, event_types.<n>, is_active)"),
            **ERRORS_ONE,
        },
    )
    def patch(self, request, pk):
        subscription = webhook_selectors.subscription_get(membership=request.membership, pk=pk)
        serializer = WebhookSubscriptionPatch(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = webhooks.subscription_update(
            membership=request.membership, subscription=subscription, by=request.user, **serializer.validated_data
        )
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(
        tags=TAGS,
        summary="Webhook-abonnement verwijderen",
        description="Deletes the subscription and its delivery log; nothing more is sent to it.",
        responses={204: OpenApiResponse(description="Verwijderd"), **ERRORS_ONE},
    )
    def delete(self, request, pk):
        subscription = webhook_selectors.subscription_get(membership=request.membership, pk=pk)
        webhooks.subscription_delete(membership=request.membership, subscription=subscription, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(generics.ListAPIView):
    permission_classes = [HasRole(*webhooks.WEBHOOK_MANAGER_ROLES)]
    serializer_class = WebhookDeliverySerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        subscription = webhook_selectors.subscription_get(membership=self.request.membership, pk=self.kwargs["pk"])
        return webhook_selectors.deliveries_of(subscription)

    @extend_schema(
        tags=TAGS,
        summary="Afleverlog van een webhook-abonnement",
        description=(
            "Every delivery (newest first) with its status (pending, delivered, failed), the number of attempts, "
            "the last response code, when the next attempt is due and every attempt made."
        ),
        responses={200: WebhookDeliverySerializer(many=True), **ERRORS_ONE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebhookPing(IdempotentMixin, APIView):
    permission_classes = [HasRole(*webhooks.WEBHOOK_MANAGER_ROLES)]

    @extend_schema(
        tags=TAGS,
        summary="Testbericht naar een webhook sturen",
        description=(
            "Queues a signed `webhook.ping` delivery to the subscription's address; follow it in the delivery log."
        ),
        request=None,
        responses={202: WebhookDeliverySerializer, **ERRORS_ONE},
    )
    def post(self, request, pk):
        subscription = webhook_selectors.subscription_get(membership=request.membership, pk=pk)
        delivery = webhooks.webhook_ping(membership=request.membership, subscription=subscription, by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
