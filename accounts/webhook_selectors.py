"""Issue 14 (api-push): reads about webhook subscriptions and their deliveries. A member
sees the subscriptions of the organisation of the membership they act through, nothing
else (another organisation's subscription is "not found")."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from accounts.webhook_models import WebhookDelivery, WebhookSubscription
from core.errors import NotFound


def subscriptions_of(membership):
    return WebhookSubscription.objects.filter(organisation_id=membership.organisation_id).order_by("-created_at", "-id")


def subscription_get(*, membership, pk) -> WebhookSubscription:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    subscription = subscriptions_of(membership).filter(pk=pk).first()
    if subscription is None:
        raise NotFound()
    return subscription


def deliveries_of(subscription):
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")


def subscriptions_for_event(
    *, event_type: str, organisation_ids, coordination_region=None
) -> list[WebhookSubscription]:
    """The active subscriptions to `event_type` of the given (active) organisations and,
    with `coordination_region`, of that region's active coordination points: one query."""
    of = Q(organisation_id__in=set(organisation_ids))
    if coordination_region is not None:
        of |= Q(organisation_id__in=coordination_organisations(coordination_region).values("pk"))
    return list(
        WebhookSubscription.objects.filter(
            of, organisation__is_active=True, is_active=True, event_types__contains=[event_type]
        ).order_by("pk")
    )


def coordination_organisations(region_id):
    """The active coordination points (regionale coördinatiepunten) of a region: they see
    everything in their region, so they may hear of its requests and offers."""
    return Organisation.objects.filter(kind=Organisation.Kind.COORDINATION, is_active=True, regions=region_id)


def deliveries_due_ids(*, now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
