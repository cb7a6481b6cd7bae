"""Issue 14 (api-push): the webhook page (Django test client): who may open it, another
organisation's subscription is 404, every error at once, the secret shown once."""

import pytest

from accounts.models import Role
from accounts.webhook_models import WebhookSubscription
from accounts.webhooks import subscription_create
from tests.accounts.factories import member
from tests.placement.factories import provider_membership


@pytest.mark.django_db
def test_provider_creates_a_subscription_on_the_page_and_sees_the_secret_once(client, provider_user):
    client.force_login(provider_user)
    assert client.get("/webhooks/").status_code == 200
    response = client.post("/webhooks/", {"url": "https://hooks.example.org/a", "event_types": ["offer.created"]})
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert subscription.secret not in client.get("/webhooks/").content.decode()
    assert subscription.secret not in client.get(f"/webhooks/{subscription.pk}/").content.decode()


@pytest.mark.django_db
def test_every_error_of_the_form_at_once_and_nothing_written(client, provider_user):
    client.force_login(provider_user)
    response = client.post("/webhooks/", {"url": "http://hooks.example.org/a", "description": "x" * 300})
    assert response.status_code == 422
    html = response.content.decode()
    for field in ("url", "event_types", "description"):
        assert f'id="id_{field}-error"' in html, field
    assert "https://" in html
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CONTRACT_MANAGER, Role.ADMIN, Role.BEHAVIOURAL_SCIENTIST])
def test_other_roles_get_403(client, role, twente):
    client.force_login(member(role, regions=[twente] if role != Role.ADMIN else ()))
    assert client.get("/webhooks/").status_code == 403
    assert (
        client.post("/webhooks/", {"url": "https://x.example.org", "event_types": ["offer.created"]}).status_code == 403
    )
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_another_organisations_subscription_is_404(client, provider_user):
    subscription, _secret = subscription_create(
        membership=provider_membership(provider_user),
        by=provider_user,
        url="https://h.example.org",
        event_types=["offer.created"],
    )
    client.force_login(member(Role.PROVIDER))
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 404
    assert client.post(f"/webhooks/{subscription.pk}/ping/").status_code == 404
    assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 404
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    assert not subscription.deliveries.exists()


@pytest.mark.django_db
def test_ping_and_delete_on_the_page(client, provider_user):
    subscription, _secret = subscription_create(
        membership=provider_membership(provider_user),
        by=provider_user,
        url="https://h.example.org",
        event_types=["offer.created"],
    )
    client.force_login(provider_user)
    assert client.post(f"/webhooks/{subscription.pk}/ping/").status_code == 302
    assert subscription.deliveries.get().event_type == "webhook.ping"
    assert "webhook.ping" in client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 302
    assert not WebhookSubscription.objects.exists()
