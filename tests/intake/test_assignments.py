"""A coordinator asks the behavioural-scientist pool for help; the scientist accepts,
writes a new analysis version and completes; all of it is recorded."""

import pytest

from accounts.models import Role
from core.events import events_for
from core.models import AccessLogEntry, OutboxMessage
from intake.models import AnalysisAssignment
from tests.placement.factories import make_request


@pytest.mark.django_db
def test_assignment_is_requested_accepted_and_completed_with_a_version(
    client, make_member, referrer, coordinator, twente, drenthe
):
    scientist = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])
    scientist_drenthe = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    placement_request = make_request(referrer, submit=True)
    client.force_login(coordinator)
    client.post(f"/requests/{placement_request.pk}/assignment/", {"question": "Hypothesen aanscherpen"})
    assignment = AnalysisAssignment.objects.get()
    assert assignment.status == "open"
    assert OutboxMessage.objects.filter(recipient=scientist, subject__contains=placement_request.reference).exists()
    # Only the pool of the request's region sees it.
    client.force_login(scientist_drenthe)
    assert placement_request.reference not in client.get("/behavioural-scientist/").content.decode()
    assert client.get(f"/behavioural-scientist/assignments/{assignment.pk}/").status_code == 404
    client.force_login(scientist)
    assert placement_request.reference in client.get("/behavioural-scientist/").content.decode()
    page = client.get(f"/behavioural-scientist/assignments/{assignment.pk}/")
    assert page.status_code == 200 and "Opdracht aannemen" in page.content.decode()
    # Before acceptance the scientist reads nothing identifying (nothing to log).
    assert not AccessLogEntry.objects.filter(user=scientist).exists()
    # Completing before writing anything is refused.
    client.post(f"/behavioural-scientist/assignments/{assignment.pk}/accept/")
    client.get(f"/behavioural-scientist/assignments/{assignment.pk}/")
    assert AccessLogEntry.objects.filter(user=scientist, purpose="analysis_support").exists()
    client.post(f"/behavioural-scientist/assignments/{assignment.pk}/complete/", {"note": "klaar"})
    assignment.refresh_from_db()
    assert assignment.status == "accepted" and assignment.assigned_to == scientist
    response = client.post(
        f"/behavioural-scientist/assignments/{assignment.pk}/",
        {
            "analysis-presenting_problems": "a",
            "analysis-origins": "b",
            "analysis-maintaining_factors": "c",
            "analysis-protective_factors": "d",
            "analysis-hypotheses": "Scherpere hypothese",
            "analysis-goals": "f",
            "need-care_types": ["behandelgroep"],
            "need-intensity": "M",
            "need-security": "open",
        },
    )
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.analysis.version == 2 and placement_request.analysis.hypotheses == "Scherpere hypothese"
    assert placement_request.analysis.created_by == scientist and placement_request.analysis.assignment == assignment
    client.post(f"/behavioural-scientist/assignments/{assignment.pk}/complete/", {"note": "Zie versie 2"})
    assignment.refresh_from_db()
    assert assignment.status == "completed" and assignment.completed_version == placement_request.analysis
    types = [e.event_type for e in events_for(placement_request)]
    assert types[-4:] == [
        "assignment_requested",
        "assignment_accepted",
        "analysis_version_created",
        "assignment_completed",
    ]
    assert OutboxMessage.objects.filter(recipient=coordinator, subject__contains="afgerond").exists()
    # After completion the scientist can no longer write versions.
    response = client.post(f"/behavioural-scientist/assignments/{assignment.pk}/", {"analysis-goals": "later"})
    assert response.status_code == 404
    assert placement_request.analysis_versions.count() == 2


@pytest.mark.django_db
def test_only_coordinators_ask_and_only_one_assignment_at_a_time(client, api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    client.force_login(referrer)
    assert client.post(f"/requests/{placement_request.pk}/assignment/", {"question": "x"}).status_code == 403
    client.force_login(coordinator)
    client.post(f"/requests/{placement_request.pk}/assignment/", {"question": "eerste"})
    client.post(f"/requests/{placement_request.pk}/assignment/", {"question": "tweede"})
    assert list(AnalysisAssignment.objects.values_list("question", flat=True)) == ["eerste"]
