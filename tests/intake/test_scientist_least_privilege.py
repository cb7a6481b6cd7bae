"""Least privilege for behavioural scientists (issue 10, point 4): the youth's identity
(names, BSN, birth date, address, guardians, documents) only while an assignment is
accepted by them and active; nothing identifying before acceptance, after the end
(completed, the request closed or withdrawn) or in another region."""

import pytest

from accounts.models import Membership, Role
from accounts.selectors import membership_with_role
from core.errors import Forbidden
from core.events import events_for
from core.models import AccessLogEntry
from intake import services as intake_services
from intake.models import AnalysisAssignment
from tests.placement.factories import make_request
from tests.placement.identity import assert_no_identity, identity_found

QUESTION = "Graag hulp bij de werkhypothesen"


def _assign(coordinator, placement_request):
    return intake_services.assignment_request(
        placement_request=placement_request,
        question=QUESTION,
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )


def _accept(scientist, assignment):
    return intake_services.assignment_accept(
        assignment=assignment, by=scientist, membership=membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    )


def _reads(client, api, scientist, placement_request, assignment):
    """Everything a behavioural scientist could open about the request: (where, response)."""
    client.force_login(scientist)
    api.as_user(scientist)
    document = placement_request.documents.get()
    return [
        ("assignment page", client.get(f"/behavioural-scientist/assignments/{assignment.pk}/")),
        ("home page", client.get("/behavioural-scientist/")),
        ("request page", client.get(f"/requests/{placement_request.pk}/")),
        ("document", client.get(f"/requests/{placement_request.pk}/documents/{document.pk}/")),
        ("api detail", api.get(f"/api/v1/requests/{placement_request.pk}")),
        ("api list", api.get("/api/v1/requests")),
        ("api events", api.get(f"/api/v1/requests/{placement_request.pk}/events")),
        ("api document", api.get(f"/api/v1/requests/{placement_request.pk}/documents/{document.pk}")),
    ]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.fixture
def scientist(make_member, twente):
    return make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])


@pytest.fixture
def assigned(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    return placement_request, _assign(coordinator, placement_request)


@pytest.mark.django_db
def test_an_open_assignment_shows_the_question_but_nothing_identifying(client, api, scientist, assigned):
    placement_request, assignment = assigned
    reads = dict(_reads(client, api, scientist, placement_request, assignment))
    page = reads.pop("assignment page")
    assert page.status_code == 200
    assert QUESTION in page.content.decode() and "Opdracht aannemen" in page.content.decode()
    assert placement_request.reference in page.content.decode()
    assert_no_identity(page, placement_request.youth, "open assignment page")
    assert reads.pop("home page").status_code == 200
    assert reads.pop("api list").json()["results"] == []
    for where, response in reads.items():
        assert response.status_code == 404, where
    assert not AccessLogEntry.objects.filter(user=scientist, outcome="allowed").exists()
    # Writing the analysis through the API before acceptance is refused too.
    response = api.patch(f"/api/v1/requests/{placement_request.pk}/analysis", {"goals": "x"}, format="json")
    assert response.status_code == 404
    assert placement_request.analysis_versions.count() == 1


@pytest.mark.django_db
def test_an_accepted_active_assignment_shows_the_identity_and_logs_each_read(client, api, scientist, assigned):
    placement_request, assignment = assigned
    _accept(scientist, assignment)
    youth = placement_request.youth
    for where, response in _reads(client, api, scientist, placement_request, assignment):
        assert response.status_code == 200, where
    page = client.get(f"/behavioural-scientist/assignments/{assignment.pk}/")
    assert {"bsn", "full name", "birth date", "street"} <= set(identity_found(page, youth))
    detail = api.get(f"/api/v1/requests/{placement_request.pk}").json()
    assert "bsn" in identity_found(detail, youth)
    logged = AccessLogEntry.objects.filter(
        user=scientist, subject_type="placement.youth", subject_id=youth.pk, purpose="analysis_support"
    )
    assert {entry.details.get("view") for entry in logged} >= {"assignment", "detail", "api"}
    assert AccessLogEntry.objects.filter(user=scientist, purpose="document_download").count() == 2


def _close(placement_request, *, referrer, coordinator, scientist, assignment):
    intake_services.request_triage(
        placement_request=placement_request,
        decision="close",
        outcome="help_at_home",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )


def _withdraw(placement_request, *, referrer, coordinator, scientist, assignment):
    intake_services.request_withdraw(
        placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )


def _complete(placement_request, *, referrer, coordinator, scientist, assignment):
    membership = membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    intake_services.analysis_save(
        placement_request=placement_request,
        data={"goals": "Scherper"},
        by=scientist,
        membership=membership,
        partial=True,
    )
    intake_services.assignment_complete(assignment=assignment, by=scientist, membership=membership, note="klaar")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "end, status",
    [(_close, "cancelled"), (_withdraw, "cancelled"), (_complete, "completed")],
    ids=["triage-close", "withdraw", "complete"],
)
def test_the_end_of_the_assignment_ends_every_read(
    client, api, referrer, coordinator, scientist, assigned, end, status
):
    placement_request, assignment = assigned
    _accept(scientist, assignment)
    end(placement_request, referrer=referrer, coordinator=coordinator, scientist=scientist, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.status == status
    if status == "cancelled":
        ended = [e for e in events_for(placement_request) if e.event_type == "assignment_ended"]
        assert len(ended) == 1 and ended[0].details["assignment_id"] == assignment.pk
        assert ended[0].from_state == "accepted" and ended[0].to_state == "cancelled"
    logged_before = AccessLogEntry.objects.filter(user=scientist, outcome="allowed").count()
    reads = dict(_reads(client, api, scientist, placement_request, assignment))
    home = reads.pop("home page")
    assert home.status_code == 200 and placement_request.reference not in home.content.decode()
    assert reads.pop("api list").json()["results"] == []
    for where, response in reads.items():
        assert response.status_code == 404, where
        assert_no_identity(_body(response), placement_request.youth, where)
    # Nothing was read; every refused read is on record as denied.
    assert AccessLogEntry.objects.filter(user=scientist, outcome="allowed").count() == logged_before
    assert AccessLogEntry.objects.filter(user=scientist, outcome="refused").exists()


@pytest.mark.django_db
def test_closing_a_request_also_ends_an_assignment_nobody_accepted_yet(
    client, referrer, coordinator, scientist, assigned
):
    placement_request, assignment = assigned
    _close(placement_request, referrer=referrer, coordinator=coordinator, scientist=scientist, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    client.force_login(scientist)
    assert client.get(f"/behavioural-scientist/assignments/{assignment.pk}/").status_code == 404
    assert client.post(f"/behavioural-scientist/assignments/{assignment.pk}/accept/").status_code == 404


@pytest.mark.django_db
def test_an_accepted_assignment_left_on_a_closed_request_opens_nothing(client, api, scientist, assigned):
    """Defence in depth (and the state migration 0003 cleans up): the request must be open
    too, whatever the assignment row says."""
    placement_request, assignment = assigned
    _accept(scientist, assignment)
    type(placement_request).objects.filter(pk=placement_request.pk).update(status="closed", outcome="other")
    for where, response in _reads(client, api, scientist, placement_request, assignment):
        if where == "home page":
            continue
        if where == "api list":
            assert response.json()["results"] == []
            continue
        assert response.status_code == 404, where


@pytest.mark.django_db
def test_another_regions_request_is_a_404(client, api, make_member, drenthe, twente, scientist, assigned):
    placement_request, assignment = assigned
    elsewhere = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    for where, response in _reads(client, api, elsewhere, placement_request, assignment):
        if where in ("home page", "api list"):
            assert placement_request.reference not in _body(response), where
            continue
        assert response.status_code == 404, where
    # Accepting through the service is refused as well.
    with pytest.raises(Forbidden):
        _accept(elsewhere, assignment)
    # A scientist who accepted and then moved to another region loses the dossier.
    _accept(scientist, assignment)
    Membership.objects.get(user=scientist).regions.set([drenthe])
    for where, response in _reads(client, api, scientist, placement_request, assignment):
        if where in ("home page", "api list"):
            assert placement_request.reference not in _body(response), where
            continue
        assert response.status_code == 404, where
    assert AnalysisAssignment.objects.get(pk=assignment.pk).status == "accepted"


@pytest.mark.django_db
def test_migration_0003_cancels_assignments_left_active_on_closed_requests(scientist, assigned, referrer, coordinator):
    import importlib

    from django.apps import apps

    placement_request, assignment = assigned
    _accept(scientist, assignment)
    still_open = make_request(referrer, submit=True)
    other = _assign(coordinator, still_open)
    type(placement_request).objects.filter(pk=placement_request.pk).update(status="closed", outcome="other")
    migration = importlib.import_module("intake.migrations.0003_end_assignments_of_closed_requests")
    migration.cancel_ended(apps, None)
    assert AnalysisAssignment.objects.get(pk=assignment.pk).status == "cancelled"
    assert AnalysisAssignment.objects.get(pk=other.pk).status == "open"
