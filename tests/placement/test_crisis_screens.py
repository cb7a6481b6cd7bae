"""Issue 11 point 1: the crisis registration form and POST /api/v1/crisis-placements, the
follow-up on the coordinator's home and on the request page, and the crisis figure in
the reports. Bad input: every error at once (next to its field / named in problem+json)
and nothing written; outsiders 404, wrong role 403."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Municipality, Role
from capacity.models import Facility
from intake.models import PlacementRequest, Status, Youth
from placement import services
from placement.deadlines import AMSTERDAM
from placement.models import Placement
from tests.accounts.factories import member
from tests.placement.factories import coordinator_membership, fitting_facility, make_request


def counts():
    return (Youth.objects.count(), PlacementRequest.objects.count(), Placement.objects.count())


def org_of(user):
    return user.memberships.get().organisation


def local_now():
    return timezone.localtime(timezone.now(), AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def occupied(facility):
    return Facility.objects.get(pk=facility.pk).occupied_internal


# --- the form --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_home_links_the_form_and_lists_the_dossier_due(client, referrer, coordinator):
    client.force_login(coordinator)
    home = client.get("/coordinator/").content.decode()
    assert "/coordinator/crisis-placements/new/" in home
    facility = fitting_facility()
    page = client.get("/coordinator/crisis-placements/new/")
    assert page.status_code == 200 and facility.name in page.content.decode()
    response = client.post(
        "/coordinator/crisis-placements/new/",
        {
            "facility": facility.pk,
            "started_at": local_now(),
            "municipality": Municipality.objects.get(code="GM0153").pk,
            "referrer_organisation": org_of(referrer).pk,
            "gender": "unknown",
            "given_names": "Noor",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    placement_request = PlacementRequest.objects.get(status=Status.CRISIS)
    assert response["Location"] == f"/requests/{placement_request.pk}/"
    assert occupied(facility) == 1
    home = client.get("/coordinator/").content.decode()
    due = placement_request.crisis_dossier_due
    assert f'data-request="{placement_request.pk}"' in home
    assert "dossier volgt, uiterlijk" in home and f"{due.day} " in home
    assert "crisis-overdue" not in home
    PlacementRequest.objects.filter(pk=placement_request.pk).update(
        crisis_dossier_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    home = client.get("/coordinator/").content.decode()
    assert "crisis-overdue" in home and "te laat" in home
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert 'id="crisis-dossier-due"' in page and facility.name in page
    client.force_login(referrer)  # the referrer sees it and can complete it
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "dossier volgt, uiterlijk" in page and f"/referrer/requests/{placement_request.pk}/youth/" in page


@pytest.mark.django_db
def test_form_bad_input_shows_every_error_next_to_its_field_and_writes_nothing(client, coordinator):
    client.force_login(coordinator)
    fitting_facility()
    rows = counts()
    response = client.post(
        "/coordinator/crisis-placements/new/",
        {"facility": "", "started_at": "gisteren", "municipality": "", "referrer_organisation": "", "bsn": "123"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    for name in ("facility", "started_at", "municipality", "referrer_organisation", "bsn"):
        assert f'id="id_{name}-error"' in body, name
    assert 'aria-invalid="true"' in body
    assert counts() == rows


@pytest.mark.django_db
def test_form_full_facility_error_is_next_to_the_facility(client, referrer, coordinator):
    client.force_login(coordinator)
    facility = fitting_facility(free=0)
    rows = counts()
    response = client.post(
        "/coordinator/crisis-placements/new/",
        {
            "facility": facility.pk,
            "started_at": local_now(),
            "municipality": Municipality.objects.get(code="GM0153").pk,
            "referrer_organisation": org_of(referrer).pk,
            "gender": "unknown",
        },
    )
    assert response.status_code == 422 and 'id="id_facility-error"' in response.content.decode()
    assert counts() == rows


@pytest.mark.django_db
def test_triage_decision_crisis_leads_to_the_prefilled_registration(client, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    client.force_login(coordinator)
    response = client.post(f"/requests/{placement_request.pk}/triage/", {"decision": "crisis"})
    assert response.status_code == 302
    assert response["Location"] == f"/coordinator/crisis-placements/new/?request={placement_request.pk}"
    page = client.get(response["Location"]).content.decode()
    assert placement_request.reference in page and 'name="municipality"' not in page  # the request's data
    facility = fitting_facility()
    response = client.post(
        "/coordinator/crisis-placements/new/",
        {"request": placement_request.pk, "facility": facility.pk, "started_at": local_now()},
    )
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.status == Status.CRISIS and placement_request.placement.facility_id == facility.pk
    response = client.post(f"/requests/{placement_request.pk}/crisis-submit/")  # complete: the coordinator submits
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert f"/requests/{placement_request.pk}/crisis-triage/" in page
    response = client.post(f"/requests/{placement_request.pk}/crisis-triage/", {"decision": "stay"})
    placement_request.refresh_from_db()
    assert placement_request.status == Status.PLACED


@pytest.mark.django_db
def test_form_is_for_coordinators_and_their_own_requests(client, referrer, coordinator, coordinator_drenthe):
    client.force_login(referrer)
    assert client.get("/coordinator/crisis-placements/new/").status_code == 403
    placement_request = make_request(referrer, submit=True)
    client.force_login(coordinator_drenthe)
    assert client.get(f"/coordinator/crisis-placements/new/?request={placement_request.pk}").status_code == 404


# --- the API ---------------------------------------------------------------------------------


def body(referrer, facility, **overrides):
    data = {
        "youth": {"municipality": Municipality.objects.get(code="GM0153").pk, "given_names": "Noor"},
        "referrer_organisation": org_of(referrer).pk,
        "facility": facility.pk,
        "started_at": timezone.now().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_api_registers_a_crisis_placement(api, referrer, coordinator):
    facility = fitting_facility()
    response = api.as_user(coordinator).post("/api/v1/crisis-placements", body(referrer, facility), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    placement_request = PlacementRequest.objects.get(pk=data["request"])
    assert data["kind"] == "crisis" and data["request_status"] == "crisis" and data["facility"]["id"] == facility.pk
    assert data["dossier_due"] == placement_request.crisis_dossier_due.isoformat()
    assert occupied(facility) == 1


@pytest.mark.django_db
def test_api_bad_input_names_every_field_and_writes_nothing(api, referrer, coordinator):
    facility = fitting_facility()
    rows = counts()
    response = api.as_user(coordinator).post(
        "/api/v1/crisis-placements",
        {
            "youth": {"municipality": None, "bsn": "123", "birth_date": "morgen"},
            "facility": None,
            "started_at": "nu",
            "colour": "rood",
        },
        format="json",
    )
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"youth.municipality", "youth.birth_date", "facility", "started_at", "colour"} <= names
    # the rules too, for what could be read (no referrer, the BSN's elfproef)
    response = api.as_user(coordinator).post(
        "/api/v1/crisis-placements",
        body(referrer, facility, referrer_organisation=None, youth={"municipality": 1, "bsn": "123456789"}),
        format="json",
    )
    assert response.status_code == 422
    assert {"referrer_organisation", "youth.bsn", "youth.municipality"} <= {
        p["name"] for p in response.json()["invalid_params"]
    }
    assert counts() == rows and occupied(facility) == 0


@pytest.mark.django_db
def test_api_full_facility_is_409_naming_the_facility(api, referrer, coordinator):
    facility = fitting_facility(free=0)
    rows = counts()
    response = api.as_user(coordinator).post("/api/v1/crisis-placements", body(referrer, facility), format="json")
    assert response.status_code == 409 and response.json()["type"].endswith("no_free_place")
    assert [p["name"] for p in response.json()["invalid_params"]] == ["facility"]
    assert counts() == rows


@pytest.mark.django_db
def test_api_wrong_role_403_outsider_404(api, referrer, coordinator, coordinator_drenthe):
    facility = fitting_facility()
    rows = counts()
    response = api.as_user(referrer).post("/api/v1/crisis-placements", body(referrer, facility), format="json")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")
    assert api.as_user(member(Role.PROVIDER)).post("/api/v1/crisis-placements", {}, format="json").status_code == 403
    placement_request = make_request(referrer, submit=True)
    response = api.as_user(coordinator_drenthe).post(
        "/api/v1/crisis-placements",
        {"request": placement_request.pk, "facility": facility.pk, "started_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert counts() == (rows[0] + 1, rows[1] + 1, rows[2])  # only the request made above
    response = api.as_user(coordinator).post(
        "/api/v1/crisis-placements",
        {"request": placement_request.pk, "facility": facility.pk, "started_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 201 and response.json()["request"] == placement_request.pk


@pytest.mark.django_db
def test_openapi_documents_the_crisis_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/crisis-placements"]


# --- reports ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_crisis_placements_count_as_placements_with_their_own_figure(referrer, coordinator, twente):
    from reporting.reports import waiting
    from reporting.reports.common import scope_from_params

    services.crisis_placement_register(
        by=coordinator,
        membership=coordinator_membership(coordinator),
        facility_id=fitting_facility().pk,
        started_at=timezone.now(),
        youth=services.CrisisYouth(municipality_id=Municipality.objects.get(code="GM0153").pk),
        referrer_organisation_id=org_of(referrer).pk,
    )
    membership = coordinator_membership(coordinator)
    today = timezone.localdate()
    params = {"from": (today - datetime.timedelta(days=30)).isoformat(), "to": today.isoformat()}
    tables = waiting.build(scope_from_params(membership, params))
    summary = {row["figure"]: row["value"] for row in tables[0].rows}
    assert summary["Plaatsingen gestart"] == summary["Waarvan crisisplaatsingen"] == 1  # exact for a coordinator


@pytest.mark.django_db
def test_api_coordinator_submits_and_triages_the_follow_up(api, referrer, coordinator, coordinator_drenthe):
    placement_request = make_request(referrer, submit=True)
    facility = fitting_facility()
    response = api.as_user(coordinator).post(
        "/api/v1/crisis-placements",
        {"request": placement_request.pk, "facility": facility.pk, "started_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 201
    submit = f"/api/v1/requests/{placement_request.pk}/crisis-submit"
    triage = f"/api/v1/requests/{placement_request.pk}/crisis-triage"
    assert api.as_user(referrer).post(submit).status_code == 403
    assert api.as_user(coordinator_drenthe).post(submit).status_code == 404
    assert api.as_user(coordinator).post(triage, {"decision": "longer_term"}, format="json").status_code == 409
    response = api.as_user(coordinator).post(submit)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = api.as_user(coordinator).post(triage, {"decision": "elsewhere"}, format="json")
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["decision"]
    response = api.as_user(coordinator).post(triage, {"decision": "longer_term"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "matching"
    placement_request.refresh_from_db()
    assert placement_request.status == Status.PLACED


@pytest.mark.django_db
def test_provider_inbox_lists_the_crisis_placement_without_an_offer(client, referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    services.crisis_placement_register(
        by=coordinator,
        membership=coordinator_membership(coordinator),
        facility_id=facility.pk,
        started_at=timezone.now(),
        youth=services.CrisisYouth(municipality_id=Municipality.objects.get(code="GM0153").pk),
        referrer_organisation_id=org_of(referrer).pk,
    )
    client.force_login(staff)
    response = client.get("/provider/offers/")
    assert response.status_code == 200 and "Crisisplaatsing" in response.content.decode()
