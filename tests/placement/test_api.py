"""The requests API: create, read, documents, submit, triage, withdraw, events; the role
matrix (right role works, wrong role 403, outsider 404 and nothing changes); bad input."""

import datetime

import pytest

from accounts.models import Organisation, Region, Role
from core.models import AccessLogEntry, Event, OutboxMessage
from intake.models import Document, PlacementRequest, Status, Youth
from tests.placement.factories import ANALYSIS, PDF, make_request, pdf_upload

NEED = {
    k: ANALYSIS[k]
    for k in ("care_types", "specialisations", "intensity", "security", "max_distance_km", "school_continuity")
}
SECTIONS = {k: v for k, v in ANALYSIS.items() if k not in NEED}


def create_body(**overrides):
    body = {
        "youth": {
            "given_names": "Noor",
            "family_name": "Bakker",
            "birth_date": "2011-03-04",
            "gender": "female",
            "bsn": "123456782",
            "address": "Marktstraat 2",
            "postcode": "7511 AA",
            "city": "Enschede",
            "municipality": "GM0153",
            "school": "Bonhoeffer College",
            "guardians": [{"name": "Karin Bakker", "relationship": "moeder", "has_authority": True}],
        },
        "urgency": "urgent",
        "wishes": {"youth": "Ik wil bij mijn zus in de buurt blijven.", "parents": "Dichtbij huis."},
        "analysis": {**SECTIONS, "need_profile": NEED},
        "perspective_plan": {"goal": "Behandeling", "expected_duration_months": 6, "return_perspective": "home"},
        "safety_plan": {"risks": "Weglopen", "agreements": "Dagelijks bellen"},
        "alternatives": [{"form": "ambulant", "description": "MST een jaar", "why_insufficient": "Escalatie bleef"}],
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_referrer_creates_a_complete_draft_and_submits(api, referrer, coordinator, private_media):
    api.as_user(referrer)
    response = api.post("/api/v1/requests", create_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "status", "referral_date", "region", "kind"} <= set(body)
    assert (body["status"], body["referral_date"], body["region"], body["kind"]) == (
        "draft",
        None,
        "JZ14",
        "first_placement",
    )
    assert body["youth"]["bsn"] == "123456782"
    assert body["analysis"]["version"] == 1 and body["analysis"]["need_profile"]["intensity"] == "M"
    assert [m["name"] for m in body["missing"]] == ["zorgvraag"]
    upload = api.post(
        f"/api/v1/requests/{body['id']}/documents",
        {"file": pdf_upload(), "kind": "zorgvraag", "title": "Dossier"},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    stored = Document.objects.get()
    assert stored.path.is_file() and str(stored.path).startswith(str(private_media))
    submitted = api.post(f"/api/v1/requests/{body['id']}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["referral_date"] == datetime.date.today().isoformat()
    # The coordinator of Twente sees it in the list, without identifying data.
    listing = api.as_user(coordinator).get("/api/v1/requests")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [r["id"] for r in rows] == [body["id"]]
    assert "youth" not in rows[0] and "Bakker" not in listing.content.decode()


@pytest.mark.django_db
def test_create_is_all_or_nothing(api, referrer):
    body = create_body(perspective_plan={"goal": "", "expected_duration_months": 6, "return_perspective": "home"})
    response = api.as_user(referrer).post("/api/v1/requests", body, format="json")
    assert response.status_code == 422
    assert PlacementRequest.objects.count() == 0 and Youth.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "youth_change, field",
    [
        ({"bsn": "123456789"}, "youth.bsn"),
        ({"birth_date": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()}, "youth.birth_date"),
        ({"municipality": "GM9999"}, "youth.municipality"),
        ({"legal_status": "machtiging_gj"}, "youth.machtiging_end_date"),
        ({"gender": "q"}, "youth.gender"),
    ],
)
def test_bad_youth_input_is_422_naming_the_field(api, referrer, youth_change, field):
    body = create_body()
    body["youth"].update(youth_change)
    response = api.as_user(referrer).post("/api/v1/requests", body, format="json")
    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalid_params"]]
    assert PlacementRequest.objects.count() == 0


@pytest.mark.django_db
def test_analysis_without_need_profile_on_create_is_422(api, referrer):
    response = api.as_user(referrer).post("/api/v1/requests", create_body(analysis=SECTIONS), format="json")
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["analysis.need_profile"]
    assert PlacementRequest.objects.count() == 0


@pytest.mark.django_db
def test_unknown_field_is_named(api, referrer):
    response = api.as_user(referrer).post("/api/v1/requests", create_body(status="matching"), format="json")
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["status"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, code",
    [
        (b"<html><script>alert(1)</script></html>", "nep.pdf", "not_pdf"),
        (b"MZ\x90\x00 executable", "virus.pdf", "not_pdf"),
        (PDF + b"x" * 2048, "groot.pdf", "too_large"),
    ],
)
def test_non_pdf_or_oversized_upload_is_refused(api, referrer, settings, private_media, content, name, code):
    settings.MAX_UPLOAD_BYTES = 1024
    placement_request = make_request(referrer, complete=False)
    response = api.as_user(referrer).post(
        f"/api/v1/requests/{placement_request.pk}/documents",
        {"file": pdf_upload(name, content), "kind": "zorgvraag"},
        format="multipart",
    )
    assert response.status_code == 422
    problem = response.json()["invalid_params"][0]
    assert problem["name"] == "file"
    assert not Document.objects.exists()
    assert not any((private_media / "documents").glob("*")) if (private_media / "documents").exists() else True
    assert code in response.json()["type"]


@pytest.mark.django_db
def test_detail_and_download_write_the_access_log(api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    before = AccessLogEntry.objects.count()
    detail = api.as_user(coordinator).get(f"/api/v1/requests/{placement_request.pk}")
    assert detail.status_code == 200
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.user, entry.role, entry.purpose, entry.subject_type, entry.subject_id) == (
        coordinator,
        "coordinator",
        "triage",
        "placement.youth",
        placement_request.youth_id,
    )
    document = detail.json()["documents"][0]
    download = api.get(document["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf" and "no-store" in download["Cache-Control"]
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry.purpose == "document_download" and entry.details["document"] == document["id"]


@pytest.mark.django_db
def test_role_matrix(api, make_member, referrer, coordinator, coordinator_drenthe, twente):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    pk = placement_request.pk
    other_referrer = make_member(Role.REFERRER)
    provider = make_member(Role.PROVIDER)
    contract_manager = make_member(Role.CONTRACT_MANAGER, regions=[twente])
    scientist = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])  # no assignment: outsider
    reads = [
        f"/api/v1/requests/{pk}",
        f"/api/v1/requests/{pk}/events",
        f"/api/v1/requests/{pk}/documents/{document.pk}",
    ]
    writes = [
        ("post", f"/api/v1/requests/{pk}/submit", {}),
        ("post", f"/api/v1/requests/{pk}/withdraw", {"reason": "x"}),
        ("post", f"/api/v1/requests/{pk}/triage", {"decision": "matching"}),
        ("patch", f"/api/v1/requests/{pk}/analysis", {"goals": "x"}),
        ("patch", f"/api/v1/requests/{pk}", {"urgency": "urgent"}),
    ]
    reads_allowed = AccessLogEntry.objects.filter(outcome="allowed")  # refused reads are logged as denied
    state = lambda: (PlacementRequest.objects.get(pk=pk).status, Event.objects.count(), reads_allowed.count())  # noqa: E731
    # Wrong roles: 403 for everything, including the list.
    for user in (provider, contract_manager):
        before = state()
        assert api.as_user(user).get("/api/v1/requests").status_code == 403
        for url in reads:
            assert api.get(url).status_code == 403, url
        for method, url, data in writes:
            assert getattr(api, method)(url, data, format="json").status_code == 403, url
        assert state() == before
    # Outsiders with a role that reads requests: 404 for someone else's request where
    # their role may act at all, 403 where it may not; nothing changes or is logged.
    submit, withdraw, triage, analysis, update = (url for _method, url, _data in writes)
    acts_on = {
        other_referrer: {submit, withdraw, analysis, update},
        coordinator_drenthe: {triage, withdraw},  # a coordinator withdraws accepted requests
        scientist: {analysis},
    }
    for user, own_actions in acts_on.items():
        before = state()
        assert api.as_user(user).get("/api/v1/requests").json()["results"] == []
        for url in reads:
            assert api.get(url).status_code == 404, (user, url)
        for method, url, data in writes:
            expected = 404 if url in own_actions else 403
            assert getattr(api, method)(url, data, format="json").status_code == expected, (user, url)
        assert state() == before
    # The right roles.
    assert api.as_user(referrer).get(f"/api/v1/requests/{pk}").status_code == 200
    assert api.as_user(coordinator).get(f"/api/v1/requests/{pk}").status_code == 200
    response = api.as_user(coordinator).post(f"/api/v1/requests/{pk}/triage", {"decision": "matching"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "matching"


@pytest.mark.django_db
def test_triage_input_rules(api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    url = f"/api/v1/requests/{placement_request.pk}/triage"
    api.as_user(coordinator)
    assert [p["name"] for p in api.post(url, {"decision": "return"}, format="json").json()["invalid_params"]] == [
        "reason"
    ]
    assert [p["name"] for p in api.post(url, {"decision": "close"}, format="json").json()["invalid_params"]] == [
        "outcome"
    ]
    assert [p["name"] for p in api.post(url, {"decision": "sleep"}, format="json").json()["invalid_params"]] == [
        "decision"
    ]
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.SUBMITTED
    response = api.post(
        url, {"decision": "close", "outcome": "help_at_home", "reason": "Thuis opgelost"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("closed", "help_at_home")
    message = OutboxMessage.objects.filter(recipient=referrer, channel="in_app").order_by("-id").first()
    assert "Afgesloten" in message.subject and "Thuis opgelost" in message.body
    events = api.as_user(referrer).get(f"/api/v1/requests/{placement_request.pk}/events").json()
    assert [e["event_type"] for e in events][-2:] == ["request_submitted", "request_triaged"]
    assert events[-1]["reason"] == "Thuis opgelost" and events[-1]["to_state"] == "closed"


@pytest.mark.django_db
def test_return_and_resubmit_then_withdraw(api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    pk = placement_request.pk
    api.as_user(coordinator).post(
        f"/api/v1/requests/{pk}/triage", {"decision": "return", "reason": "Veiligheidsplan te summier"}, format="json"
    )
    api.as_user(referrer)
    detail = api.get(f"/api/v1/requests/{pk}").json()
    assert detail["status"] == "returned" and detail["status_reason"] == "Veiligheidsplan te summier"
    patched = api.patch(
        f"/api/v1/requests/{pk}",
        {"safety_plan": {"risks": "Weglopen, middelengebruik", "agreements": "Nieuwe afspraken"}},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["safety_plan"]["risks"].startswith("Weglopen, middel")
    assert api.post(f"/api/v1/requests/{pk}/submit").json()["status"] == "submitted"
    withdrawn = api.post(f"/api/v1/requests/{pk}/withdraw", {"reason": "Gezin verhuisd"}, format="json")
    assert withdrawn.status_code == 200 and (withdrawn.json()["status"], withdrawn.json()["outcome"]) == (
        "closed",
        "withdrawn",
    )
    assert api.post(f"/api/v1/requests/{pk}/withdraw", {}, format="json").status_code == 409


@pytest.mark.django_db
def test_possible_double_registration_is_shown_to_the_coordinator(
    api, make_member, referrer, coordinator, coordinator_drenthe
):
    from tests.placement.factories import youth_data

    first = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    other_org = make_member(Role.REFERRER)
    second = make_request(
        other_org, submit=True, municipality_code="GM0106", youth=youth_data("GM0106", bsn="111222333")
    )
    unrelated = make_request(referrer, submit=True, youth=youth_data(bsn="999999990"))
    drenthe_point = coordinator_drenthe.memberships.get().organisation
    Organisation.objects.filter(pk=drenthe_point.pk).update(email="regie@drenthe.example.org", phone="0592 123 456")
    response = api.as_user(coordinator).get(f"/api/v1/requests/{first.pk}")
    # In Drenthe, which this coordinator does not cover: the region and its contact only.
    assert response.json()["possible_duplicates"] == [
        {
            "visible": False,
            "region": "JZ04",
            "region_name": "Drenthe",
            "id": None,
            "status": None,
            "referral_date": None,
            "referrer_organisation": None,
            "contact": {
                "organisation": drenthe_point.name,
                "email": "regie@drenthe.example.org",
                "phone": "0592 123 456",
            },
        }
    ]
    text = response.content.decode()
    assert second.reference not in text and second.referrer_organisation.name not in text
    # A coordinator who covers Drenthe too sees the request itself.
    both = make_member(Role.COORDINATOR, regions=list(Region.objects.filter(code__in=["JZ14", "JZ04"])))
    shown = api.as_user(both).get(f"/api/v1/requests/{first.pk}").json()["possible_duplicates"]
    assert [(d["visible"], d["id"], d["region"], d["contact"]) for d in shown] == [(True, second.pk, "JZ04", None)]
    assert shown[0]["referrer_organisation"] == second.referrer_organisation.name
    api.as_user(coordinator)
    assert api.get(f"/api/v1/requests/{unrelated.pk}").json()["possible_duplicates"] == []
    # Without BSN: same family name and birth date.
    named = youth_data(bsn="")
    a = make_request(referrer, submit=True, youth=named)
    b = make_request(
        other_org,
        submit=True,
        youth={
            **youth_data(bsn=""),
            "family_name": named["family_name"].upper(),
            "birth_date": named["birth_date"],
        },
    )
    assert [d["id"] for d in api.get(f"/api/v1/requests/{a.pk}").json()["possible_duplicates"]] == [b.pk]
    # Referrers do not get the flag (it would reveal other organisations' work).
    assert "possible_duplicates" not in api.as_user(referrer).get(f"/api/v1/requests/{first.pk}").json()


@pytest.mark.django_db
def test_html_in_free_text_is_stored_as_typed_and_returned_as_data(api, referrer):
    script = '<script>alert("x")</script><b>vet</b>'
    body = create_body(wishes={"youth": script, "parents": ""})
    response = api.as_user(referrer).post("/api/v1/requests", body, format="json")
    assert response.json()["wishes"]["youth"] == script
    assert PlacementRequest.objects.get().wishes_youth == script


@pytest.mark.django_db
def test_openapi_lists_the_request_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/requests",
        "/api/v1/requests/{id}",
        "/api/v1/requests/{id}/analysis",
        "/api/v1/requests/{id}/documents",
        "/api/v1/requests/{id}/submit",
        "/api/v1/requests/{id}/triage",
        "/api/v1/requests/{id}/withdraw",
        "/api/v1/requests/{id}/events",
    ]:
        path = path.removeprefix("/api/v1")  # paths are relative to `servers` (…/api/v1)
        assert path.replace("{id}", "{pk}") in paths or path in paths, path


@pytest.mark.django_db
def test_possible_duplicates_in_a_hidden_region_are_one_entry_without_request_details(
    api, make_member, referrer, coordinator
):
    from tests.placement.factories import youth_data

    first = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    elsewhere = [
        make_request(make_member(Role.REFERRER), submit=True, youth=youth_data("GM0106", bsn="111222333"))
        for _ in range(2)
    ]
    response = api.as_user(coordinator).get(f"/api/v1/requests/{first.pk}")
    duplicates = response.json()["possible_duplicates"]
    # Two requests in Drenthe, which has no coordination organisation here: one entry, no contact.
    assert duplicates == [
        {
            "visible": False,
            "region": "JZ04",
            "region_name": "Drenthe",
            "id": None,
            "status": None,
            "referral_date": None,
            "referrer_organisation": None,
            "contact": None,
        }
    ]
    text = response.content.decode()
    for other in elsewhere:
        assert other.reference not in text and f'"id": {other.pk}' not in text
