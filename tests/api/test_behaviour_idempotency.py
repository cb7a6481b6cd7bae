"""Issue 14 (api-behaviour): Idempotency-Key on POSTs that create or move (core/idempotency.py).

Same key + same caller + same body: the stored answer (status, body, Location) and nothing
done again; another body: 422; still running: 409; the database guards one row per caller
and key (a real race of two threads with their own connections); rows older than 24 h are
pruned by beat.
"""

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tokens import token_issue
from core.errors import Conflict
from core.idempotency import HEADER, REPLAYED_HEADER, fingerprint, idempotency_prune, idempotency_reserve
from core.models import AccessLogEntry, Event, IdempotencyKey
from intake.models import PlacementRequest, Status
from tests.api.test_conventions import assert_problem
from tests.placement.factories import fitting_facility, in_matching, make_request, offer_to
from tests.placement.test_api import create_body
from tests.placement.test_offer_races import race


def post(api, path, body, key):
    return api.post(path, body, format="json", **({f"HTTP_{HEADER.upper().replace('-', '_')}": key} if key else {}))


@pytest.mark.django_db
def test_retried_create_with_the_same_key_gets_the_same_answer_and_one_draft(api, referrer):
    api.as_user(referrer)
    first = post(api, "/api/v1/requests", create_body(), "create-1")
    assert first.status_code == 201, first.content
    again = post(api, "/api/v1/requests", create_body(), "create-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again.get("Location") == first.get("Location")
    assert again[REPLAYED_HEADER] == "true" and REPLAYED_HEADER not in first
    assert PlacementRequest.objects.count() == 1
    # without a key a retry is a new action, as before
    assert post(api, "/api/v1/requests", create_body(), None).status_code == 201
    assert PlacementRequest.objects.count() == 2


@pytest.mark.django_db
def test_same_key_with_another_body_is_422_and_does_nothing(api, referrer):
    api.as_user(referrer)
    assert post(api, "/api/v1/requests", create_body(), "k").status_code == 201
    body = assert_problem(post(api, "/api/v1/requests", create_body(urgency="regular"), "k"), 422)
    assert [p["name"] for p in body["invalid_params"]] == [HEADER]
    assert body["type"].endswith("#idempotency_key_reused")
    # the same key on another operation is another body too
    pk = PlacementRequest.objects.get().pk
    assert_problem(post(api, f"/api/v1/requests/{pk}/submit", None, "k"), 422)
    assert PlacementRequest.objects.count() == 1


@pytest.mark.django_db
def test_key_order_in_the_body_does_not_matter(api, referrer):
    api.as_user(referrer)
    body = create_body()
    reordered = dict(reversed(list(body.items())))
    assert post(api, "/api/v1/requests", body, "order").status_code == 201
    assert post(api, "/api/v1/requests", reordered, "order")[REPLAYED_HEADER] == "true"


@pytest.mark.django_db
def test_a_move_is_not_done_twice(api, referrer, coordinator):
    """A retried submit gets the stored 200, not the 409 a second submit gives."""
    placement_request = make_request(referrer)
    api.as_user(referrer)
    path = f"/api/v1/requests/{placement_request.pk}/submit"
    first = post(api, path, None, "submit-1")
    assert first.status_code == 200, first.content
    events = Event.objects.count()
    again = post(api, path, None, "submit-1")
    assert (again.status_code, again.content) == (200, first.content)
    assert Event.objects.count() == events
    assert_problem(post(api, path, None, "submit-2"), 409)  # a new key: really a second submit


@pytest.mark.django_db
def test_retried_accept_replays_for_the_provider(api, referrer, coordinator, make_member):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    api.as_user(staff)
    path = f"/api/v1/offers/{offer.pk}/accept"
    first = post(api, path, {}, "accept-1")
    assert first.status_code == 200, first.content
    again = post(api, path, {}, "accept-1")
    assert (again.status_code, again.content, again[REPLAYED_HEADER]) == (200, first.content, "true")
    assert Event.objects.filter(event_type="offer_accepted").count() == 1


@pytest.mark.django_db
def test_a_refused_request_is_not_stored_so_the_corrected_retry_runs(api, referrer):
    api.as_user(referrer)
    assert_problem(post(api, "/api/v1/requests", create_body(urgency="nope"), "fix-me"), 422)
    assert not IdempotencyKey.objects.exists()
    # the same key with the corrected body: done now
    assert post(api, "/api/v1/requests", create_body(), "fix-me").status_code == 201


@pytest.mark.django_db
def test_wrong_role_403_and_outsider_404_with_a_key_store_nothing(api, referrer, make_member):
    placement_request = make_request(referrer)
    coordinator_elsewhere = make_member(Role.COORDINATOR)
    assert_problem(post(api.as_user(coordinator_elsewhere), "/api/v1/requests", create_body(), "x"), 403)
    outsider = make_member(Role.REFERRER)
    assert_problem(post(api.as_user(outsider), f"/api/v1/requests/{placement_request.pk}/submit", None, "x"), 404)
    assert not IdempotencyKey.objects.exists()
    placement_request.refresh_from_db()
    assert placement_request.status == Status.DRAFT


@pytest.mark.django_db
def test_keys_are_per_caller(api, referrer, make_member):
    other = make_member(Role.REFERRER)
    assert post(api.as_user(referrer), "/api/v1/requests", create_body(), "shared").status_code == 201
    second = post(APIClient(), "/api/v1/requests", create_body(), "shared")
    assert second.status_code == 401
    client = APIClient()
    _instance, token = token_issue(user=other, client="other")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    third = post(client, "/api/v1/requests", create_body(), "shared")
    assert third.status_code == 201 and REPLAYED_HEADER not in third
    assert PlacementRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_request_still_running_with_the_key_is_409(api, referrer):
    api.as_user(referrer)
    # what the first request's reservation looks like while it runs
    IdempotencyKey.objects.create(user=referrer, key="busy", fingerprint="0" * 64)
    body = assert_problem(post(api, "/api/v1/requests", create_body(), "busy"), 422)  # other body
    assert body["type"].endswith("#idempotency_key_reused")
    row = IdempotencyKey.objects.get(key="busy")
    api_request = type("R", (), {"method": "POST", "path": "/api/v1/requests", "data": create_body(), "FILES": {}})
    row.fingerprint = fingerprint(api_request)
    row.save()
    body = assert_problem(post(api, "/api/v1/requests", create_body(), "busy"), 409)
    assert body["type"].endswith("#idempotency_in_flight")
    assert not PlacementRequest.objects.exists()


@pytest.mark.django_db
def test_an_abandoned_reservation_is_taken_over(api, referrer):
    api.as_user(referrer)
    api_request = type("R", (), {"method": "POST", "path": "/api/v1/requests", "data": create_body(), "FILES": {}})
    IdempotencyKey.objects.create(
        user=referrer,
        key="died",
        fingerprint=fingerprint(api_request),
        created_at=timezone.now() - datetime.timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_SECONDS + 5),
    )
    assert post(api, "/api/v1/requests", create_body(), "died").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 256, "sleutel\u00e9"])
def test_an_unusable_key_is_422_naming_the_header(api, referrer, key):
    api.as_user(referrer)
    body = assert_problem(post(api, "/api/v1/requests", create_body(), key or " "), 422)
    assert [p["name"] for p in body["invalid_params"]] == [HEADER]
    assert not PlacementRequest.objects.exists()


@pytest.mark.django_db
def test_database_allows_one_row_per_caller_and_key(referrer):
    IdempotencyKey.objects.create(user=referrer, key="k", fingerprint="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(user=referrer, key="k", fingerprint="b" * 64)


@pytest.mark.django_db
def test_prune_deletes_keys_older_than_24_hours_and_beat_runs_it(referrer):
    now = timezone.now()
    old = IdempotencyKey.objects.create(user=referrer, key="old", fingerprint="a" * 64)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=24, minutes=1))
    IdempotencyKey.objects.create(user=referrer, key="young", fingerprint="a" * 64)
    assert idempotency_prune(now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.idempotency_keys_prune" in tasks


@pytest.mark.django_db
def test_an_expired_key_is_a_new_action(api, referrer):
    api.as_user(referrer)
    assert post(api, "/api/v1/requests", create_body(), "day-old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = post(api, "/api/v1/requests", create_body(), "day-old")
    assert again.status_code == 201 and REPLAYED_HEADER not in again
    assert PlacementRequest.objects.count() == 2


@pytest.mark.django_db
def test_the_header_is_documented_on_every_idempotent_post(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    documented = {p for p, op in posts.items() if any(x["name"] == HEADER for x in op.get("parameters", []))}
    for path in (
        "/requests",
        "/requests/{id}/submit",
        "/requests/{id}/triage",
        "/requests/{id}/offers",
        "/requests/{id}/withdraw",
        "/requests/{id}/placement",
        "/offers/{id}/accept",
        "/offers/{id}/decline",
        "/offers/{id}/withdraw",
        "/placements/{id}/end",
        "/crisis-placements",
        "/facilities",
        "/exports",
        "/requests/{id}/resume-matching",
        "/webhooks",
        "/webhooks/{id}/ping",
        "/availability",
    ):
        assert path in documented, path
    assert "/auth/token" not in documented  # logging in is not an action to replay
    # and not on reads
    assert not any(x["name"] == HEADER for x in schema["paths"]["/requests"]["get"].get("parameters", []))


@pytest.mark.django_db(transaction=True)
def test_two_reservations_of_one_key_at_once_exactly_one_wins(referrer):
    """Two threads, each with its own connection, reserve the same key at the same moment:
    the unique constraint lets one in; the other sees it running (409)."""
    calls = [lambda: idempotency_reserve(user=referrer, key="race", fingerprint="f" * 64)] * 2
    results = race(*calls)
    wins = [r for r in results if isinstance(r, IdempotencyKey)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].code == "idempotency_in_flight"
    assert IdempotencyKey.objects.filter(user=referrer, key="race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_creates_at_once_make_one_draft(referrer):
    """The same POST /requests with the same key from two connections at once: one draft;
    the other answer is the 409 'still running' or the replayed 201."""
    _instance, token = token_issue(user=referrer, client="race")

    def create():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return post(client, "/api/v1/requests", create_body(), "race-create")

    results = race(create, create)
    statuses = sorted(r.status_code for r in results)
    assert statuses in ([201, 201], [201, 409]), [getattr(r, "content", r) for r in results]
    if statuses == [201, 201]:
        assert sum(1 for r in results if r.get(REPLAYED_HEADER) == "true") == 1
    assert PlacementRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_replayed_answer_logs_its_reads_of_identifying_data_again(api, referrer):
    """NEN 7513: a replay sends the youth's identity again, so the read is logged again."""
    api.as_user(referrer)
    first = post(api, "/api/v1/requests", create_body(), "create-logged")
    assert first.status_code == 201, first.content
    youth_pk = PlacementRequest.objects.get().youth_id
    reads = AccessLogEntry.objects.filter(user=referrer, subject_type="placement.youth", subject_id=youth_pk)
    logged = list(reads.order_by("pk").values("purpose", "action", "role", "details"))
    assert logged and not any("idempotent_replay" in row["details"] for row in logged)
    again = post(api, "/api/v1/requests", create_body(), "create-logged")
    assert again[REPLAYED_HEADER] == "true"
    rows = list(reads.order_by("pk").values("purpose", "action", "role", "details"))
    replayed = rows[len(logged) :]
    assert [{**row, "details": {**row["details"], "idempotent_replay": True}} for row in logged] == replayed
    # the stored summary names subjects and purposes only, no personal data
    stored = IdempotencyKey.objects.get(key="create-logged").access
    assert {tuple(sorted(row)) for row in stored} == {
        ("action", "details", "organisation_id", "purpose", "role", "subject_id", "subject_type")
    }
