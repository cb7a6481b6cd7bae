"""Issue 14 (api-push): webhook subscriptions through the API (right role, wrong role,
outsider, bad input) and which organisation's subscription gets which event."""

import pytest
from django.db import transaction

from accounts.models import Role
from accounts.webhook_models import WebhookDelivery, WebhookSubscription
from accounts.webhooks import webhook_emit
from tests.accounts.factories import member
from tests.api.test_conventions import assert_problem
from tests.placement.factories import fitting_facility, in_matching, offer_to, provider_membership
from tests.placement.identity import assert_no_identity

URL = "/api/v1/webhooks"
ALL_EVENTS = [
    "offer.created",
    "offer.answered",
    "offer.expiring",
    "offer.withdrawn",
    "offer.fell_through",
    "request.status_changed",
    "availability.stale",
]


def subscribe(api, user, url="https://hooks.example.org/regie", events=ALL_EVENTS):
    response = api.as_user(user).post(URL, {"url": url, "event_types": events}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_provider_creates_a_subscription_and_sees_the_secret_only_once(api, provider_user):
    created = subscribe(api, provider_user, events=["offer.created", "offer.answered"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["event_types"] == ["offer.created", "offer.answered"]
    assert created["is_active"] is True and created["created_by"] == provider_user.username
    subscription = WebhookSubscription.objects.get(pk=created["id"])
    assert subscription.organisation == provider_membership(provider_user).organisation
    assert subscription.secret == created["secret"]
    listed = api.get(URL).json()
    assert [s["id"] for s in listed["results"]] == [created["id"]]
    detail = api.get(f"{URL}/{created['id']}").json()
    assert "secret" not in detail and "secret" not in listed["results"][0]
    assert detail["deliveries_url"] == f"{URL}/{created['id']}/deliveries"


@pytest.mark.django_db
def test_the_secret_is_encrypted_at_rest(api, provider_user):
    created = subscribe(api, provider_user)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_webhooksubscription WHERE id = %s", [created["id"]])
        stored = cursor.fetchone()[0]
    assert created["secret"] not in stored


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.REFERRER])
def test_coordinators_and_referrers_manage_their_organisations_webhooks(api, role, twente):
    user = member(role, regions=[twente] if role == Role.COORDINATOR else ())
    subscribe(api, user, events=["request.status_changed"])
    assert api.get(URL).json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CONTRACT_MANAGER, Role.BEHAVIOURAL_SCIENTIST, Role.ADMIN])
def test_other_roles_get_403_and_nothing_is_created(api, role, twente):
    user = member(role, regions=[twente] if role != Role.ADMIN else ())
    client = api.as_user(user)
    assert_problem(client.get(URL), 403)
    assert_problem(
        client.post(URL, {"url": "https://x.example.org", "event_types": ["offer.created"]}, format="json"), 403
    )
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_unauthenticated_is_refused(api):
    response = api.get(URL)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_another_organisations_subscription_is_404_for_every_operation(api, provider_user):
    created = subscribe(api, provider_user)
    outsider = member(Role.PROVIDER)
    client = api.as_user(outsider)
    for method, path in [
        ("get", f"{URL}/{created['id']}"),
        ("delete", f"{URL}/{created['id']}"),
        ("get", f"{URL}/{created['id']}/deliveries"),
        ("post", f"{URL}/{created['id']}/ping"),
        ("get", f"{URL}/abc"),
    ]:
        assert_problem(getattr(client, method)(path), 404)
    assert client.get(URL).json()["count"] == 0
    assert WebhookSubscription.objects.filter(pk=created["id"]).exists()
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_delete_removes_the_subscription(api, provider_user):
    created = subscribe(api, provider_user)
    assert api.delete(f"{URL}/{created['id']}").status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert_problem(api.get(f"{URL}/{created['id']}"), 404)


@pytest.mark.django_db
def test_bad_input_names_every_field_at_once(api, provider_user):
    client = api.as_user(provider_user)
    body = assert_problem(
        client.post(
            URL, {"url": "http://hooks.example.org/x", "event_types": ["offer.created", "nope"]}, format="json"
        ),
        422,
    )
    names = {p["name"] for p in body["invalid_params"]}
    assert "event_types.1" in names  # the serializer refuses the unknown event first
    body = assert_problem(
        client.post(URL, {"url": "http://hooks.example.org/x", "event_types": ["offer.created"]}, format="json"), 422
    )
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("url", "https_required")]
    body = assert_problem(client.post(URL, {"event_types": [], "colour": "red"}, format="json"), 422)
    assert {p["name"] for p in body["invalid_params"]} == {"colour"}  # unknown fields first, named
    body = assert_problem(client.post(URL, {"event_types": []}, format="json"), 422)
    assert {p["name"] for p in body["invalid_params"]} == {"url", "event_types"}
    for url in ["https://user:pw@hooks.example.org/", "ftp://hooks.example.org/", "https://", "https://x" + "a" * 600]:
        body = assert_problem(client.post(URL, {"url": url, "event_types": ["offer.created"]}, format="json"), 422)
        assert [p["name"] for p in body["invalid_params"]] == ["url"], url
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_plain_http_to_this_machine_only_where_the_setting_allows_it(api, provider_user, settings):
    client = api.as_user(provider_user)
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["offer.created"]}
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    problem = assert_problem(client.post(URL, body, format="json"), 422)
    assert problem["invalid_params"][0]["code"] == "https_required"
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    assert client.post(URL, body, format="json").status_code == 201
    # never another host over http, whatever the setting
    assert_problem(client.post(URL, {**body, "url": "http://10.0.0.1/hook"}, format="json"), 422)


def test_production_refuses_loopback_http_webhooks_and_defaults_to_off():
    from tests.core.test_settings import PRODUCTION_ENV, _manage

    refused = _manage("check", env={**PRODUCTION_ENV, "WEBHOOKS_ALLOW_HTTP_LOOPBACK": "true"})
    assert refused.returncode != 0 and "WEBHOOKS_ALLOW_HTTP_LOOPBACK is on" in refused.stderr
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK)",
        env=PRODUCTION_ENV,
    )
    assert shown.returncode == 0 and shown.stdout.strip().splitlines()[-1] == "False", shown.stderr


# --- who gets which event ------------------------------------------------------------------


def _subscription(user, events=ALL_EVENTS):
    from accounts.selectors import memberships_of

    membership = memberships_of(user).first()
    return WebhookSubscription.objects.create(
        organisation=membership.organisation,
        url="https://hooks.example.org/" + membership.organisation.name.replace(" ", "-"),
        secret="whsec_" + "A" * 43 + "=",
        event_types=events,
        created_by=user,
    )


def _deliveries(subscription, event_type=None):
    qs = WebhookDelivery.objects.filter(subscription=subscription)
    if event_type:
        qs = qs.filter(event_type=event_type)
    return list(qs.order_by("id"))


@pytest.mark.django_db
def test_offer_events_reach_the_provider_and_the_coordination_point_only(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    other_provider = member(Role.PROVIDER)
    own = _subscription(staff)
    other = _subscription(other_provider)
    coordination = _subscription(coordinator)
    referrer_sub = _subscription(referrer)
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, facility, coordinator)
    for sub in (own, coordination):
        [delivery] = _deliveries(sub, "offer.created")
        assert delivery.payload["data"]["offer"]["id"] == offer.pk
        assert delivery.payload["data"]["offer"]["url"] == f"/api/v1/offers/{offer.pk}"
    assert _deliveries(other) == []
    assert _deliveries(referrer_sub, "offer.created") == []
    # the same event has one id for every subscription (the receiver's idempotency key)
    assert _deliveries(own, "offer.created")[0].event_id == _deliveries(coordination, "offer.created")[0].event_id
    # request.status_changed: the referrer organisation and the coordination point, never a provider
    statuses = [d.payload["data"]["request"]["status"] for d in _deliveries(referrer_sub, "request.status_changed")]
    assert statuses == ["submitted", "matching", "offered"]
    assert len(_deliveries(coordination, "request.status_changed")) == 3
    assert _deliveries(own, "request.status_changed") == [] and _deliveries(other) == []


@pytest.mark.django_db
def test_a_subscription_gets_only_the_events_it_chose_and_only_while_active(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    answered_only = _subscription(staff, ["offer.answered"])
    paused = _subscription(staff, ["offer.created"])
    paused.is_active = False
    paused.save()
    offer_to(in_matching(referrer, coordinator), facility, coordinator)
    assert _deliveries(answered_only) == [] and _deliveries(paused) == []


@pytest.mark.django_db
def test_offer_answers_expiry_and_reminders_are_events(referrer, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from placement import services
    from placement.models import Offer

    facility = fitting_facility(free=3)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    sub = _subscription(staff)
    membership = provider_membership(staff)
    # accepted
    accepted = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    services.offer_accept(offer=accepted, by=staff, membership=membership)
    # declined
    declined = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    services.offer_decline(
        offer=declined, reason="staffing", motivation="Past niet bij de groep.", by=staff, membership=membership
    )
    # expiring (reminder) and then expired
    late = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    Offer.objects.filter(pk=late.pk).update(deadline=timezone.now() + timedelta(hours=2))
    assert services.offer_reminders_send() == 1
    services.offers_expire_overdue(now=timezone.now() + timedelta(hours=3))
    answers = [
        (d.payload["data"]["offer"]["id"], d.payload["data"]["offer"]["answer"])
        for d in _deliveries(sub, "offer.answered")
    ]
    assert answers == [(accepted.pk, "accepted"), (declined.pk, "declined"), (late.pk, "expired")]
    declined_payload = _deliveries(sub, "offer.answered")[1].payload["data"]["offer"]
    assert declined_payload["decline_reason"] == "staffing" and "motivation" not in declined_payload
    [expiring] = _deliveries(sub, "offer.expiring")
    assert expiring.payload["data"]["offer"]["id"] == late.pk and expiring.payload["data"]["offer"]["status"] == "open"


@pytest.mark.django_db
def test_stale_availability_is_an_event_for_the_provider_once_a_day(twente):
    from capacity import services as capacity_services

    facility = fitting_facility(fresh=False)
    other = fitting_facility()  # fresh: no event
    staff = member(Role.PROVIDER, organisation=facility.provider)
    sub = _subscription(staff)
    other_sub = _subscription(member(Role.PROVIDER, organisation=other.provider))
    capacity_services.stale_reminders_send()
    capacity_services.stale_reminders_send()  # the same day: nothing new
    [delivery] = _deliveries(sub, "availability.stale")
    assert delivery.payload["data"]["facility"] == {
        "id": facility.pk,
        "url": f"/api/v1/facilities/{facility.pk}",
        "last_confirmed_at": None,
        "availability_url": f"/api/v1/facilities/{facility.pk}/availability",
    }
    assert _deliveries(other_sub) == []


@pytest.mark.django_db
def test_payloads_carry_no_personal_data(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    subs = [_subscription(staff), _subscription(coordinator), _subscription(referrer)]
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, facility, coordinator)
    from placement import services

    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    # Issue 14 (api-webhooks): a fall-through after acceptance, a withdrawal, an expiry and
    # a facility turning stale are covered too
    from datetime import timedelta

    from django.utils import timezone

    from capacity import services as capacity_services
    from capacity.models import Facility
    from tests.placement.factories import coordinator_membership

    coordination = coordinator_membership(coordinator)
    motivation = "Jeugdige wil niet naar " + facility.name
    services.offer_fall_through(
        offer=offer,
        party="youth",
        reason_code="location",
        motivation=motivation,
        by=coordinator,
        membership=coordination,
    )
    placement_request.refresh_from_db()
    second = offer_to(placement_request, fitting_facility(provider=facility.provider), coordinator)
    services.offer_withdraw(offer=second, reason="Verzoek wordt heroverwogen", by=coordinator, membership=coordination)
    placement_request.refresh_from_db()
    third = offer_to(placement_request, fitting_facility(provider=facility.provider), coordinator)
    services.offers_expire_overdue(now=third.deadline + timedelta(minutes=1))
    now = timezone.now()
    Facility.objects.filter(pk=facility.pk).update(
        last_confirmed_at=now - timedelta(days=facility.municipality.region.freshness_days, minutes=1)
    )
    assert capacity_services.stale_crossings_send(now=now) == 1
    payloads = [d.payload for d in WebhookDelivery.objects.filter(subscription__in=subs)]
    kinds = {p["type"] for p in payloads}
    assert {"offer.fell_through", "offer.withdrawn", "offer.answered", "availability.stale"} <= kinds
    assert "expired" in {p["data"]["offer"].get("answer") for p in payloads if "offer" in p["data"]}
    assert len(payloads) >= 10
    youth = placement_request.youth
    for payload in payloads:
        assert_no_identity(payload, youth, "webhook payload")
        text = str(payload)
        for forbidden in (
            offer.pseudonym,
            placement_request.reference,
            facility.name,
            staff.username,
            referrer.username,
            "Jeugdige wil niet",
            "heroverwogen",
        ):
            assert forbidden not in text
    allowed = {"id", "url", "status", "previous_status", "changed_at", "deadline", "created_at", "answered_at",
               "answer", "decline_reason", "after_acceptance", "party", "fall_through_reason",
               "last_confirmed_at", "availability_url", "stale_since"}  # fmt: skip
    for payload in payloads:
        assert set(payload) == {"id", "type", "timestamp", "data"}
        for obj in payload["data"].values():
            assert set(obj) <= allowed, obj


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_delivery(provider_user):
    sub = _subscription(provider_user)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        webhook_emit(event_type="offer.created", organisation_ids={sub.organisation_id}, data={"offer": {"id": 1}})
        raise Boom
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_an_unknown_event_type_is_a_programming_error(provider_user):
    with pytest.raises(ValueError):
        webhook_emit(event_type="offer.exploded", organisation_ids=set(), data={})
