"""Issue 11 point 10: the coordinator's work queue. Sorted by urgency and then time,
working days waiting (weekends and public holidays do not count), the time left on the
deadline and overdue marked in words, an owner per request (assign to me, reassign, let
go; HTML and API, bad input, 404/403), filters and the search on the request number (never
on names), transfers and re-entries marked, and a constant number of queries."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Municipality, Role
from core.errors import Forbidden, Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from intake import services as intake_services
from intake.models import Kind, PlacementRequest
from placement import selectors, services
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
)

AMS = ZoneInfo("Europe/Amsterdam")


def submitted(referrer, *, referral_date=None, urgency=None, municipality_code="GM0153"):
    """A submitted request; `referral_date` is set before the first submission (it is never
    overwritten after that, a trigger guards it)."""
    placement_request = make_request(referrer, municipality_code=municipality_code)
    changes = {}
    if referral_date:
        changes["referral_date"] = referral_date
    if urgency:
        changes["urgency"] = urgency
    if changes:
        PlacementRequest.objects.filter(pk=placement_request.pk).update(**changes)
        placement_request.refresh_from_db()
    intake_services.request_submit(
        placement_request=placement_request, by=referrer, membership=placement_request.referrer.memberships.get()
    )
    placement_request.refresh_from_db()
    return placement_request


def naive_working_days(start, end):
    """Day by day, the way a person counts on a calendar (holidays.NL as the list)."""
    import holidays

    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5 and day not in holidays.NL(years=day.year)
    return count


# --- sorting ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_sorts_by_urgency_then_referral_date(referrer, coordinator):
    today = timezone.localdate()
    old_regular = submitted(referrer, referral_date=today - datetime.timedelta(days=20))
    new_urgent = submitted(referrer, referral_date=today - datetime.timedelta(days=1), urgency="urgent")
    newer_regular = submitted(referrer, referral_date=today - datetime.timedelta(days=3))
    old_urgent = submitted(referrer, referral_date=today - datetime.timedelta(days=9), urgency="urgent")
    queue = selectors.coordinator_queue(membership=coordinator_membership(coordinator))
    assert [r.pk for r in queue["new"]] == [old_urgent.pk, new_urgent.pk, old_regular.pk, newer_regular.pk]


@pytest.mark.django_db
def test_queue_page_shows_the_sorted_rows_with_working_days_waiting(client, referrer, coordinator):
    today = timezone.localdate()
    regular = submitted(referrer, referral_date=today - datetime.timedelta(days=15))
    urgent = submitted(referrer, referral_date=today - datetime.timedelta(days=2), urgency="urgent")
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()
    assert html.index(urgent.reference) < html.index(regular.reference)
    days = naive_working_days(regular.referral_date, today)
    row = html[html.index(f'data-request-id="{regular.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"{days} werkdag" in row  # "1 werkdag" or "N werkdagen"


# --- working days waiting -----------------------------------------------------------------


@pytest.mark.django_db
def test_working_days_waiting_skip_the_weekend_and_kings_day(referrer, coordinator):
    # Referred on Friday 24 April 2026; Sat, Sun, Monday 27 April (Koningsdag) do not count.
    placement_request = submitted(referrer, referral_date=date(2026, 4, 24))
    membership = coordinator_membership(coordinator)
    on_tuesday = datetime.datetime(2026, 4, 28, 12, 0, tzinfo=AMS)
    [row] = selectors.coordinator_queue(membership=membership, now=on_tuesday)["new"]
    assert row.pk == placement_request.pk and row.working_days_waiting == 1
    on_monday = datetime.datetime(2026, 4, 27, 12, 0, tzinfo=AMS)
    assert selectors.coordinator_queue(membership=membership, now=on_monday)["new"][0].working_days_waiting == 0


# --- deadlines: time left and overdue ------------------------------------------------------


def offered(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    placement_request.refresh_from_db()
    return placement_request, offer


@pytest.mark.django_db
def test_offer_deadline_and_time_left_in_the_queue(client, referrer, coordinator):
    placement_request, offer = offered(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    [row] = selectors.coordinator_queue(membership=membership)["offered"]
    assert row.deadline == offer.deadline and not row.overdue
    assert row.time_left["working_days"] == naive_working_days(
        timezone.localdate(), timezone.localtime(offer.deadline, AMS).date()
    )
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()
    assert "Antwoord aanbieder uiterlijk" in html and "Termijn verstreken" not in html


@pytest.mark.django_db
def test_overdue_offer_is_marked_in_words_not_colour_alone(client, referrer, coordinator):
    placement_request, offer = offered(referrer, coordinator)
    past = timezone.now() - datetime.timedelta(days=6)
    Offer.objects.filter(pk=offer.pk).update(created_at=past - datetime.timedelta(days=1), deadline=past)
    queue = selectors.coordinator_queue(membership=coordinator_membership(coordinator))
    [row] = queue["near_deadline"]
    assert row.overdue and row.time_left["working_days"] >= 3 and not queue["offered"]  # shown once
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()
    start = html.index(f'data-request-id="{placement_request.pk}"')
    row_html = html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]
    assert "queue-row--overdue" in row_html
    assert "Termijn verstreken" in row_html and "werkdagen over tijd" in row_html


# --- owner ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assign_to_me_then_reassign_then_nobody(referrer, coordinator, twente):
    placement_request = submitted(referrer)
    colleague = member(Role.COORDINATOR, regions=[twente])
    membership = coordinator_membership(coordinator)
    services.request_owner_set(
        placement_request=placement_request, owner_id=coordinator.pk, by=coordinator, membership=membership
    )
    placement_request.refresh_from_db()
    assert placement_request.owner == coordinator
    assert not OutboxMessage.objects.filter(recipient=coordinator, subject__contains="toegewezen").exists()
    services.request_owner_set(
        placement_request=placement_request, owner_id=colleague.pk, by=coordinator, membership=membership
    )
    placement_request.refresh_from_db()
    assert placement_request.owner == colleague
    assert OutboxMessage.objects.filter(recipient=colleague, subject__contains=placement_request.reference).exists()
    services.request_owner_set(
        placement_request=placement_request, owner_id=None, by=coordinator, membership=membership
    )
    placement_request.refresh_from_db()
    assert placement_request.owner is None
    changes = [e.details for e in events_for(placement_request) if e.event_type == "request_owner_changed"]
    assert changes == [
        {"from": None, "to": coordinator.pk},
        {"from": coordinator.pk, "to": colleague.pk},
        {"from": colleague.pk, "to": None},
    ]


@pytest.mark.django_db
def test_owner_must_be_a_coordinator_of_the_region(referrer, coordinator, coordinator_drenthe):
    placement_request = submitted(referrer)
    membership = coordinator_membership(coordinator)
    for outsider in (coordinator_drenthe, referrer):
        with pytest.raises(Invalid) as error:
            services.request_owner_set(
                placement_request=placement_request, owner_id=outsider.pk, by=coordinator, membership=membership
            )
        assert [p["name"] for p in error.value.invalid_params] == ["owner"]
    with pytest.raises(Forbidden):  # a coordinator of another region does not act here
        services.request_owner_set(
            placement_request=placement_request,
            owner_id=coordinator_drenthe.pk,
            by=coordinator_drenthe,
            membership=coordinator_membership(coordinator_drenthe),
        )
    placement_request.refresh_from_db()
    assert placement_request.owner is None
    assert not [e for e in events_for(placement_request) if e.event_type == "request_owner_changed"]


@pytest.mark.django_db
def test_closed_request_gets_no_owner(referrer, coordinator):
    placement_request = submitted(referrer)
    membership = coordinator_membership(coordinator)
    intake_services.request_triage(
        placement_request=placement_request,
        decision="close",
        outcome="ambulant_care",
        by=coordinator,
        membership=membership,
    )
    with pytest.raises(TransitionNotAllowed):
        services.request_owner_set(
            placement_request=placement_request, owner_id=coordinator.pk, by=coordinator, membership=membership
        )


@pytest.mark.django_db
def test_owner_html_assign_reassign_and_role_matrix(client, referrer, coordinator, coordinator_drenthe, twente):
    placement_request = submitted(referrer)
    colleague = member(Role.COORDINATOR, regions=[twente], first_name="Fleur", last_name="Kamp")
    url = f"/requests/{placement_request.pk}/owner/"
    # Wrong role 403, outsider coordinator 404; nothing written.
    client.force_login(referrer)
    assert client.post(url, {"owner": str(referrer.pk)}).status_code == 403
    client.force_login(coordinator_drenthe)
    assert client.post(url, {"owner": str(coordinator_drenthe.pk)}).status_code == 404
    placement_request.refresh_from_db()
    assert placement_request.owner is None
    # Assign to me from the queue: back to the queue, owner shown.
    client.force_login(coordinator)
    response = client.post(url, {"owner": str(coordinator.pk), "back": "queue"})
    assert response.status_code == 302 and response["Location"] == "/coordinator/"
    placement_request.refresh_from_db()
    assert placement_request.owner == coordinator
    html = client.get("/coordinator/").content.decode()
    row = html[html.index(f'data-request-id="{placement_request.pk}"') :]
    assert "(u)" in row[: row.index("</tr>")]
    # Reassign on the request page.
    response = client.post(url, {"owner": str(colleague.pk)})
    assert response.status_code == 302 and response["Location"] == f"/requests/{placement_request.pk}/"
    placement_request.refresh_from_db()
    assert placement_request.owner == colleague
    assert "In behandeling bij Fleur Kamp" in client.get(response["Location"]).content.decode()
    # A non-coordinator: 422, the message next to the owner field, nothing written.
    response = client.post(url, {"owner": str(referrer.pk)})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_owner-error"' in html and 'aria-invalid="true"' in html
    placement_request.refresh_from_db()
    assert placement_request.owner == colleague


@pytest.mark.django_db
def test_owner_api(api, referrer, coordinator, coordinator_drenthe, twente):
    placement_request = submitted(referrer)
    colleague = member(Role.COORDINATOR, regions=[twente])
    url = f"/api/v1/requests/{placement_request.pk}/owner"
    response = api.as_user(coordinator).post(url, {"owner": colleague.pk}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == colleague.pk
    assert api.as_user(coordinator).get(f"/api/v1/requests/{placement_request.pk}").json()["owner"] == colleague.pk
    for bad in ({"owner": referrer.pk}, {"owner": coordinator_drenthe.pk}, {"owner": "abc"}, {}, {"owner": 10**9}):
        response = api.as_user(coordinator).post(url, bad, format="json")
        assert response.status_code == 422, bad
        assert response["Content-Type"].startswith("application/problem+json")
        assert [p["name"] for p in response.json()["invalid_params"]] == ["owner"], bad
    assert api.as_user(referrer).post(url, {"owner": coordinator.pk}, format="json").status_code == 403
    assert api.as_user(coordinator_drenthe).post(url, {"owner": None}, format="json").status_code == 404
    placement_request.refresh_from_db()
    assert placement_request.owner == colleague
    response = api.as_user(coordinator).post(url, {"owner": None}, format="json")
    assert response.status_code == 200 and response.json()["owner"] is None


# --- filters and search ----------------------------------------------------------------------


@pytest.mark.django_db
def test_filters_status_urgency_owner_kind_municipality(client, referrer, coordinator, twente):
    regular = submitted(referrer)
    urgent = submitted(referrer, urgency="urgent", municipality_code="GM0164")  # Hengelo
    matching = in_matching(referrer, coordinator)
    colleague = member(Role.COORDINATOR, regions=[twente])
    membership = coordinator_membership(coordinator)
    services.request_owner_set(
        placement_request=regular, owner_id=coordinator.pk, by=coordinator, membership=membership
    )
    services.request_owner_set(placement_request=urgent, owner_id=colleague.pk, by=coordinator, membership=membership)
    client.force_login(coordinator)

    def shown(**params):
        html = client.get("/coordinator/", params).content.decode()
        return {r.pk for r in (regular, urgent, matching) if f'data-request-id="{r.pk}"' in html}

    assert shown() == {regular.pk, urgent.pk, matching.pk}
    assert shown(status="matching") == {matching.pk}
    assert shown(urgency="urgent") == {urgent.pk}
    assert shown(owner="mine") == {regular.pk}
    assert shown(owner="nobody") == {matching.pk}
    assert shown(owner=str(colleague.pk)) == {urgent.pk}
    assert shown(kind="transfer") == set()
    assert shown(kind="first_placement") == {regular.pk, urgent.pk, matching.pk}
    hengelo = Municipality.objects.get(code="GM0164")
    assert shown(municipality=str(hengelo.pk)) == {urgent.pk}
    assert shown(status="submitted", owner="mine") == {regular.pk}
    # A value that is not a choice: the message next to that filter, the others still apply.
    response = client.get("/coordinator/", {"status": "bogus", "urgency": "urgent"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_status-error"' in html and f'data-request-id="{urgent.pk}"' in html
    assert f'data-request-id="{regular.pk}"' not in html


@pytest.mark.django_db
def test_search_on_request_number_never_on_names(client, referrer, coordinator):
    wanted = submitted(referrer)
    other = submitted(referrer)
    client.force_login(coordinator)
    for query in (wanted.reference, wanted.reference.lower(), str(wanted.pk), f"PV {wanted.pk}"):
        html = client.get("/coordinator/", {"q": query}).content.decode()
        assert f'data-request-id="{wanted.pk}"' in html, query
        assert f'data-request-id="{other.pk}"' not in html, query
    # The youth's names (encrypted at rest) never match, not even a part of them.
    youth = wanted.youth
    for query in (youth.family_name, youth.given_names, youth.full_name, youth.family_name[:4]):
        html = client.get("/coordinator/", {"q": query}).content.decode()
        assert 'data-request-id="' not in html, query
        assert 'id="search-hint"' in html


# --- transfers and re-entries ------------------------------------------------------------------


@pytest.mark.django_db
def test_transfer_and_reentry_are_marked(client, referrer, coordinator):
    first = submitted(referrer)
    again = submitted(referrer)
    # Another helper links the youth across requests; here the second request is simply
    # given the first one's youth.
    PlacementRequest.objects.filter(pk=again.pk).update(youth=first.youth)
    transfer = make_request(referrer)
    PlacementRequest.objects.filter(pk=transfer.pk).update(kind=Kind.TRANSFER, previous_request=first)
    intake_services.request_submit(placement_request=transfer, by=referrer, membership=referrer.memberships.get())
    fresh = submitted(referrer)
    rows = {r.pk: r for r in selectors.coordinator_queue(membership=coordinator_membership(coordinator))["new"]}
    assert (rows[first.pk].is_reentry, rows[first.pk].is_transfer) == (False, False)  # the first one is not
    assert (rows[again.pk].is_reentry, rows[again.pk].is_transfer) == (True, False)
    assert (rows[transfer.pk].is_reentry, rows[transfer.pk].is_transfer) == (False, True)
    assert (rows[fresh.pk].is_reentry, rows[fresh.pk].is_transfer) == (False, False)
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()

    def row(r):
        start = html.index(f'data-request-id="{r.pk}"')
        return html[start : html.index("</tr>", start)]

    assert "Eerder aangemeld" in row(again) and "Doorplaatsing" not in row(again)
    assert "Doorplaatsing" in row(transfer) and "Eerder aangemeld" not in row(transfer)
    assert "Eerder aangemeld" not in row(fresh) and "Doorplaatsing" not in row(fresh)


# --- queries ---------------------------------------------------------------------------------


def _queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/coordinator/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_queue_issues_a_constant_number_of_queries(client, referrer, coordinator, twente):
    membership = coordinator_membership(coordinator)
    colleague = member(Role.COORDINATOR, regions=[twente])

    def batch():
        a = submitted(referrer)
        services.request_owner_set(placement_request=a, owner_id=colleague.pk, by=coordinator, membership=membership)
        offered(referrer, coordinator)
        b = submitted(referrer)
        PlacementRequest.objects.filter(pk=b.pk).update(youth=a.youth)  # a re-entry

    batch()
    client.force_login(coordinator)
    client.get("/coordinator/")  # warm the session and the caches
    small = _queue_queries(client)
    for _ in range(3):
        batch()
    assert PlacementRequest.objects.filter(region=twente).count() == 12
    assert _queue_queries(client) == small


# --- the referrer's list ------------------------------------------------------------------------


@pytest.mark.django_db
def test_referrer_list_puts_open_requests_first_by_urgency_and_waiting(client, referrer, coordinator):
    today = timezone.localdate()
    draft = make_request(referrer)
    old = submitted(referrer, referral_date=today - datetime.timedelta(days=30))
    urgent = submitted(referrer, referral_date=today - datetime.timedelta(days=2), urgency="urgent")
    closed = submitted(referrer)
    intake_services.request_triage(
        placement_request=closed,
        decision="close",
        outcome="ambulant_care",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    rows = selectors.referrer_requests(membership=referrer.memberships.get())
    assert [r.pk for r in rows] == [urgent.pk, old.pk, draft.pk, closed.pk]
    assert rows[1].working_days_waiting == naive_working_days(old.referral_date, today)
    assert rows[2].working_days_waiting is None and rows[3].working_days_waiting is None
    client.force_login(referrer)
    html = client.get("/referrer/").content.decode()
    row = html[html.index(f'data-request-id="{old.pk}"') :]
    assert f"{rows[1].working_days_waiting} werkdag" in row[: row.index("</tr>")]


@pytest.mark.django_db
def test_placed_request_no_longer_counts_as_waiting(referrer, coordinator):
    placement_request, offer = offered(referrer, coordinator)
    staff = member(Role.PROVIDER, organisation=offer.provider)
    services.offer_accept(offer=offer, by=staff, membership=staff.memberships.get())
    services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    queue = selectors.coordinator_queue(membership=coordinator_membership(coordinator))
    [row] = queue["placed"]
    assert row.pk == placement_request.pk and row.working_days_waiting is None
