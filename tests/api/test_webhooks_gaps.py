"""Issue 14 (api-webhooks): the webhook gaps. Withdrawn and fallen-through offers are
events; `availability.stale` when figures turn stale (once per crossing, also under a
race); subscription addresses in private networks refused at creation, change and
delivery; pause and resume (API and page); filters answer 400."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from accounts import webhook_addresses, webhooks
from accounts.models import Role
from accounts.webhook_models import WebhookDelivery, WebhookSubscription
from capacity import services as capacity_services
from capacity.models import Facility, FacilityStaleCrossing, Provider
from core.models import Event
from placement import services
from tests.accounts.factories import member
from tests.api.test_conventions import assert_problem
from tests.api.test_webhooks import URL, _deliveries, _subscription, subscribe
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)
from tests.placement.test_offer_races import race

# --- 1. withdrawn and fallen-through offers ----------------------------------------------------


def _accepted(referrer, coordinator, facility, staff):
    offer = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    offer.refresh_from_db()
    return offer


@pytest.mark.django_db
def test_a_withdrawn_offer_is_an_event_for_the_provider_and_the_coordination_point(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    own, coordination, referrer_sub = _subscription(staff), _subscription(coordinator), _subscription(referrer)
    other = _subscription(member(Role.PROVIDER))
    offer = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    services.offer_withdraw(
        offer=offer, reason="Andere plek gevonden", by=coordinator, membership=coordinator_membership(coordinator)
    )
    for sub in (own, coordination):
        [delivery] = _deliveries(sub, "offer.withdrawn")
        data = delivery.payload["data"]["offer"]
        assert data["id"] == offer.pk and data["status"] == "withdrawn" and data["after_acceptance"] is False
        assert "Andere plek" not in str(delivery.payload)  # the reason is text: not sent
    assert _deliveries(referrer_sub, "offer.withdrawn") == [] and _deliveries(other) == []


@pytest.mark.django_db
def test_a_request_withdrawn_after_acceptance_sends_offer_withdrawn(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    own = _subscription(staff, ["offer.withdrawn"])
    offer = _accepted(referrer, coordinator, facility, staff)
    services.request_withdraw_accepted(
        placement_request=offer.request,
        reason="Gezin verhuist",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    [delivery] = _deliveries(own, "offer.withdrawn")
    assert delivery.payload["data"]["offer"]["after_acceptance"] is True
    assert delivery.payload["data"]["offer"]["status"] == "withdrawn"


@pytest.mark.django_db
def test_an_offer_that_falls_through_after_acceptance_is_an_event_with_codes_only(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    own, coordination = _subscription(staff, ["offer.fell_through"]), _subscription(coordinator)
    answered_only = _subscription(staff, ["offer.answered"])
    offer = _accepted(referrer, coordinator, facility, staff)
    services.offer_fall_through(
        offer=offer,
        party="youth",
        reason_code="introduction_mismatch",
        motivation="Klikte niet met de groepsleider",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    for sub in (own, coordination):
        [delivery] = _deliveries(sub, "offer.fell_through")
        data = delivery.payload["data"]["offer"]
        assert data["status"] == "fallen_through"
        assert data["party"] == "youth" and data["fall_through_reason"] == "introduction_mismatch"
        assert "Klikte" not in str(delivery.payload)
    # offer.answered keeps meaning the provider's answer (or the deadline): only the acceptance
    assert [d.payload["data"]["offer"]["answer"] for d in _deliveries(answered_only)] == ["accepted"]


# --- 2. availability.stale when the figures turn stale ----------------------------------------


def _confirmed(facility, at):
    Facility.objects.filter(pk=facility.pk).update(last_confirmed_at=at)
    facility.refresh_from_db()
    return facility


def _freshness(facility):
    return timedelta(days=facility.municipality.region.freshness_days)


@pytest.mark.django_db
def test_availability_stale_is_sent_when_the_figures_cross_the_line_once(twente):
    now = timezone.now()
    facility = fitting_facility()
    facility = _confirmed(facility, now - _freshness(facility) - timedelta(minutes=3))
    fresh = fitting_facility()  # confirmed just now: no event
    never = fitting_facility(fresh=False)  # never confirmed: no crossing (the 08:00 reminder covers it)
    long_ago = fitting_facility()
    long_ago = _confirmed(long_ago, now - _freshness(long_ago) - timedelta(days=3))  # before the lookback
    staff = member(Role.PROVIDER, organisation=facility.provider)
    sub = _subscription(staff, ["availability.stale"])
    others = [_subscription(member(Role.PROVIDER, organisation=f.provider)) for f in (fresh, never, long_ago)]
    assert capacity_services.stale_crossings_send(now=now) == 1
    assert capacity_services.stale_crossings_send(now=now + timedelta(minutes=5)) == 0  # a second run: nothing
    [delivery] = _deliveries(sub, "availability.stale")
    stale_at = facility.last_confirmed_at + _freshness(facility)
    assert delivery.payload["data"]["facility"] == {
        "id": facility.pk,
        "url": f"/api/v1/facilities/{facility.pk}",
        "last_confirmed_at": facility.last_confirmed_at.isoformat(),
        "availability_url": f"/api/v1/facilities/{facility.pk}/availability",
        "stale_since": stale_at.isoformat(),
    }
    assert all(_deliveries(other) == [] for other in others)
    assert FacilityStaleCrossing.objects.filter(facility=facility, stale_at=stale_at).count() == 1
    # confirmed again and stale again later: a new crossing, sent once more
    later = now + _freshness(facility) + timedelta(hours=1)
    _confirmed(facility, now)
    capacity_services.stale_crossings_send(now=later)  # (the other facilities cross by then too)
    assert len(_deliveries(sub, "availability.stale")) == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_crossing_row(twente):
    from django.db import IntegrityError, transaction

    facility = fitting_facility()
    at = timezone.now()
    FacilityStaleCrossing.objects.create(facility=facility, stale_at=at)
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilityStaleCrossing.objects.create(facility=facility, stale_at=at)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_the_crossing_once(twente):
    now = timezone.now()
    facility = fitting_facility()
    facility = _confirmed(facility, now - _freshness(facility) - timedelta(minutes=1))
    sub = _subscription(member(Role.PROVIDER, organisation=facility.provider), ["availability.stale"])
    results = race(
        lambda: capacity_services.stale_crossings_send(now=now),
        lambda: capacity_services.stale_crossings_send(now=now),
    )
    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == [0, 1]
    assert len(_deliveries(sub, "availability.stale")) == 1


@pytest.mark.django_db
def test_the_daily_reminder_still_sends_as_before(twente):
    facility = fitting_facility(fresh=False)
    sub = _subscription(member(Role.PROVIDER, organisation=facility.provider), ["availability.stale"])
    capacity_services.stale_reminders_send()
    [delivery] = _deliveries(sub, "availability.stale")
    assert "stale_since" not in delivery.payload["data"]["facility"]


def test_the_sweep_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["capacity-stale-crossings"]
    assert entry["task"] == "capacity.tasks.stale_crossings_send" and entry["schedule"] <= 600
    assert "capacity-stale-reminders" in settings.CELERY_BEAT_SCHEDULE  # the 08:00 reminder stays


# --- 3. no private, loopback, link-local or reserved addresses --------------------------------

PRIVATE_URLS = [
    "https://10.0.0.1/hook",
    "https://192.168.1.20/hook",
    "https://172.16.5.5/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:192.168.1.1]/hook",
    "https://[::]/hook",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_addresses_are_refused_naming_url(api, provider_user, url):
    body = assert_problem(
        api.as_user(provider_user).post(URL, {"url": url, "event_types": ["offer.created"]}, format="json"), 422
    )
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("url", "private_address")]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_loopback_only_where_the_setting_allows_it(api, provider_user, settings):
    client = api.as_user(provider_user)
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    for url in ("https://localhost/hook", "https://127.0.0.1/hook", "https://[::1]/hook", "https://127.8.9.1/h"):
        body = assert_problem(client.post(URL, {"url": url, "event_types": ["offer.created"]}, format="json"), 422)
        assert body["invalid_params"][0]["code"] == "private_address", url
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    assert client.post(URL, {"url": "https://localhost/hook", "event_types": ["offer.created"]}, format="json")
    assert WebhookSubscription.objects.count() == 1


@pytest.mark.django_db
def test_a_name_that_resolves_to_a_private_address_is_refused(api, provider_user, monkeypatch):
    monkeypatch.setattr(webhook_addresses, "resolve", lambda host, port: ["203.0.113.7", "10.1.2.3"])
    body = assert_problem(
        api.as_user(provider_user).post(
            URL, {"url": "https://hooks.example.org/x", "event_types": ["offer.created"]}, format="json"
        ),
        422,
    )
    assert body["invalid_params"][0]["code"] == "private_address"
    monkeypatch.setattr(webhook_addresses, "resolve", lambda host, port: ["93.184.215.14"])
    assert api.post(URL, {"url": "https://hooks.example.org/x", "event_types": ["offer.created"]}, format="json")
    assert WebhookSubscription.objects.count() == 1


@pytest.mark.django_db
def test_the_page_shows_the_message_next_to_the_url_field(client, provider_user):
    client.force_login(provider_user)
    response = client.post("/webhooks/", {"url": "https://10.0.0.1/hook", "event_types": ["offer.created"]})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_url-error"' in html and "openbare adressen" in html
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_delivery_is_refused_when_the_address_turned_private(provider_user, monkeypatch):
    subscription = _subscription(provider_user, ["offer.created"])  # https://hooks.example.org/...
    monkeypatch.setattr(webhook_addresses, "resolve", lambda host, port: ["10.0.0.8"])  # DNS changed
    [delivery] = webhooks.webhook_emit(
        event_type="offer.created", organisation_ids={subscription.organisation_id}, data={"offer": {"id": 1}}
    )
    assert webhooks.webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_response_code is None and "openbare adressen" in delivery.last_error


@pytest.mark.django_db
def test_the_connection_itself_is_checked_so_dns_rebinding_is_refused(receiver, provider_user, settings, monkeypatch):
    """The address check said public (DNS answered so), the connection lands on loopback."""
    subscription, secret = webhooks.subscription_create(
        membership=provider_membership(provider_user), by=provider_user, url=receiver.url, event_types=["offer.created"]
    )
    receiver.secret = secret
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    monkeypatch.setattr(webhooks, "url_problems", lambda url: [])  # the check before the POST passed
    [delivery] = webhooks.webhook_emit(
        event_type="offer.created", organisation_ids={subscription.organisation_id}, data={"offer": {"id": 1}}
    )
    assert webhooks.webhook_deliver(delivery.pk) == "retry"
    assert receiver.received == []
    delivery.refresh_from_db()
    assert "not a public address" in delivery.last_error
    with pytest.raises(requests.ConnectionError):
        webhook_addresses.guarded_session().post(receiver.url, data=b"{}", timeout=2)
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True  # the test receiver is allowed again
    [again] = webhooks.webhook_emit(
        event_type="offer.created", organisation_ids={subscription.organisation_id}, data={"offer": {"id": 2}}
    )
    assert webhooks.webhook_deliver(again.pk) == "delivered" and len(receiver.received) == 1


# --- 4. pause and resume ----------------------------------------------------------------------


@pytest.mark.django_db
def test_pause_and_resume_through_the_api(api, provider_user, referrer, coordinator):
    created = subscribe(api, provider_user, events=["offer.created"])
    client = api.as_user(provider_user)
    response = client.patch(f"{URL}/{created['id']}", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get(f"{URL}/{created['id']}").json()["is_active"] is False
    facility = fitting_facility(provider=Provider.objects.get(pk=provider_membership(provider_user).organisation_id))
    offer_to(in_matching(referrer, coordinator), facility, coordinator)
    assert not WebhookDelivery.objects.filter(subscription_id=created["id"]).exists()  # paused: nothing
    response = client.patch(f"{URL}/{created['id']}", {"is_active": True}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is True
    offer_to(in_matching(referrer, coordinator), fitting_facility(provider=facility.provider), coordinator)
    assert WebhookDelivery.objects.filter(subscription_id=created["id"], event_type="offer.created").count() == 1
    kinds = list(
        Event.objects.filter(subject_type="accounts.webhooksubscription", subject_id=created["id"])
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert kinds == ["webhook.subscription_created", "webhook.subscription_paused", "webhook.subscription_resumed"]


@pytest.mark.django_db
def test_a_delivery_queued_before_the_pause_is_logged_as_not_sent(receiver, provider_user):
    subscription, secret = webhooks.subscription_create(
        membership=provider_membership(provider_user), by=provider_user, url=receiver.url, event_types=["offer.created"]
    )
    [delivery] = webhooks.webhook_emit(
        event_type="offer.created", organisation_ids={subscription.organisation_id}, data={"offer": {"id": 1}}
    )
    webhooks.subscription_pause(
        membership=provider_membership(provider_user), subscription=subscription, by=provider_user
    )
    assert webhooks.webhook_deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "gepauzeerd" in delivery.last_error and receiver.received == []


@pytest.mark.django_db
def test_patch_changes_partially_and_checks_like_create(api, provider_user):
    created = subscribe(api, provider_user, events=["offer.created"])
    client = api.as_user(provider_user)
    path = f"{URL}/{created['id']}"
    response = client.patch(path, {"event_types": ["offer.withdrawn", "offer.created"]}, format="json")
    assert response.status_code == 200
    assert response.json()["event_types"] == ["offer.created", "offer.withdrawn"]
    assert response.json()["url"] == created["url"]
    body = assert_problem(client.patch(path, {"url": "https://10.0.0.1/x", "is_active": "maybe"}, format="json"), 422)
    assert sorted(p["name"] for p in body["invalid_params"]) == ["is_active"]  # the serializer first
    body = assert_problem(
        client.patch(path, {"url": "https://10.0.0.1/x", "description": "x" * 201}, format="json"), 422
    )
    assert {p["name"] for p in body["invalid_params"]} == {"description"}
    body = assert_problem(client.patch(path, {"url": "https://10.0.0.1/x", "event_types": []}, format="json"), 422)
    assert {p["name"] for p in body["invalid_params"]} == {"event_types"}
    body = assert_problem(client.patch(path, {"url": "https://10.0.0.1/x"}, format="json"), 422)
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("url", "private_address")]
    assert_problem(client.patch(path, {"secret": "whsec_mine"}, format="json"), 422)
    subscription = WebhookSubscription.objects.get(pk=created["id"])
    assert subscription.url == created["url"] and subscription.is_active  # nothing half-written


@pytest.mark.django_db
def test_patch_by_an_outsider_is_404_and_by_another_role_403(api, provider_user, twente):
    created = subscribe(api, provider_user)
    path = f"{URL}/{created['id']}"
    assert_problem(api.as_user(member(Role.PROVIDER)).patch(path, {"is_active": False}, format="json"), 404)
    assert_problem(
        api.as_user(member(Role.CONTRACT_MANAGER, regions=[twente])).patch(path, {"is_active": False}, format="json"),
        403,
    )
    assert WebhookSubscription.objects.get(pk=created["id"]).is_active


@pytest.mark.django_db
def test_pause_and_resume_on_the_page(client, provider_user):
    subscription, _secret = webhooks.subscription_create(
        membership=provider_membership(provider_user),
        by=provider_user,
        url="https://hooks.example.org/a",
        event_types=["offer.created"],
    )
    client.force_login(provider_user)
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert f"/webhooks/{subscription.pk}/pause/" in page and "/resume/" not in page
    response = client.post(f"/webhooks/{subscription.pk}/pause/")
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active is False
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "Gepauzeerd" in page and f"/webhooks/{subscription.pk}/resume/" in page
    assert "Gepauzeerd" in client.get("/webhooks/").content.decode()
    client.post(f"/webhooks/{subscription.pk}/resume/")
    subscription.refresh_from_db()
    assert subscription.is_active is True
    assert client.get(f"/webhooks/{subscription.pk}/pause/").status_code == 405


@pytest.mark.django_db
def test_pause_on_the_page_outsider_404_wrong_role_403(client, provider_user, twente):
    subscription, _secret = webhooks.subscription_create(
        membership=provider_membership(provider_user),
        by=provider_user,
        url="https://hooks.example.org/a",
        event_types=["offer.created"],
    )
    client.force_login(member(Role.PROVIDER))
    assert client.post(f"/webhooks/{subscription.pk}/pause/").status_code == 404
    client.force_login(member(Role.CONTRACT_MANAGER, regions=[twente]))
    assert client.post(f"/webhooks/{subscription.pk}/pause/").status_code == 403
    subscription.refresh_from_db()
    assert subscription.is_active is True


# --- 5. filters: 400 like page/pageSize --------------------------------------------------------


@pytest.mark.django_db
def test_bad_filters_are_400_on_every_list_naming_the_parameter(api, coordinator):
    client = api.as_user(coordinator)
    for path, name in [
        ("/api/v1/facilities?careType=onbekend", "careType"),
        ("/api/v1/placements?status=gone", "status"),
        ("/api/v1/transfers?from=gisteren", "from"),
        ("/api/v1/notifications?unread=maybe", "unread"),
        ("/api/v1/contracts?activeOn=gisteren", "activeOn"),
        ("/api/v1/offers?status=nope", "status"),
        ("/api/v1/placements?pageSize=abc", "pageSize"),
    ]:
        body = assert_problem(client.get(path), 400)
        assert [p["name"] for p in body["invalid_params"]] == [name], path


def test_the_spec_documents_400_not_422_for_query_filters():
    from tests.api.spec import openapi

    spec = openapi()
    for path in ("/placements", "/transfers", "/notifications", "/facilities", "/offers"):
        responses = spec["paths"][path]["get"]["responses"]
        assert "400" in responses and "422" not in responses, path
