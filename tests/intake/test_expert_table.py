"""Issue 11, point 5a: records of the expert table (experttafel / RET). The coordinator
records a meeting of a request at the expert table; its decision moves the request
through triage; the record is part of the dossier (request page, timeline, API)."""

import datetime

import pytest
from django.db import ProgrammingError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from intake import services as intake_services
from intake.models import ExpertTableMeeting, ExpertTableParticipant, Status
from tests.placement.factories import make_request
from tests.placement.test_api_output import assert_documented

PARTICIPANTS = [
    {"role": "coordinator", "organisation": "Coördinatiepunt Twente"},
    {"role": "behavioural_scientist", "organisation": "Pool gedragswetenschappers Twente"},
    {"role": "parents", "organisation": ""},
]


def at_expert_table(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    return intake_services.request_triage(
        placement_request=placement_request,
        decision="expert_table",
        reason="Behoefte onduidelijk",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )


def record(placement_request, coordinator, **overrides):
    values = {
        "held_on": timezone.localdate(),
        "participants": PARTICIPANTS,
        "advice": "Eerst traumabehandeling, dan een behandelgroep",
        "decision": "matching",
        "motivation": "De behoefte is nu helder",
        "outcome": "",
    }
    values.update(overrides)
    return intake_services.expert_table_meeting_record(
        placement_request=placement_request,
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
        **values,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "outcome", "status"),
    [
        ("matching", "", Status.MATCHING),
        ("return", "", Status.RETURNED),
        ("close", "ambulant_care", Status.CLOSED),
    ],
)
def test_the_decision_moves_the_request_through_triage(referrer, coordinator, decision, outcome, status):
    placement_request = at_expert_table(referrer, coordinator)
    told_before = OutboxMessage.objects.filter(recipient=referrer).count()
    meeting = record(placement_request, coordinator, decision=decision, outcome=outcome)
    placement_request.refresh_from_db()
    assert placement_request.status == status and meeting.status_after == status
    assert placement_request.status_reason == "De behoefte is nu helder"
    assert placement_request.outcome == outcome
    assert [(p.role, p.organisation) for p in meeting.participants.all()] == [
        (p["role"], p["organisation"]) for p in PARTICIPANTS
    ]
    events = list(events_for(placement_request))
    assert [e.event_type for e in events[-2:]] == ["expert_table_meeting_recorded", "request_triaged"]
    assert (events[-1].from_state, events[-1].to_state) == (Status.EXPERT_TABLE, status)
    assert events[-2].details["meeting_id"] == meeting.pk
    assert OutboxMessage.objects.filter(recipient=referrer).count() > told_before


@pytest.mark.django_db
def test_a_crisis_decision_stays_at_the_table_until_the_crisis_placement_is_registered(referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    meeting = record(placement_request, coordinator, decision="crisis")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.EXPERT_TABLE and meeting.status_after == Status.EXPERT_TABLE
    assert [e.event_type for e in events_for(placement_request)][-1] == "expert_table_meeting_recorded"


@pytest.mark.django_db
def test_several_meetings_the_latest_decision_moves_the_request(referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    first = record(placement_request, coordinator, decision="adjourned", motivation="Eerst advies school")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.EXPERT_TABLE and first.status_after == Status.EXPERT_TABLE
    second = record(placement_request, coordinator, decision="return", motivation="Analyse aanvullen")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.RETURNED
    assert list(placement_request.expert_table_meetings.all()) == [first, second]
    # Not at the expert table any more: no further record.
    with pytest.raises(TransitionNotAllowed):
        record(placement_request, coordinator)
    assert ExpertTableMeeting.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_move_writes_no_record(referrer, coordinator):
    """Matching needs a complete dossier (the triage rule): the meeting is not kept either."""
    placement_request = at_expert_table(referrer, coordinator)
    placement_request.safety_plan.delete()
    events_before = len(events_for(placement_request))
    with pytest.raises(Invalid) as error:
        record(placement_request, coordinator, decision="matching")
    assert error.value.code == "incomplete"
    placement_request.refresh_from_db()
    assert placement_request.status == Status.EXPERT_TABLE
    assert ExpertTableMeeting.objects.count() == 0 and ExpertTableParticipant.objects.count() == 0
    assert len(events_for(placement_request)) == events_before


@pytest.mark.django_db
def test_every_problem_of_a_meeting_at_once(referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    with pytest.raises(Invalid) as error:
        record(
            placement_request,
            coordinator,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            participants=[{"role": "provider", "organisation": " "}, {"role": "chair", "organisation": "X"}],
            advice=" ",
            decision="close",
            motivation="",
            outcome="",
        )
    names = sorted(p["name"] for p in error.value.invalid_params)
    assert names == sorted(
        ["held_on", "participants.0.organisation", "participants.1.role", "advice", "motivation", "outcome"]
    )
    with pytest.raises(Invalid) as error:
        record(placement_request, coordinator, participants=[], decision="matching", outcome="help_at_home")
    assert sorted(p["name"] for p in error.value.invalid_params) == ["outcome", "participants"]
    assert ExpertTableMeeting.objects.count() == 0


@pytest.mark.django_db
def test_only_the_regions_coordinator_records(referrer, coordinator, coordinator_drenthe):
    placement_request = at_expert_table(referrer, coordinator)
    from core.errors import Forbidden

    for user, role in ((coordinator_drenthe, Role.COORDINATOR), (referrer, Role.REFERRER)):
        with pytest.raises(Forbidden):
            intake_services.expert_table_meeting_record(
                placement_request=placement_request,
                by=user,
                membership=membership_with_role(user, role),
                held_on=timezone.localdate(),
                participants=PARTICIPANTS,
                advice="a",
                decision="matching",
                motivation="b",
            )
    assert ExpertTableMeeting.objects.count() == 0


@pytest.mark.django_db
def test_the_record_is_never_changed(referrer, coordinator):
    meeting = record(at_expert_table(referrer, coordinator), coordinator, decision="adjourned")
    with pytest.raises(ProgrammingError), transaction.atomic():
        ExpertTableMeeting.objects.filter(pk=meeting.pk).update(advice="anders")
    with pytest.raises(ProgrammingError), transaction.atomic():
        ExpertTableParticipant.objects.filter(meeting=meeting).delete()
    meeting.refresh_from_db()
    assert meeting.advice.startswith("Eerst traumabehandeling")


# --- the screens ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_with_a_crisis_decision_leads_to_the_crisis_registration(client, referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    client.force_login(coordinator)
    response = client.post(
        f"/coordinator/requests/{placement_request.pk}/expert-table/",
        {
            "held_on": timezone.localdate().isoformat(),
            "participant_1_role": "coordinator",
            "participant_1_organisation": "Coördinatiepunt Twente",
            "advice": "Vandaag nog een veilige plek",
            "decision": "crisis",
            "motivation": "Thuis is het niet meer veilig",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/coordinator/crisis-placements/new/?request={placement_request.pk}"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_the_form_records_a_meeting_and_the_dossier_shows_it(client, referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    client.force_login(coordinator)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Bespreking vastleggen" in page
    url = f"/coordinator/requests/{placement_request.pk}/expert-table/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "participant_1_role": "coordinator",
            "participant_1_organisation": "Coördinatiepunt Twente",
            "participant_3_role": "municipality",
            "participant_3_organisation": "Gemeente Enschede",
            "advice": "Eerst gezinsbehandeling proberen",
            "decision": "close",
            "outcome": "ambulant_care",
            "motivation": "Ambulant is nog niet geprobeerd",
        },
    )
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.status == Status.CLOSED and placement_request.outcome == "ambulant_care"
    meeting = ExpertTableMeeting.objects.get()
    assert [p.role for p in meeting.participants.all()] == ["coordinator", "municipality"]
    for user in (coordinator, referrer):
        client.force_login(user)
        page = client.get(f"/requests/{placement_request.pk}/").content.decode()
        assert "Eerst gezinsbehandeling proberen" in page and "Gemeente, Gemeente Enschede" in page
        assert "Bespreking experttafel vastgelegd" in page  # the timeline
        assert "Bespreking vastleggen" not in page  # no longer at the expert table


@pytest.mark.django_db
def test_the_form_shows_every_error_next_to_its_field_and_writes_nothing(client, referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    client.force_login(coordinator)
    url = f"/coordinator/requests/{placement_request.pk}/expert-table/"
    response = client.post(
        url,
        {
            "held_on": "",
            "participant_2_role": "provider",  # slot 1 empty, slot 2 without its organisation
            "participant_2_organisation": "",
            "advice": "",
            "decision": "close",
            "outcome": "",
            "motivation": "",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("held_on", "participant_2_organisation", "advice", "outcome", "motivation"):
        assert f'id="id_{field}-error"' in page, field
    assert 'id="id_participant_1_role-error"' not in page  # the second slot counts as a participant
    response = client.post(url, {"decision": "matching"})
    page = response.content.decode()
    assert response.status_code == 422 and 'id="id_participant_1_role-error"' in page
    assert 'id="id_held_on-error"' in page and 'id="id_motivation-error"' in page
    placement_request.refresh_from_db()
    assert placement_request.status == Status.EXPERT_TABLE and ExpertTableMeeting.objects.count() == 0


@pytest.mark.django_db
def test_the_form_is_for_the_regions_coordinator_only(client, referrer, coordinator, coordinator_drenthe):
    placement_request = at_expert_table(referrer, coordinator)
    url = f"/coordinator/requests/{placement_request.pk}/expert-table/"
    client.force_login(referrer)
    assert client.get(url).status_code == 403
    client.force_login(coordinator_drenthe)
    assert client.get(url).status_code == 404


# --- the API ------------------------------------------------------------------------------


def _body(**overrides):
    body = {
        "held_on": timezone.localdate().isoformat(),
        "participants": PARTICIPANTS,
        "advice": "Behandelgroep met traumaspecialisatie",
        "decision": "matching",
        "motivation": "Past bij de analyse",
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_the_api_records_a_meeting_and_the_request_detail_carries_it(api, referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    url = f"/api/v1/requests/{placement_request.pk}/expert-table-meetings"
    response = api.as_user(coordinator).post(url, _body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status_after"] == "matching"
    assert_documented("POST", url, 201, response.json())
    for user in (coordinator, referrer):
        detail = api.as_user(user).get(f"/api/v1/requests/{placement_request.pk}").json()
        assert detail["status"] == "matching"
        assert_documented("GET", f"/api/v1/requests/{placement_request.pk}", 200, detail)
        [meeting] = detail["expert_table_meetings"]
        assert meeting["decision"] == "matching" and meeting["participants"][2] == {
            "role": "parents",
            "organisation": "",
        }
    events = api.as_user(referrer).get(f"/api/v1/requests/{placement_request.pk}/events").json()
    assert "expert_table_meeting_recorded" in [e["event_type"] for e in events]


@pytest.mark.django_db
def test_the_api_refuses_wrong_roles_outsiders_and_wrong_states(api, referrer, coordinator, coordinator_drenthe):
    placement_request = at_expert_table(referrer, coordinator)
    url = f"/api/v1/requests/{placement_request.pk}/expert-table-meetings"
    assert api.as_user(referrer).post(url, _body(), format="json").status_code == 403
    assert api.as_user(coordinator_drenthe).post(url, _body(), format="json").status_code == 404
    submitted = make_request(referrer, submit=True)
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{submitted.pk}/expert-table-meetings", _body(), format="json"
    )
    assert response.status_code == 409 and response.json()["type"].endswith("not_at_expert_table")
    assert ExpertTableMeeting.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_to_the_api_names_every_field_and_writes_nothing(api, referrer, coordinator):
    placement_request = at_expert_table(referrer, coordinator)
    url = f"/api/v1/requests/{placement_request.pk}/expert-table-meetings"
    response = api.as_user(coordinator).post(
        url,
        _body(
            participants=[{"role": "coordinator", "organisation": "CP"}, {"role": "provider"}, {"role": "x"}],
            advice="",
            decision="close",
            motivation=" ",
        ),
        format="json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    names = sorted(p["name"] for p in response.json()["invalid_params"])
    assert names == sorted(["participants.1.organisation", "participants.2.role", "advice", "motivation", "outcome"])
    for body, name in (
        (_body(held_on="gisteren"), "held_on"),
        (_body(decision="later"), "decision"),
        (_body(chair="X"), "chair"),
        (_body(participants="coördinator"), "participants"),
    ):
        response = api.as_user(coordinator).post(url, body, format="json")
        assert response.status_code == 422, body
        assert name in [p["name"] for p in response.json()["invalid_params"]], response.json()
    placement_request.refresh_from_db()
    assert placement_request.status == Status.EXPERT_TABLE and ExpertTableMeeting.objects.count() == 0


@pytest.mark.django_db
def test_the_records_are_in_the_youths_inzage(client, admin_user, referrer, coordinator):
    from privacy.selectors import inzage_data

    placement_request = at_expert_table(referrer, coordinator)
    record(placement_request, coordinator, decision="adjourned", motivation="Eerst advies school")
    (request_data,) = inzage_data(placement_request.youth)["requests"]
    (meeting,) = request_data["expert_table_meetings"]
    assert meeting["decision"] == "adjourned" and meeting["motivation"] == "Eerst advies school"
    assert [p["role"] for p in meeting["participants"]] == [p["role"] for p in PARTICIPANTS]
