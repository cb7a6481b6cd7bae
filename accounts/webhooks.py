"""Issue 14 (api-push): webhooks per organisation (Standard Webhooks style).

- Subscriptions: an organisation's members in a managing role create them (https URL,
  event types); the server generates the secret and shows it once.
- Events: producers (intake, placement, capacity services) call `webhook_emit` inside
  their transaction with the organisations allowed to see the object and a payload of
  ids, states, timestamps and API links only (no personal data). Each subscription that
  wants the event gets a `WebhookDelivery` row: the outbox of webhooks.
- Delivery: after commit the row is handed to a worker (core.publish); `webhook_deliver`
  makes one signed POST and writes the attempt in the delivery log. A failure is retried
  with exponential backoff (the Celery task schedules the next attempt; beat's
  `webhooks_flush` picks up whatever is due, e.g. after a broker outage) until
  `WEBHOOKS_MAX_ATTEMPTS`, then the delivery has failed for good.

Signature (https://www.standardwebhooks.com): headers `webhook-id` (the event id, the
same for every retry), `webhook-timestamp` (Unix seconds of this attempt) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
base64-decoded part of the secret after `whsec_`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.webhook_addresses import address_problems, guarded_session
from accounts.webhook_models import (
    PING_EVENT,
    WEBHOOK_URL_MAX_LENGTH,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from accounts.webhook_selectors import subscriptions_for_event
from core.errors import Conflict, Forbidden, Invalid
from core.events import event_record
from core.publish import publish

log = logging.getLogger(__name__)

# Who manages an organisation's subscriptions: its own staff in the roles that act for it
# (providers, coordination points, referrer organisations). Administrators configure the
# product, not another organisation's integrations.
WEBHOOK_MANAGER_ROLES = (Role.PROVIDER, Role.COORDINATOR, Role.REFERRER)
MAX_SUBSCRIPTIONS_PER_ORGANISATION = 20
SECRET_PREFIX = "whsec_"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


# --- signing --------------------------------------------------------------------------------


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` for `body`, as Standard Webhooks defines it."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- subscriptions --------------------------------------------------------------------------


def manager_check(membership) -> None:
    if membership is None or membership.role not in WEBHOOK_MANAGER_ROLES:
        raise Forbidden(_("Alleen medewerkers van de organisatie zelf kunnen webhooks beheren."))


def url_problems(url: str, *, name: str = "url") -> list[dict]:
    """What is wrong with a webhook address: https only; plain http only to this machine
    and only where `WEBHOOKS_ALLOW_HTTP_LOOPBACK` allows it (tests, development)."""
    url = (url or "").strip()
    if not url:
        return [{"name": name, "code": "required", "reason": _("Vul het adres in.")}]
    if len(url) > WEBHOOK_URL_MAX_LENGTH:
        return [
            {
                "name": name,
                "code": "max_length",
                "reason": _("Het adres is te lang (hoogstens %(n)s tekens).") % {"n": WEBHOOK_URL_MAX_LENGTH},
            }
        ]
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return [{"name": name, "code": "invalid", "reason": _("Dit is geen geldig adres.")}]
    if any(c.isspace() for c in url) or not host or parts.username or parts.password:
        return [
            {
                "name": name,
                "code": "invalid",
                "reason": _("Dit is geen geldig adres (zonder gebruikersnaam of wachtwoord)."),
            }
        ]
    if parts.scheme == "https" or (
        parts.scheme == "http" and host in LOOPBACK_HOSTS and settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK
    ):
        # Issue 14 (api-webhooks): never into a private, loopback or reserved network
        return address_problems(host, parts.port or (443 if parts.scheme == "https" else 80), name=name)
    return [{"name": name, "code": "https_required", "reason": _("Het adres moet met https:// beginnen.")}]


def event_type_problems(event_types, *, name: str = "event_types") -> list[dict]:
    known = set(WebhookEventType.values)
    if not event_types:
        return [{"name": name, "code": "required", "reason": _("Kies ten minste één gebeurtenis.")}]
    return [
        {"name": f"{name}.{index}", "code": "invalid_choice", "reason": _("Onbekende gebeurtenis.")}
        for index, value in enumerate(event_types)
        if value not in known
    ]


def subscription_problems(*, url: str, event_types, description: str = "") -> list[dict]:
    """Every problem with a new subscription (the API and the page both ask this)."""
    problems = url_problems(url) + event_type_problems(list(event_types or []))
    if len((description or "").strip()) > 200:
        problems.append(
            {"name": "description", "code": "max_length", "reason": _("Hoogstens %(n)s tekens.") % {"n": 200}}
        )
    return problems


@transaction.atomic
def subscription_create(*, membership, by, url: str, event_types, description: str = ""):
    """A new subscription of the membership's organisation. Returns (subscription, secret):
    the secret is shown to the caller this once. Every problem is reported at once."""
    manager_check(membership)
    url = (url or "").strip()
    description = (description or "").strip()
    problems = subscription_problems(url=url, event_types=event_types, description=description)
    if problems:
        raise Invalid(_("Het webhook-abonnement is niet volledig."), invalid_params=problems)
    organisation = membership.organisation
    # Count under the organisation's row lock: two creations at once cannot pass the limit.
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
    if WebhookSubscription.objects.filter(organisation=organisation).count() >= MAX_SUBSCRIPTIONS_PER_ORGANISATION:
        raise Conflict(
            _("Uw organisatie heeft al %(n)s webhook-abonnementen; verwijder er eerst een.")
            % {"n": MAX_SUBSCRIPTIONS_PER_ORGANISATION},
            code="too_many_subscriptions",
        )
    secret = secret_generate()
    subscription = WebhookSubscription.objects.create(
        organisation=organisation,
        url=url,
        secret=secret,
        event_types=sorted(set(event_types), key=list(WebhookEventType.values).index),
        description=description,
        created_by=by,
    )
    event_record(
        subject=subscription,
        event_type="webhook.subscription_created",
        by=by,
        organisation=organisation,
        details={"url": url, "event_types": subscription.event_types},
    )
    return subscription, secret


SUBSCRIPTION_FIELDS = ("url", "event_types", "description", "is_active")


@transaction.atomic
def subscription_update(*, membership, subscription, by, **changes) -> WebhookSubscription:
    """Issue 14 (api-webhooks): change a subscription partially: its address, events,
    description, or pause (`is_active=False`) and resume it. A paused subscription gets
    no deliveries (`webhook_emit` skips it; a delivery already queued is not sent). Every
    problem is reported at once; nothing is changed then."""
    manager_check(membership)
    if subscription.organisation_id != membership.organisation_id:  # selectors already give 404
        raise Forbidden()
    unknown = sorted(set(changes) - set(SUBSCRIPTION_FIELDS))
    if unknown:
        raise ValueError(f"unknown subscription fields {unknown}")
    problems = []
    if "url" in changes:
        changes["url"] = (changes["url"] or "").strip()
        problems += url_problems(changes["url"])
    if "event_types" in changes:
        problems += event_type_problems(list(changes["event_types"] or []))
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
        if len(changes["description"]) > 200:
            problems.append(
                {"name": "description", "code": "max_length", "reason": _("Hoogstens %(n)s tekens.") % {"n": 200}}
            )
    if "is_active" in changes and not isinstance(changes["is_active"], bool):
        problems.append({"name": "is_active", "code": "invalid", "reason": _("Kies aan of uit.")})
    if problems:
        raise Invalid(_("Het webhook-abonnement is niet volledig."), invalid_params=problems)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if "event_types" in changes:
        changes["event_types"] = sorted(set(changes["event_types"]), key=list(WebhookEventType.values).index)
    changed = {name: value for name, value in changes.items() if getattr(subscription, name) != value}
    if not changed:
        return subscription
    for name, value in changed.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=list(changed))
    if set(changed) == {"is_active"}:
        event_type = "webhook.subscription_resumed" if changed["is_active"] else "webhook.subscription_paused"
    else:
        event_type = "webhook.subscription_changed"
    event_record(
        subject=subscription,
        event_type=event_type,
        by=by,
        organisation=membership.organisation,
        details={name: value for name, value in changed.items()},
    )
    return subscription


def subscription_pause(*, membership, subscription, by) -> WebhookSubscription:
    return subscription_update(membership=membership, subscription=subscription, by=by, is_active=False)


def subscription_resume(*, membership, subscription, by) -> WebhookSubscription:
    return subscription_update(membership=membership, subscription=subscription, by=by, is_active=True)


@transaction.atomic
def subscription_delete(*, membership, subscription, by) -> None:
    manager_check(membership)
    if subscription.organisation_id != membership.organisation_id:  # selectors already give 404
        raise Forbidden()
    event_record(
        subject=subscription,
        event_type="webhook.subscription_deleted",
        by=by,
        organisation=membership.organisation,
        details={"url": subscription.url},
    )
    subscription.delete()


# --- events ---------------------------------------------------------------------------------


def api_link(url_name: str, pk) -> str:
    """The API path of an object (relative to the server), e.g. /api/v1/offers/12."""
    return reverse(url_name, args=[pk])


def _payload(event_id, event_type: str, data: dict, occurred_at) -> dict:
    return {"id": str(event_id), "type": event_type, "timestamp": occurred_at.isoformat(), "data": data}


def _deliveries_create(subscriptions, event_type: str, data: dict, occurred_at=None) -> list[WebhookDelivery]:
    occurred_at = occurred_at or timezone.now()
    event_id = uuid.uuid4()
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=subscription,
            event_id=event_id,
            event_type=event_type,
            payload=_payload(event_id, event_type, data, occurred_at),
            next_attempt_at=occurred_at,
        )
        for subscription in subscriptions
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: _schedule(pk), robust=True)
    return deliveries


def webhook_emit(
    *, event_type: str, organisation_ids, data: dict, occurred_at=None, coordination_region=None
) -> list[WebhookDelivery]:
    """Queue `event_type` for the active subscriptions of `organisation_ids` and, with
    `coordination_region`, of that region's coordination points (the producer names the
    organisations allowed to see the object). Call inside the producer's transaction:
    nothing is sent for a rolled-back one. `data` holds no personal data."""
    if event_type not in WebhookEventType.values:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    subscriptions = subscriptions_for_event(
        event_type=event_type, organisation_ids=organisation_ids, coordination_region=coordination_region
    )
    if not subscriptions:
        return []
    return _deliveries_create(subscriptions, event_type, data, occurred_at)


@transaction.atomic
def webhook_ping(*, membership, subscription, by) -> WebhookDelivery:
    """A test delivery to the subscription's address (also when it is paused)."""
    manager_check(membership)
    data = {"subscription": {"id": subscription.pk, "url": api_link("api-webhook", subscription.pk)}}
    return _deliveries_create([subscription], PING_EVENT, data)[0]


def _schedule(delivery_id: int) -> bool:
    from accounts.tasks import webhook_deliver

    return publish(webhook_deliver, (delivery_id,))  # broker down: beat's webhooks_flush sends it later


# --- delivery -------------------------------------------------------------------------------


def deliveries_due_schedule(*, now=None) -> int:
    """Hand every due pending delivery to a worker (beat: after a broker outage, and as
    the safety net under the task's own retries). Returns how many were handed over."""
    from accounts.webhook_selectors import deliveries_due_ids

    return sum(1 for pk in deliveries_due_ids(now=now) if _schedule(pk))


def backoff_seconds(attempts: int) -> float:
    """Wait after the `attempts`-th failed attempt: base * 2**(attempts-1), at most the cap."""
    return min(settings.WEBHOOKS_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), settings.WEBHOOKS_BACKOFF_MAX_SECONDS)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One signed POST. Returns (status code or None, error text)."""
    subscription = delivery.subscription
    problems = url_problems(subscription.url)
    if problems:  # e.g. loopback http no longer allowed
        return None, str(problems[0]["reason"])
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    msg_id = str(delivery.event_id)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "regie-op-plaatsing-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(subscription.secret, msg_id, timestamp, body),
    }
    try:
        response = guarded_session().post(  # checks the address the connection reached
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect is not a delivery (and may point anywhere)
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    response.close()
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}"


def webhook_deliver(delivery_id: int, *, now=None) -> str | None:
    """Make one attempt at a pending delivery that is due. Returns "delivered", "retry"
    (next attempt planned at `next_attempt_at`), "failed" (for good) or None when there
    was nothing to do (delivered, failed, not due yet, or being sent by another worker)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        if delivery.next_attempt_at > (now or timezone.now()):
            return None
        started = timezone.now()
        if not delivery.subscription.is_active and delivery.event_type != PING_EVENT:
            code, error = None, _("Het abonnement is gepauzeerd.")
            delivery.attempts = settings.WEBHOOKS_MAX_ATTEMPTS - 1  # no retries for a paused subscription
        else:
            code, error = _post(delivery)
        delivery.attempts += 1
        delivery.last_response_code = code
        delivery.last_error = error
        delivery.attempt_log = [
            *delivery.attempt_log,
            {
                "attempt": delivery.attempts,
                "at": started.isoformat(),
                "response_code": code,
                "error": error,
                "duration_ms": int((timezone.now() - started).total_seconds() * 1000),
            },
        ]
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            outcome = "delivered"
        elif delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            outcome = "failed"
            log.warning("webhooks: delivery %s failed for good after %s attempts", delivery.pk, delivery.attempts)
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=backoff_seconds(delivery.attempts))
            outcome = "retry"
        delivery.save(
            update_fields=[
                "attempts",
                "last_response_code",
                "last_error",
                "attempt_log",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        return outcome
