"""Issue 14 point 6: GET /notifications (the caller's own), GET /notifications/{id},
POST /notifications/{id}/read. Someone else's notification is a 404 and stays unread;
bad input is problem+json naming the parameter; without a token 401/403 problem+json."""

import pytest

from accounts.models import Role
from core.models import Notification
from core.outbox import outbox_deliver, outbox_enqueue
from tests.accounts.factories import member
from tests.api.documented import documented


def notify(user, subject):
    for message in outbox_enqueue(recipient=user, subject=subject, body=f"{subject}: tekst", email=False):
        outbox_deliver(message.pk)
    return Notification.objects.filter(user=user).latest("id")


@pytest.mark.django_db
def test_a_user_lists_only_its_own_notifications_newest_first(api, coordinator, provider_user):
    first = notify(coordinator, "Eerste")
    second = notify(coordinator, "Tweede")
    notify(provider_user, "Voor een ander")
    response = api.as_user(coordinator).get("/api/v1/notifications")
    rows = documented(response)["results"]
    assert [row["id"] for row in rows] == [second.pk, first.pk]
    assert rows[0]["subject"] == "Tweede" and rows[0]["read_at"] is None and rows[0]["count"] == 1
    assert "Voor een ander" not in response.content.decode()


@pytest.mark.django_db
def test_marking_read_is_idempotent_and_filters_follow(api, coordinator):
    first = notify(coordinator, "Eerste")
    second = notify(coordinator, "Tweede")
    client = api.as_user(coordinator)
    response = client.post(f"/api/v1/notifications/{first.pk}/read")
    read_at = documented(response)["read_at"]
    assert read_at is not None
    again = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert again.status_code == 200 and again.json()["read_at"] == read_at  # the first moment stays
    assert [r["id"] for r in client.get("/api/v1/notifications?unread=true").json()["results"]] == [second.pk]
    assert [r["id"] for r in client.get("/api/v1/notifications?unread=false").json()["results"]] == [first.pk]
    assert documented(client.get(f"/api/v1/notifications/{first.pk}"))["read_at"] == read_at


@pytest.mark.django_db
def test_someone_elses_notification_is_404_and_stays_unread(api, coordinator, provider_user):
    theirs = notify(provider_user, "Van een ander")
    client = api.as_user(coordinator)
    for response in (
        client.get(f"/api/v1/notifications/{theirs.pk}"),
        client.post(f"/api/v1/notifications/{theirs.pk}/read"),
        client.post("/api/v1/notifications/999999999/read"),
    ):
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_bad_filter_is_400_naming_it_and_anonymous_is_refused(api, coordinator):
    notify(coordinator, "Eerste")
    response = api.as_user(coordinator).get("/api/v1/notifications?unread=maybe")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == ["unread"]
    api.credentials()  # no token
    anonymous = api.get("/api/v1/notifications")
    assert anonymous.status_code in (401, 403) and anonymous["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_every_role_has_its_own_notifications(api, twente):
    for role in Role.values:
        user = member(role, regions=[twente] if role in ("coordinator", "contract_manager") else ())
        mine = notify(user, f"Voor {role}")
        response = api.as_user(user).get("/api/v1/notifications")
        assert [r["id"] for r in response.json()["results"]] == [mine.pk], role
