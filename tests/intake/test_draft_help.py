"""Issue 11, point 4: a referrer asks the behavioural-scientist pool for help with a draft
that has no (complete) analysis; a scientist of the region takes it, writes the analysis,
marks the help done; the referrer submits through the unchanged gate. The waiting time is
shown to the referrer, on the pool's list (oldest first) and as figures."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import AccessLogEntry, OutboxMessage
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import SECTION_FIELDS, AnalysisAssignment, Status
from tests.placement.factories import ANALYSIS, PERSPECTIVE, SAFETY, make_request, pdf_upload
from tests.placement.test_api_output import assert_documented

AMS = datetime.timezone(datetime.timedelta(hours=1))  # Amsterdam in winter (CET)


def draft_without_analysis(referrer):
    """A draft with everything the gate asks for except the explanatory analysis."""
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer, complete=False)
    intake_services.perspective_plan_save(
        placement_request=placement_request, data=dict(PERSPECTIVE), by=referrer, membership=membership
    )
    intake_services.safety_plan_save(
        placement_request=placement_request, data=dict(SAFETY), by=referrer, membership=membership
    )
    intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload(),
        kind="zorgvraag",
        title="Zorgvraag",
        by=referrer,
        membership=membership,
    )
    placement_request.refresh_from_db()
    return placement_request


def ask(placement_request, referrer, question="Wij hebben nog geen analyse; wilt u meeschrijven?"):
    return intake_services.draft_help_request(
        placement_request=placement_request,
        question=question,
        by=referrer,
        membership=membership_with_role(referrer, Role.REFERRER),
    )


def accept(assignment, scientist):
    return intake_services.assignment_accept(
        assignment=assignment, by=scientist, membership=membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    )


ANALYSIS_POST = {
    "analysis-presenting_problems": "Veel conflicten thuis",
    "analysis-origins": "Sinds de verhuizing",
    "analysis-maintaining_factors": "Geen dagbesteding",
    "analysis-protective_factors": "Sportclub",
    "analysis-hypotheses": "Hechtingsproblematiek",
    "analysis-goals": "Rust en school",
    "analysis-made_with_family": "on",
    "need-care_types": ["behandelgroep"],
    "need-intensity": "M",
    "need-security": "open",
}


@pytest.fixture
def scientist(make_member, twente):
    return make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])


@pytest.mark.django_db
def test_help_on_a_draft_from_asking_to_submission(client, referrer, scientist, make_member, drenthe, coordinator):
    other_pool = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    placement_request = draft_without_analysis(referrer)
    # Without an analysis the gate refuses submission.
    assert any(item["name"] == "analysis" for item in intake_services.request_missing_items(placement_request))
    client.force_login(referrer)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Hulp vragen aan de pool" in page
    response = client.post(f"/requests/{placement_request.pk}/analysis-help/", {"question": "Graag hulp bij de VA"})
    assert response.status_code == 302
    assignment = AnalysisAssignment.objects.get()
    assert assignment.before_submission and assignment.status == "open" and assignment.requested_by == referrer
    assert OutboxMessage.objects.filter(recipient=scientist, subject__contains=placement_request.reference).exists()
    assert not OutboxMessage.objects.filter(recipient=other_pool).exists()
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "wacht 0 werkdagen" in page and "Hulp vragen aan de pool" not in page

    # The pool sees the question and the reference, not the draft, until someone takes it.
    client.force_login(other_pool)
    assert client.get(f"/behavioural-scientist/assignments/{assignment.pk}/").status_code == 404
    client.force_login(scientist)
    assert placement_request.reference in client.get("/behavioural-scientist/").content.decode()
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 404
    assert not AccessLogEntry.objects.filter(user=scientist, purpose="analysis_support").exists()  # no read
    client.post(f"/behavioural-scientist/assignments/{assignment.pk}/accept/")
    assignment.refresh_from_db()
    assert assignment.status == "accepted" and assignment.accepted_at is not None
    assert OutboxMessage.objects.filter(recipient=referrer, subject__contains="gedragswetenschapper helpt").exists()
    # Taken: the scientist reads the draft (logged) and writes its analysis.
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(user=scientist, purpose="analysis_support").exists()
    response = client.post(f"/behavioural-scientist/assignments/{assignment.pk}/", ANALYSIS_POST)
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.status == Status.DRAFT
    assert placement_request.analysis.created_by == scientist and placement_request.analysis.assignment == assignment
    client.post(f"/behavioural-scientist/assignments/{assignment.pk}/complete/", {"note": "Samen met moeder"})
    assignment.refresh_from_db()
    assert assignment.status == "completed" and assignment.completed_version == placement_request.analysis
    assert OutboxMessage.objects.filter(recipient=referrer, subject__contains="afgerond").exists()
    # Done: the scientist's access ends.
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 404

    # The referrer submits as usual.
    client.force_login(referrer)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Samen met moeder" in page and "afgerond op" in page
    client.post(f"/requests/{placement_request.pk}/submit/")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED
    types = [e.event_type for e in events_for(placement_request)]
    assert types[-5:] == [
        "assignment_requested",
        "assignment_accepted",
        "analysis_version_created",
        "assignment_completed",
        "request_submitted",
    ]


@pytest.mark.django_db
def test_the_gate_stays_while_the_pool_helps(referrer, scientist):
    placement_request = draft_without_analysis(referrer)
    accept(ask(placement_request, referrer), scientist)
    with pytest.raises(Invalid):
        intake_services.request_submit(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.DRAFT


@pytest.mark.django_db
def test_withdrawing_the_draft_ends_the_help_and_the_access(client, referrer, scientist):
    placement_request = draft_without_analysis(referrer)
    assignment = accept(ask(placement_request, referrer), scientist)
    client.force_login(scientist)
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 200
    intake_services.request_withdraw(
        placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 404
    assert client.get(f"/behavioural-scientist/assignments/{assignment.pk}/").status_code == 404
    response = client.post(f"/behavioural-scientist/assignments/{assignment.pk}/", ANALYSIS_POST)
    assert response.status_code == 404
    assert placement_request.analysis_versions.count() == 0


@pytest.mark.django_db
def test_a_draft_counts_only_for_help_asked_before_submission(referrer, scientist):
    """The one identity rule: a draft opens to a scientist only through help the referrer
    asked for it (a coordinator's assignment on a draft, which no service makes, would not)."""
    placement_request = draft_without_analysis(referrer)
    assignment = accept(ask(placement_request, referrer), scientist)
    membership = membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    assert list(intake_selectors.identity_assignments(membership)) == [assignment]
    AnalysisAssignment.objects.filter(pk=assignment.pk).update(before_submission=False)
    assert list(intake_selectors.identity_assignments(membership)) == []


@pytest.mark.django_db
def test_help_is_refused_where_it_does_not_apply(api, referrer, coordinator, scientist):
    complete = make_request(referrer)  # a draft whose analysis is complete
    submitted = make_request(referrer, submit=True)
    draft = draft_without_analysis(referrer)
    ask(draft, referrer)
    for placement_request, code in (
        (complete, "analysis_complete"),
        (submitted, "not_a_draft"),
        (draft, "assignment_active"),
    ):
        response = api.as_user(referrer).post(
            f"/api/v1/requests/{placement_request.pk}/analysis-help", {"question": "Help"}, format="json"
        )
        assert response.status_code == 409, placement_request
        assert response.json()["type"].endswith(code)
    assert AnalysisAssignment.objects.count() == 1


@pytest.mark.django_db
def test_the_api_who_may_ask_and_take(api, make_member, referrer, coordinator, scientist, drenthe):
    placement_request = draft_without_analysis(referrer)
    url = f"/api/v1/requests/{placement_request.pk}/analysis-help"
    assert api.as_user(coordinator).post(url, {"question": "x"}, format="json").status_code == 403
    outsider = make_member(Role.REFERRER)  # another referrer organisation
    assert api.as_user(outsider).post(url, {"question": "x"}, format="json").status_code == 404
    assert AnalysisAssignment.objects.count() == 0
    response = api.as_user(referrer).post(url, {"question": "Graag hulp"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert_documented("POST", url, 201, body)
    assert body["before_submission"] is True and body["status"] == "open" and body["waiting_working_days"] == 0
    assert "youth" not in body
    pk = body["id"]
    listed = api.as_user(scientist).get("/api/v1/assignments").json()
    assert [row["id"] for row in listed] == [pk]
    assert_documented("GET", "/api/v1/assignments", 200, listed)
    figures = api.as_user(scientist).get("/api/v1/assignments/waiting").json()
    assert (figures["waiting"], figures["waiting_before_submission"], figures["median_waiting"]) == (1, 1, 0.0)
    assert_documented("GET", "/api/v1/assignments/waiting", 200, figures)
    assert api.as_user(referrer).get("/api/v1/assignments/waiting").status_code == 403
    other_pool = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    assert api.as_user(other_pool).post(f"/api/v1/assignments/{pk}/accept").status_code == 404
    assert api.as_user(referrer).post(f"/api/v1/assignments/{pk}/accept").status_code == 403
    assert AnalysisAssignment.objects.get().status == "open"
    response = api.as_user(scientist).post(f"/api/v1/assignments/{pk}/accept")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert_documented("POST", f"/api/v1/assignments/{pk}/accept", 200, response.json())
    # Completing before any analysis version is written: 422 naming the analysis, nothing changes.
    response = api.as_user(scientist).post(f"/api/v1/assignments/{pk}/complete", {"note": "klaar"}, format="json")
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["analysis"]
    assert AnalysisAssignment.objects.get().status == "accepted"
    analysis = {name: ANALYSIS[name] for name in SECTION_FIELDS}
    analysis["need_profile"] = {"care_types": ["behandelgroep"], "intensity": "M", "security": "open"}
    response = api.as_user(scientist).put(f"/api/v1/requests/{placement_request.pk}/analysis", analysis, format="json")
    assert response.status_code == 200, response.json()
    response = api.as_user(scientist).post(f"/api/v1/assignments/{pk}/complete", {"note": "klaar"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert_documented("POST", f"/api/v1/assignments/{pk}/complete", 200, response.json())
    response = api.as_user(referrer).post(f"/api/v1/requests/{placement_request.pk}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


@pytest.mark.django_db
def test_bad_input_to_ask_for_help_names_the_field_and_writes_nothing(client, api, referrer):
    placement_request = draft_without_analysis(referrer)
    url = f"/api/v1/requests/{placement_request.pk}/analysis-help"
    for body in ({"question": ""}, {"question": "   "}, {"question": "x" * 1001}):
        response = api.as_user(referrer).post(url, body, format="json")
        assert response.status_code == 422, body
        assert response["Content-Type"].startswith("application/problem+json")
        assert [p["name"] for p in response.json()["invalid_params"]] == ["question"]
    response = api.as_user(referrer).post(url, {"question": "x", "urgent": True}, format="json")
    assert response.status_code == 422 and "urgent" in [p["name"] for p in response.json()["invalid_params"]]
    client.force_login(referrer)
    response = client.post(f"/requests/{placement_request.pk}/analysis-help/", {"question": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_question-error"' in page and 'aria-invalid="true"' in page
    assert "(niet verplicht)" not in page  # the question is required, and not labelled otherwise
    assert AnalysisAssignment.objects.count() == 0
    assert not [e for e in events_for(placement_request) if e.event_type == "assignment_requested"]


def test_waiting_working_days_skip_weekends_and_holidays():
    # Asked on Friday 24 April 2026; Monday 27 April is King's Day.
    assignment = AnalysisAssignment(requested_at=datetime.datetime(2026, 4, 24, 10, 0, tzinfo=AMS))
    assert assignment.waiting_working_days(today=datetime.date(2026, 4, 24)) == 0
    assert assignment.waiting_working_days(today=datetime.date(2026, 4, 27)) == 0
    assert assignment.waiting_working_days(today=datetime.date(2026, 4, 28)) == 1
    # Once taken, the waiting stops at the day it was taken.
    assignment.accepted_at = datetime.datetime(2026, 4, 29, 9, 0, tzinfo=AMS)
    assert assignment.waiting_working_days(today=datetime.date(2026, 5, 20)) == 2


def _asked_on(placement_request, referrer, moment):
    assignment = ask(placement_request, referrer)
    AnalysisAssignment.objects.filter(pk=assignment.pk).update(requested_at=moment)
    return assignment


@pytest.mark.django_db
def test_the_pool_list_puts_the_longest_waiting_first_and_the_figures_count_them(client, referrer, scientist):
    today = datetime.date(2026, 11, 27)  # a Friday
    # Asked on Monday 23 (4 working days), Wednesday 25 (2) and Thursday 26 (1).
    middle = _asked_on(draft_without_analysis(referrer), referrer, datetime.datetime(2026, 11, 25, 9, tzinfo=AMS))
    oldest = _asked_on(draft_without_analysis(referrer), referrer, datetime.datetime(2026, 11, 23, 9, tzinfo=AMS))
    newest = _asked_on(draft_without_analysis(referrer), referrer, datetime.datetime(2026, 11, 26, 9, tzinfo=AMS))
    membership = membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    assert [a.pk for a in intake_selectors.assignment_list(membership=membership)] == [oldest.pk, middle.pk, newest.pk]
    figures = intake_selectors.pool_waiting(membership=membership, today=today)
    assert (figures.waiting, figures.waiting_before_submission) == (3, 3)
    assert (figures.median_waiting, figures.oldest_waiting) == (2.0, 4)
    assert figures.taken == 0 and figures.median_until_taken is None
    # Taken: it leaves the waiting figures and counts in the time until taken.
    accept(AnalysisAssignment.objects.get(pk=newest.pk), scientist)
    figures = intake_selectors.pool_waiting(membership=membership, today=today)
    assert figures.waiting == 2 and figures.median_waiting == 3.0 and figures.taken == 1
    client.force_login(scientist)
    page = client.get("/behavioural-scientist/").content.decode()
    assert page.index(oldest.request.reference) < page.index(middle.request.reference)
    assert '<dd id="pool-waiting-count">2' in page


@pytest.mark.django_db
def test_the_referrer_sees_how_long_the_help_waits(client, referrer):
    placement_request = draft_without_analysis(referrer)
    assignment = _asked_on(placement_request, referrer, timezone.now() - datetime.timedelta(days=10))
    assignment.refresh_from_db()
    days = assignment.waiting_working_days()
    assert days >= 5  # ten calendar days hold at least five working days
    client.force_login(referrer)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert f"wacht {days} werkdagen" in page


@pytest.fixture
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


@pytest.mark.django_db(transaction=True)
def test_two_scientists_taking_the_same_help_exactly_one_wins(make_member, twente, referrer, no_outbox_delivery):
    first, second = (make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente]) for _ in range(2))
    assignment = ask(draft_without_analysis(referrer), referrer)
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index, scientist):
        try:
            barrier.wait()
            results[index] = accept(assignment, scientist)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(losses) == 1 and isinstance(losses[0], TransitionNotAllowed), results
    assignment.refresh_from_db()
    winner = first if not isinstance(results[0], Exception) else second
    assert assignment.status == "accepted" and assignment.assigned_to == winner
    assert [e.event_type for e in events_for(assignment.request)].count("assignment_accepted") == 1
