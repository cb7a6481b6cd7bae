"""The exact JSON of the placement API, for every role that reads it.

A realistic scenario (a request with analysis versions, plans, documents, guardians,
alternatives and a possible double registration; offers declined, withdrawn and
accepted; a placement started and ended into a transfer; matching results in all three
groups) is driven through the API, and every response is held against a literal body:
the same keys in the same order, the same values, the same nesting, and keys that are
absent stay absent (`missing` for a referrer only while the request is editable,
`possible_duplicates` for coordinators only, `identity` for providers only and null until
their organisation accepted). Ids and timestamps are taken from the rows they name;
timestamps are written out in the two forms the API uses: the request's own timestamps in
Amsterdam time, every other timestamp in UTC with a Z.

Also the report, token and me endpoints; and the OpenAPI document: it validates, it names a
body for every JSON response, and every body checked here validates against the schema it
documents for that operation.
"""

import datetime
import functools
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator
from rest_framework.utils.encoders import JSONEncoder

from accounts.models import Organisation, Region, Role
from accounts.selectors import membership_with_role
from core.events import events_for
from intake import services as intake_services
from intake.models import Document, ExplanatoryAnalysis, PlacementRequest
from placement.models import Offer, Placement
from tests.accounts.factories import OrganisationFactory, member
from tests.capacity.factories import municipality, provider_org
from tests.placement.factories import (
    ANALYSIS,
    PDF,
    fitting_facility,
    in_matching,
    make_request,
    pdf_upload,
    youth_data,
)

pytestmark = pytest.mark.django_db

SHA256_PDF = "19e309b97e881bd32b3f6614319da21244e43f7c652908229f27ff29412cecde"


def utc(value: datetime.datetime) -> str:
    text = value.astimezone(datetime.UTC).isoformat()
    assert text.endswith("+00:00")
    return text[: -len("+00:00")] + "Z"


def amsterdam(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat()


def rendered(data) -> bytes:
    """`data` as the API renders JSON (compact, UTF-8, DRF's encoder for dates and lazy texts)."""
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def check(response, status, expected):
    """The response is `expected`: equal as data, and byte for byte (so in key order too);
    and it is what the OpenAPI document says this operation answers."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body == expected
    assert response.content == rendered(expected)
    assert_documented(response.wsgi_request.method, response.wsgi_request.path, status, body)
    return body


# --- the OpenAPI document ----------------------------------------------------------------


@functools.cache
def openapi() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def as_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def response_schema(method: str, path: str, status: int) -> dict:
    """The JSON schema the OpenAPI document gives for this response (by path template)."""
    paths = openapi()["paths"]
    path = path.removeprefix("/api/v1")  # the document's paths are relative to `servers` (…/api/v1)
    matches = [
        template
        for template in paths
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), path)
        and method.lower() in paths[template]
    ]
    if path in matches:  # a literal path wins over a template it also fits (/assignments/waiting)
        matches = [path]
    assert len(matches) == 1, (method, path, matches)
    responses = paths[matches[0]][method.lower()]["responses"]
    assert str(status) in responses, (method, path, status)
    content = responses[str(status)].get("content", {})
    assert "application/json" in content, f"{method} {matches[0]} {status} documents no JSON body"
    return content["application/json"]["schema"]


def assert_documented(method, path, status, body):
    schema = {
        "allOf": [as_json_schema(response_schema(method, path, status))],
        "components": as_json_schema(openapi()["components"]),
    }
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)


def test_openapi_document_validates_and_names_a_body_for_every_json_response():
    validate_schema(openapi())
    undocumented = [
        f"{method.upper()} {path} {status}"
        for path, operations in openapi()["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status.startswith("2") and status != "204" and not response.get("content")
    ]
    assert undocumented == []


def stamps(placement_request):
    """id and occurred_at of the request's events, oldest first."""
    return [{"id": e.pk, "occurred_at": utc(e.occurred_at)} for e in events_for(placement_request)]


def org(kind, name):
    return OrganisationFactory(kind=kind, name=name)


@pytest.fixture
def people(twente, drenthe):
    class People:
        referrer = member(Role.REFERRER, organisation=org(Organisation.Kind.REFERRER, "Wijkteam Enschede-Noord"))
        coordinator = member(
            Role.COORDINATOR,
            organisation=org(Organisation.Kind.COORDINATION, "Coördinatiepunt Twente"),
            regions=[twente],
        )
        scientist = member(
            Role.BEHAVIOURAL_SCIENTIST,
            organisation=org(Organisation.Kind.EXPERT_POOL, "Pool gedragswetenschappers Twente"),
            regions=[twente],
        )
        referrer_drenthe = member(
            Role.REFERRER, organisation=org(Organisation.Kind.REFERRER, "Jeugdbescherming Drenthe")
        )

    return People


# --- requests: referrer, coordinator, behavioural scientist -----------------------------

CREATE_BODY = {
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
        "guardians": [
            {
                "name": "Karin Bakker",
                "relationship": "moeder",
                "has_authority": True,
                "phone": "0612345678",
                "email": "karin@example.org",
            },
            {"name": "Ruud Bakker", "relationship": "vader"},
        ],
    },
    "urgency": "urgent",
    "wishes": {"youth": "Ik wil bij mijn zus in de buurt blijven.", "parents": "Dichtbij huis."},
    "analysis": {
        "presenting_problems": "Ernstige gedragsproblemen thuis en op school.",
        "origins": "Na de scheiding van de ouders escaleerde het thuis.",
        "maintaining_factors": "Overbelaste moeder, geen dagbesteding.",
        "protective_factors": "Goede band met oma; sport.",
        "hypotheses": "Onveilige hechting en trauma houden het gedrag in stand.",
        "goals": "Stabiele woonplek met traumabehandeling, terug naar school.",
        "written_by": "J. de Vries, GZ-psycholoog",
        "made_with_youth": True,
        "made_with_family": False,
        "need_profile": {
            "care_types": ["behandelgroep", "kwv-open"],
            "specialisations": ["trauma"],
            "intensity": "M",
            "security": "open",
            "preferred_region": "JZ14",
            "max_distance_km": 40,
            "school_continuity": True,
        },
    },
    "perspective_plan": {
        "goal": "Behandeling",
        "expected_duration_months": 6,
        "return_perspective": "home",
        "return_explanation": "Moeder krijgt opvoedondersteuning.",
    },
    "safety_plan": {"risks": "Weglopen", "agreements": "Dagelijks bellen", "contacts": "Crisisdienst Twente"},
    "alternatives": [
        {"form": "ambulant", "description": "MST een jaar", "why_insufficient": "Escalatie bleef"},
        {"form": "foster", "description": "Netwerkpleegzorg bij oma", "why_insufficient": "Oma kan het niet aan"},
    ],
}

YOUTH = {
    "given_names": "Noor",
    "family_name": "Bakker",
    "birth_date": "2011-03-04",
    "gender": "female",
    "bsn": "123456782",
    "address": "Marktstraat 2",
    "postcode": "7511 AA",
    "city": "Enschede",
    "municipality": "GM0153",
    "legal_status": "none",
    "machtiging_end_date": None,
    "school": "Bonhoeffer College",
    "guardians": [
        {
            "name": "Karin Bakker",
            "relationship": "moeder",
            "has_authority": True,
            "phone": "0612345678",
            "email": "karin@example.org",
        },
        {"name": "Ruud Bakker", "relationship": "vader", "has_authority": False, "phone": "", "email": ""},
    ],
}

NEED_PROFILE = {
    "care_types": ["behandelgroep", "kwv-open"],
    "specialisations": ["trauma"],
    "intensity": "M",
    "security": "open",
    "preferred_region": "JZ14",
    "max_distance_km": 40,
    "school_continuity": True,
}


def analysis_body(version: ExplanatoryAnalysis, **changes):
    body = {
        "id": version.pk,
        "version": version.version,
        "created_at": utc(version.created_at),
        "presenting_problems": "Ernstige gedragsproblemen thuis en op school.",
        "origins": "Na de scheiding van de ouders escaleerde het thuis.",
        "maintaining_factors": "Overbelaste moeder, geen dagbesteding.",
        "protective_factors": "Goede band met oma; sport.",
        "hypotheses": "Onveilige hechting en trauma houden het gedrag in stand.",
        "goals": "Stabiele woonplek met traumabehandeling, terug naar school.",
        "written_by": "J. de Vries, GZ-psycholoog",
        "made_with_youth": True,
        "made_with_family": False,
        "need_profile": NEED_PROFILE,
    }
    body.update(changes)
    return body


def document_body(document: Document, *, kind, title, shareable=False):
    return {
        "id": document.pk,
        "kind": kind,
        "title": title,
        "size": len(PDF),
        "sha256": SHA256_PDF,
        "shareable": shareable,
        "uploaded_at": utc(document.uploaded_at),
        "download": f"/api/v1/requests/{document.request_id}/documents/{document.pk}",
    }


def test_request_outputs_for_referrer_coordinator_and_behavioural_scientist(api, people):
    today = timezone.localdate().isoformat()

    # Referrer: create (editable: what is missing is listed).
    response = api.as_user(people.referrer).post("/api/v1/requests", CREATE_BODY, format="json")
    placement_request = PlacementRequest.objects.get(pk=response.json()["id"])
    pk = placement_request.pk
    v1 = placement_request.analysis
    request_fields = {
        "id": pk,
        "reference": f"PV-{pk:06d}",
        "status": "draft",
        "referral_date": None,
        "region": "JZ14",
        "kind": "first_placement",
        "urgency": "urgent",
        "outcome": "",
        "status_reason": "",
        "previous_request": None,
        "owner": None,
        "analysis_version": 1,
        "created_at": amsterdam(placement_request.created_at),
        "submitted_at": None,
        "parked_until": None,
        "parked_reason": "",
    }
    detail = {
        **request_fields,
        "youth": YOUTH,
        "referrer_organisation": "Wijkteam Enschede-Noord",
        "analysis": analysis_body(v1),
        "perspective_plan": {
            "goal": "Behandeling",
            "expected_duration_months": 6,
            "return_perspective": "home",
            "return_explanation": "Moeder krijgt opvoedondersteuning.",
        },
        "safety_plan": {"risks": "Weglopen", "agreements": "Dagelijks bellen", "contacts": "Crisisdienst Twente"},
        "wishes": {"youth": "Ik wil bij mijn zus in de buurt blijven.", "parents": "Dichtbij huis."},
        "alternatives": [
            {"form": "ambulant", "description": "MST een jaar", "why_insufficient": "Escalatie bleef"},
            {"form": "foster", "description": "Netwerkpleegzorg bij oma", "why_insufficient": "Oma kan het niet aan"},
        ],
        "documents": [],
        "expert_table_meetings": [],  # issue 11: the expert table's records
    }
    check(
        response,
        201,
        {**detail, "missing": [{"name": "zorgvraag", "reason": "Het zorgvraagdossier (PDF) ontbreekt."}]},
    )

    # Referrer: PATCH the request.
    response = api.patch(
        f"/api/v1/requests/{pk}",
        {
            "urgency": "regular",
            "wishes": {"youth": "Bij mijn zus in de buurt.", "parents": "Dichtbij huis."},
            "safety_plan": {"risks": "Weglopen, middelengebruik", "agreements": "Dagelijks bellen"},
        },
        format="json",
    )
    detail.update(
        urgency="regular",
        wishes={"youth": "Bij mijn zus in de buurt.", "parents": "Dichtbij huis."},
        safety_plan={"risks": "Weglopen, middelengebruik", "agreements": "Dagelijks bellen", "contacts": ""},
    )
    check(
        response, 200, {**detail, "missing": [{"name": "zorgvraag", "reason": "Het zorgvraagdossier (PDF) ontbreekt."}]}
    )

    # Referrer: PUT the analysis (a new version; here without a preferred region), then PATCH it.
    body = {k: v for k, v in CREATE_BODY["analysis"].items()}
    body["need_profile"] = {**NEED_PROFILE, "preferred_region": None, "max_distance_km": None}
    response = api.put(f"/api/v1/requests/{pk}/analysis", body, format="json")
    v2 = ExplanatoryAnalysis.objects.get(request=placement_request, version=2)
    check(
        response,
        200,
        analysis_body(v2, need_profile={**NEED_PROFILE, "preferred_region": None, "max_distance_km": None}),
    )
    response = api.patch(f"/api/v1/requests/{pk}/analysis", {"goals": "Terug naar school."}, format="json")
    v3 = ExplanatoryAnalysis.objects.get(request=placement_request, version=3)
    check(
        response,
        200,
        analysis_body(
            v3,
            goals="Terug naar school.",
            need_profile={**NEED_PROFILE, "preferred_region": None, "max_distance_km": None},
        ),
    )

    # Referrer: upload the zorgvraag; nothing is missing any more (the key stays, empty).
    response = api.post(
        f"/api/v1/requests/{pk}/documents",
        {"file": pdf_upload(), "kind": "zorgvraag", "title": "Zorgvraagdossier"},
        format="multipart",
    )
    zorgvraag = Document.objects.get(request=placement_request)
    check(response, 201, document_body(zorgvraag, kind="zorgvraag", title="Zorgvraagdossier"))
    detail.update(
        analysis_version=3,
        analysis=analysis_body(
            v3,
            goals="Terug naar school.",
            need_profile={**NEED_PROFILE, "preferred_region": None, "max_distance_km": None},
        ),
        documents=[document_body(zorgvraag, kind="zorgvraag", title="Zorgvraagdossier")],
    )
    check(api.get(f"/api/v1/requests/{pk}"), 200, {**detail, "missing": []})

    # Referrer: submit; the submitted request no longer carries `missing`.
    response = api.post(f"/api/v1/requests/{pk}/submit")
    placement_request.refresh_from_db()
    request_fields.update(
        status="submitted",
        referral_date=today,
        urgency="regular",
        analysis_version=3,
        submitted_at=amsterdam(placement_request.submitted_at),
    )
    check(response, 200, request_fields)
    detail.update(status="submitted", referral_date=today, submitted_at=amsterdam(placement_request.submitted_at))
    check(api.get(f"/api/v1/requests/{pk}"), 200, detail)
    check(api.get("/api/v1/requests"), 200, {"count": 1, "next": None, "previous": None, "results": [request_fields]})

    # The same youth filed in Drenthe by another organisation: the Twente coordinator is told
    # that a possible duplicate exists there and whom to contact, nothing about the request.
    drenthe_point = OrganisationFactory(
        kind=Organisation.Kind.COORDINATION,
        name="Regie op plaatsing Drenthe",
        email="regie@drenthe.example.org",
        phone="0592 123 456",
    )
    drenthe_point.regions.set(Region.objects.filter(code="JZ04"))
    make_request(
        people.referrer_drenthe,
        submit=True,
        municipality_code="GM0106",
        youth=youth_data("GM0106", bsn="123456782", given_names="Noor", family_name="Bakker"),
    )
    api.as_user(people.coordinator)
    check(api.get("/api/v1/requests"), 200, {"count": 1, "next": None, "previous": None, "results": [request_fields]})
    check(
        api.get(f"/api/v1/requests/{pk}"),
        200,
        {
            **detail,
            "possible_duplicates": [
                {
                    "visible": False,
                    "region": "JZ04",
                    "region_name": "Drenthe",
                    "id": None,
                    "status": None,
                    "referral_date": None,
                    "referrer_organisation": None,
                    "contact": {
                        "organisation": "Regie op plaatsing Drenthe",
                        "email": "regie@drenthe.example.org",
                        "phone": "0592 123 456",
                    },
                }
            ],
        },
    )

    # The coordinator asks the pool for help; the behavioural scientist reads and writes.
    coordinator_membership = membership_with_role(people.coordinator, Role.COORDINATOR)
    assignment = intake_services.assignment_request(
        placement_request=placement_request,
        question="Hypothesen aanscherpen",
        by=people.coordinator,
        membership=coordinator_membership,
    )
    intake_services.assignment_accept(
        assignment=assignment,
        by=people.scientist,
        membership=membership_with_role(people.scientist, Role.BEHAVIOURAL_SCIENTIST),
    )
    api.as_user(people.scientist)
    check(api.get("/api/v1/requests"), 200, {"count": 1, "next": None, "previous": None, "results": [request_fields]})
    check(api.get(f"/api/v1/requests/{pk}"), 200, detail)
    response = api.patch(
        f"/api/v1/requests/{pk}/analysis",
        {"hypotheses": "Trauma na de scheiding.", "written_by": "Dr. A. Visser, gedragswetenschapper"},
        format="json",
    )
    v4 = ExplanatoryAnalysis.objects.get(request=placement_request, version=4)
    v4_body = analysis_body(
        v4,
        hypotheses="Trauma na de scheiding.",
        goals="Terug naar school.",
        written_by="Dr. A. Visser, gedragswetenschapper",
        need_profile={**NEED_PROFILE, "preferred_region": None, "max_distance_km": None},
    )
    check(response, 200, v4_body)
    response = api.post(
        f"/api/v1/requests/{pk}/documents",
        {"file": pdf_upload("analyse.pdf"), "kind": "analyse", "title": "Aanvulling analyse"},
        format="multipart",
    )
    addition = Document.objects.get(request=placement_request, kind="analyse")
    check(response, 201, document_body(addition, kind="analyse", title="Aanvulling analyse"))
    request_fields.update(analysis_version=4)
    detail.update(
        analysis_version=4,
        analysis=v4_body,
        documents=[
            document_body(zorgvraag, kind="zorgvraag", title="Zorgvraagdossier"),
            document_body(addition, kind="analyse", title="Aanvulling analyse"),
        ],
    )
    check(api.get(f"/api/v1/requests/{pk}"), 200, detail)

    # The coordinator triages into matching.
    response = api.as_user(people.coordinator).post(
        f"/api/v1/requests/{pk}/triage", {"decision": "matching"}, format="json"
    )
    request_fields.update(status="matching")
    check(response, 200, request_fields)

    # The timeline, for each reader (the same rows here: no provider has been involved).
    rows = [
        ("request_created", "", "draft", "", "Wijkteam Enschede-Noord", None),
        ("analysis_version_created", "", "", "", "Wijkteam Enschede-Noord", 1),
        ("perspective_plan_saved", "", "", "", "Wijkteam Enschede-Noord", None),
        ("safety_plan_saved", "", "", "", "Wijkteam Enschede-Noord", None),
        ("alternatives_saved", "", "", "", "Wijkteam Enschede-Noord", None),
        ("request_updated", "", "", "", "Wijkteam Enschede-Noord", None),
        ("safety_plan_saved", "", "", "", "Wijkteam Enschede-Noord", None),
        ("analysis_version_created", "", "", "", "Wijkteam Enschede-Noord", 2),
        ("analysis_version_created", "", "", "", "Wijkteam Enschede-Noord", 3),
        ("document_uploaded", "", "", "", "Wijkteam Enschede-Noord", None),
        ("request_submitted", "draft", "submitted", "", "Wijkteam Enschede-Noord", 3),
        ("assignment_requested", "", "", "", "Coördinatiepunt Twente", None),
        ("assignment_accepted", "", "", "", "Pool gedragswetenschappers Twente", None),
        ("analysis_version_created", "", "", "", "Pool gedragswetenschappers Twente", 4),
        ("document_uploaded", "", "", "", "Pool gedragswetenschappers Twente", None),
        ("request_triaged", "submitted", "matching", "matching", "Coördinatiepunt Twente", 4),
    ]
    timeline = [
        {
            **stamp,
            "event_type": event_type,
            "from_state": from_state,
            "to_state": to_state,
            "reason_code": reason_code,
            "organisation": organisation,
            "reason": "",
            "analysis_version": version,
            "facility_name": "",
        }
        for stamp, (event_type, from_state, to_state, reason_code, organisation, version) in zip(
            stamps(placement_request), rows, strict=True
        )
    ]
    for user in (people.referrer, people.coordinator, people.scientist):
        check(api.as_user(user).get(f"/api/v1/requests/{pk}/events"), 200, timeline)


def test_a_bare_draft_has_nulls_where_nothing_was_written(api, people):
    body = {"youth": {k: v for k, v in CREATE_BODY["youth"].items() if k not in ("bsn", "guardians")}}
    api.as_user(people.referrer)
    response = api.post("/api/v1/requests", body, format="json")
    placement_request = PlacementRequest.objects.get(pk=response.json()["id"])
    pk = placement_request.pk
    missing = [
        {"name": "analysis", "reason": "De verklarende analyse ontbreekt."},
        {"name": "analysis.need_profile", "reason": "Het behoefteprofiel ontbreekt."},
        {"name": "perspective_plan", "reason": "Het perspectiefplan ontbreekt."},
        {"name": "safety_plan", "reason": "Het eerste veiligheidsplan ontbreekt."},
        {"name": "zorgvraag", "reason": "Het zorgvraagdossier (PDF) ontbreekt."},
    ]
    detail = {
        "id": pk,
        "reference": f"PV-{pk:06d}",
        "status": "draft",
        "referral_date": None,
        "region": "JZ14",
        "kind": "first_placement",
        "urgency": "regular",
        "outcome": "",
        "status_reason": "",
        "previous_request": None,
        "owner": None,
        "analysis_version": None,
        "created_at": amsterdam(placement_request.created_at),
        "submitted_at": None,
        "parked_until": None,
        "parked_reason": "",
        "youth": {**YOUTH, "bsn": "", "guardians": []},
        "referrer_organisation": "Wijkteam Enschede-Noord",
        "analysis": None,
        "perspective_plan": None,
        "safety_plan": None,
        "wishes": {"youth": "", "parents": ""},
        "alternatives": [],
        "documents": [],
        "expert_table_meetings": [],
    }
    check(response, 201, {**detail, "missing": missing})

    # An analysis without its need profile: need_profile is null.
    sections = {k: ANALYSIS[k] for k in ("presenting_problems", "origins", "hypotheses")}
    version = intake_services.analysis_save(
        placement_request=placement_request,
        data=sections,
        by=people.referrer,
        membership=membership_with_role(people.referrer, Role.REFERRER),
    )
    detail.update(
        analysis_version=1,
        analysis={
            "id": version.pk,
            "version": 1,
            "created_at": utc(version.created_at),
            "presenting_problems": ANALYSIS["presenting_problems"],
            "origins": ANALYSIS["origins"],
            "maintaining_factors": "",
            "protective_factors": "",
            "hypotheses": ANALYSIS["hypotheses"],
            "goals": "",
            "written_by": "",
            "made_with_youth": False,
            "made_with_family": False,
            "need_profile": None,
        },
    )
    missing = [
        {"name": "analysis.maintaining_factors", "reason": "Vul in de analyse in: wat houdt de problemen in stand."},
        {"name": "analysis.protective_factors", "reason": "Vul in de analyse in: beschermende factoren en krachten."},
        {"name": "analysis.goals", "reason": "Vul in de analyse in: doelen."},
        {
            "name": "analysis.need_profile",
            "reason": "Het behoefteprofiel ontbreekt (zorgvormen, intensiteit en beveiligingsniveau).",
        },
        *missing[2:],
    ]
    check(api.get(f"/api/v1/requests/{pk}"), 200, {**detail, "missing": missing})


def test_waiting_and_withdrawn_request_outputs(api, people):
    placement_request = in_matching(people.referrer, people.coordinator)
    pk = placement_request.pk
    fields = {
        "id": pk,
        "reference": f"PV-{pk:06d}",
        "status": "waiting",
        "referral_date": timezone.localdate().isoformat(),
        "region": "JZ14",
        "kind": "first_placement",
        "urgency": "regular",
        "outcome": "",
        "status_reason": "Er bestaat geen passende voorziening",
        "previous_request": None,
        "owner": None,
        "analysis_version": 1,
        "created_at": amsterdam(placement_request.created_at),
        "submitted_at": amsterdam(placement_request.submitted_at),
        "parked_until": None,
        "parked_reason": "",
    }
    response = api.as_user(people.coordinator).post(
        f"/api/v1/requests/{pk}/wait",
        {"reason": "no_fitting_facility", "bridging_care": {"what": "Gezinsbehandeling", "by": "Karakter"}},
        format="json",
    )
    check(response, 200, fields)
    response = api.as_user(people.referrer).post(
        f"/api/v1/requests/{pk}/withdraw", {"reason": "Gezin verhuisd"}, format="json"
    )
    check(response, 200, {**fields, "status": "closed", "outcome": "withdrawn", "status_reason": "Gezin verhuisd"})


# --- matching, offers and placements: coordinator and providers ---------------------------


def criteria(*, age="Leeftijd 14 valt binnen 12-18 jaar", age_ok=True, km=0, fresh=True, declined=False):
    rows = [
        {"code": "care_type", "ok": True, "hard": True, "text": "Zorgvorm past bij het zorgprofiel"},
        {"code": "age", "ok": age_ok, "hard": True, "text": age},
        {"code": "gender", "ok": True, "hard": True, "text": "Geslacht wordt opgenomen"},
        {"code": "security", "ok": True, "hard": True, "text": "Beveiligingsniveau past"},
        {"code": "active", "ok": True, "hard": True, "text": "Locatie is actief op de startdatum"},
        {"code": "specialisations", "ok": True, "hard": False, "text": "Specialisaties: 1 van 1 gedekt"},
        {"code": "intensity", "ok": True, "hard": False, "text": "Intensiteit M (gevraagd M)"},
        {"code": "distance", "ok": True, "hard": False, "text": f"{km} km van de woongemeente"},
        {"code": "region", "ok": True, "hard": False, "text": "In de eigen regio"},
        {
            "code": "freshness",
            "ok": fresh,
            "hard": False,
            "text": "Beschikbaarheid recent bevestigd" if fresh else "Beschikbaarheid verouderd",
        },
    ]
    rows.append(
        {
            "code": "group",
            "ok": True,
            "hard": False,
            "text": "Groepssamenstelling onbekend: de aanbieder heeft geen groep vastgelegd",
        }
    )
    if declined:
        today = date_format(timezone.localdate(), "j F Y")
        rows.append(
            {
                "code": "declined",
                "ok": False,
                "hard": False,
                "text": f"Wees eerder af op {today}: Personele bezetting",
            }
        )
    # Issue 16: the outcome of earlier placements, soft and last; here there are none.
    rows.append(
        {
            "code": "outcome",
            "ok": True,
            "hard": False,
            "text": "Uitkomst: te weinig eerdere plaatsingen van jeugdigen met dit profiel hier "
            "(minder dan 5) om iets over te zeggen",
        }
    )
    return [
        {
            "code": r["code"],
            "ok": r["ok"],
            "hard": r["hard"],
            "unknown": r["code"] in ("group", "outcome"),
            "text": r["text"],
        }
        for r in rows
    ]


@pytest.fixture
def places():
    class Places:
        horst = provider_org(name="Jeugdzorg De Horst")
        esch = provider_org(name="Stichting Het Esch")
        ambiq = provider_org(name="Ambiq")
        horst_noord = fitting_facility(horst, name="De Horst Noord")
        esch_hengelo = fitting_facility(esch, name="Het Esch Hengelo", municipality=municipality("GM0164"))
        ambiq_oost = fitting_facility(ambiq, name="Ambiq Oost", fresh=False)
        horst_zuid = fitting_facility(horst, name="De Horst Zuid", free=0)
        esch_kamers = fitting_facility(esch, name="Het Esch Kamers", age_min=16)

    return Places


def test_matching_offer_and_placement_outputs_for_coordinator_and_providers(api, people, places):
    youth = youth_data(
        given_names="Sam",
        family_name="de Boer",
        bsn="999999990",
        postcode="7511AB",
        city="Enschede",
        guardians=[
            {"name": "Petra de Boer", "relationship": "moeder", "has_authority": True, "phone": "0687654321"},
            {"name": "Kees de Boer", "relationship": "vader", "email": "kees@example.org"},
        ],
    )
    placement_request = in_matching(people.referrer, people.coordinator, youth=youth)
    pk = placement_request.pk
    horst_staff = member(Role.PROVIDER, organisation=places.horst)
    esch_staff = member(Role.PROVIDER, organisation=places.esch)
    today = timezone.localdate().isoformat()

    def match(facility, *, provider, group, places_free=2, distance_km=0.0, municipality="Enschede", **kwargs):
        facility.refresh_from_db()
        return {
            "facility": {
                "id": facility.pk,
                "name": facility.name,
                "provider": provider,
                "municipality": municipality,
                "care_type": "behandelgroep",
                "places_free": places_free,
                "is_stale": facility.last_confirmed_at is None,
                "last_confirmed_at": utc(facility.last_confirmed_at) if facility.last_confirmed_at else None,
            },
            "group": group,
            "distance_km": distance_km,
            "specialisation_coverage": 1.0,
            "declined_this_request": kwargs.get("declined", False),
            "criteria": criteria(**kwargs),
            "failed": ["age"] if not kwargs.get("age_ok", True) else [],
        }

    kamers = match(
        places.esch_kamers,
        provider="Stichting Het Esch",
        group="unfit",
        age="Leeftijd 14 valt buiten 16-18 jaar",
        age_ok=False,
    )
    api.as_user(people.coordinator)
    check(
        api.get(f"/api/v1/requests/{pk}/matches"),
        200,
        {
            "start_date": today,
            "available": [
                match(places.horst_noord, provider="Jeugdzorg De Horst", group="available"),
                match(
                    places.esch_hengelo,
                    provider="Stichting Het Esch",
                    group="available",
                    distance_km=7.7,
                    municipality="Hengelo (O.)",
                    km=8,
                ),
            ],
            "full": [
                match(places.horst_zuid, provider="Jeugdzorg De Horst", group="full", places_free=0),
                match(places.ambiq_oost, provider="Ambiq", group="full", fresh=False),
            ],
            "unfit": [kamers],
        },
    )

    def offer_body(offer_id, *, facility, status, reconfirm=False, answered=False, placement=None, **texts):
        offer = Offer.objects.get(pk=offer_id)
        return {
            "id": offer.pk,
            "reference": offer.pseudonym,
            "status": status,
            "facility": {"id": facility.pk, "name": facility.name},
            "created_at": utc(offer.created_at),
            "deadline": utc(offer.deadline),
            "reconfirm_availability": reconfirm,
            "analysis_version": 1,
            "referral": offer.referral,
            "answered_at": utc(offer.answered_at) if answered else None,
            "decline_reason": texts.get("decline_reason", ""),
            "motivation": texts.get("motivation", ""),
            "withdraw_reason": texts.get("withdraw_reason", ""),
            "fall_through_party": "",
            "fall_through_reason": "",
            "introduction": None,
            "placement": placement,
        }

    def for_coordinator(body, provider, reoffer_reason=""):
        return {**body, "request": pk, "provider": provider, "reoffer_reason": reoffer_reason}

    def for_provider(body, identity=None):
        return {**body, "identity": identity}

    # Offer 1, to De Horst: open, then declined.
    response = api.post(f"/api/v1/requests/{pk}/offers", {"facility": places.horst_noord.pk}, format="json")
    first = response.json()["id"]
    horst = {"id": places.horst.pk, "name": "Jeugdzorg De Horst"}
    check(response, 201, for_coordinator(offer_body(first, facility=places.horst_noord, status="open"), horst))
    api.as_user(horst_staff)
    open_first = for_provider(offer_body(first, facility=places.horst_noord, status="open"))
    check(api.get("/api/v1/offers"), 200, {"count": 1, "next": None, "previous": None, "results": [open_first]})
    check(api.get(f"/api/v1/offers/{first}"), 200, open_first)
    response = api.post(
        f"/api/v1/offers/{first}/decline", {"reason": "staffing", "motivation": "Te weinig personeel"}, format="json"
    )
    declined_first = offer_body(
        first,
        facility=places.horst_noord,
        status="declined",
        answered=True,
        decline_reason="staffing",
        motivation="Te weinig personeel",
    )
    check(response, 200, for_provider(declined_first))
    check(api.get(f"/api/v1/offers/{first}"), 200, for_provider(declined_first))

    # Matching again: De Horst's facilities are marked as having declined.
    check(
        api.as_user(people.coordinator).get(f"/api/v1/requests/{pk}/matches"),
        200,
        {
            "start_date": today,
            # Decline policy: the provider that declined comes last among the fitting ones.
            "available": [
                match(
                    places.esch_hengelo,
                    provider="Stichting Het Esch",
                    group="available",
                    distance_km=7.7,
                    municipality="Hengelo (O.)",
                    km=8,
                ),
                match(places.horst_noord, provider="Jeugdzorg De Horst", group="available", declined=True),
            ],
            "full": [
                match(places.ambiq_oost, provider="Ambiq", group="full", fresh=False),
                match(places.horst_zuid, provider="Jeugdzorg De Horst", group="full", places_free=0, declined=True),
            ],
            "unfit": [kamers],
        },
    )

    # Offer 2, to Ambiq (availability unconfirmed): withdrawn by the coordinator.
    response = api.post(f"/api/v1/requests/{pk}/offers", {"facility": places.ambiq_oost.pk}, format="json")
    second = response.json()["id"]
    ambiq = {"id": places.ambiq.pk, "name": "Ambiq"}
    check(
        response,
        201,
        for_coordinator(offer_body(second, facility=places.ambiq_oost, status="open", reconfirm=True), ambiq),
    )
    response = api.post(f"/api/v1/offers/{second}/withdraw", {"reason": "Locatie belde: toch vol"}, format="json")
    withdrawn_second = offer_body(
        second,
        facility=places.ambiq_oost,
        status="withdrawn",
        reconfirm=True,
        answered=True,
        withdraw_reason="Locatie belde: toch vol",
    )
    check(response, 200, for_coordinator(withdrawn_second, ambiq))

    # Offer 3, to Het Esch: the provider sees no identity until it accepts.
    response = api.post(f"/api/v1/requests/{pk}/offers", {"facility": places.esch_hengelo.pk}, format="json")
    third = response.json()["id"]
    esch = {"id": places.esch.pk, "name": "Stichting Het Esch"}
    check(response, 201, for_coordinator(offer_body(third, facility=places.esch_hengelo, status="open"), esch))
    api.as_user(esch_staff)
    check(
        api.get(f"/api/v1/offers/{third}"),
        200,
        for_provider(offer_body(third, facility=places.esch_hengelo, status="open")),
    )
    identity = {
        "given_names": "Sam",
        "family_name": "de Boer",
        "birth_date": youth["birth_date"].isoformat(),
        "bsn": "999999990",
        "address": "Hoofdstraat 1",
        "postcode": "7511AB",
        "city": "Enschede",
        "school": "Het Stedelijk Lyceum",
        "guardians": [
            {"name": "Petra de Boer", "relationship": "moeder", "phone": "0687654321", "email": ""},
            {"name": "Kees de Boer", "relationship": "vader", "phone": "", "email": "kees@example.org"},
        ],
    }
    response = api.post(f"/api/v1/offers/{third}/accept")
    accepted_third = offer_body(third, facility=places.esch_hengelo, status="accepted", answered=True)
    check(response, 200, for_provider(accepted_third, identity))
    check(api.get(f"/api/v1/offers/{third}"), 200, for_provider(accepted_third, identity))
    # Lists never carry identities.
    check(
        api.get("/api/v1/offers"),
        200,
        {"count": 1, "next": None, "previous": None, "results": [for_provider(accepted_third)]},
    )

    # The coordinator's list: newest first, with request and provider, never an identity.
    api.as_user(people.coordinator)
    check(
        api.get("/api/v1/offers"),
        200,
        {
            "count": 3,
            "next": None,
            "previous": None,
            "results": [
                for_coordinator(accepted_third, esch),
                for_coordinator(withdrawn_second, ambiq),
                for_coordinator(declined_first, horst),
            ],
        },
    )
    check(api.get(f"/api/v1/offers/{third}"), 200, for_coordinator(accepted_third, esch))

    # The provider starts the placement; the coordinator ends it with a transfer.
    response = api.as_user(esch_staff).post(
        f"/api/v1/requests/{pk}/placement",
        {"start_date": today, "school": "Praktijkschool Hengelo", "handover": "Warme overdracht", "transport": "Taxi"},
        format="json",
    )
    placement = Placement.objects.get(request=placement_request)
    started = {
        "id": placement.pk,
        "offer": third,
        "facility": {"id": places.esch_hengelo.pk, "name": "Het Esch Hengelo"},
        "start_date": today,
        "school": "Praktijkschool Hengelo",
        "handover": "Warme overdracht",
        "transport": "Taxi",
        "funding": "",
        "end_date": None,
        "end_reason": "",
        "end_narrative": "",
        "aftercare_destination": "",
        "needs_new_place": False,
        # issue 11: the current values a change in place updates, from the analysis and facility
        "intensity": placement_request.analysis.intensity,
        "care_type": places.esch_hengelo.care_type.code,
        "legal_status": "none",
        "machtiging_end_date": None,
        "transfer_request": None,
    }
    check(response, 201, started)
    check(
        api.as_user(people.coordinator).get(f"/api/v1/offers/{third}"),
        200,
        for_coordinator({**accepted_third, "placement": placement.pk}, esch),
    )
    response = api.post(
        f"/api/v1/placements/{placement.pk}/end",
        {
            "end_date": today,
            "reason": "04",
            "destination": "open_residential",
            "narrative": "Groep kon veiligheid niet bieden",
            "needs_new_place": True,
        },
        format="json",
    )
    transfer = PlacementRequest.objects.get(previous_placement=placement)
    check(
        response,
        200,
        {
            **started,
            "end_date": today,
            "end_reason": "04",
            "end_narrative": "Groep kon veiligheid niet bieden",
            "aftercare_destination": "open_residential",
            "needs_new_place": True,
            "transfer_request": transfer.pk,
        },
    )
    check(
        api.as_user(esch_staff).get(f"/api/v1/offers/{third}"),
        200,
        for_provider({**accepted_third, "placement": placement.pk}, identity),
    )

    # The timeline: the coordinator sees every provider and reason; the referrer sees a
    # provider named only from acceptance on, and not the reasons of declines and withdrawals.
    coordinator_org, referrer_org = "Coördinatiepunt Twente", "Wijkteam Enschede-Noord"
    rows = [  # event, from, to, reason code, organisation, reason, analysis version, facility; referrer's if different
        ("request_created", "", "draft", "", referrer_org, "", None, ""),
        ("analysis_version_created", "", "", "", referrer_org, "", 1, ""),
        ("perspective_plan_saved", "", "", "", referrer_org, "", None, ""),
        ("safety_plan_saved", "", "", "", referrer_org, "", None, ""),
        ("document_uploaded", "", "", "", referrer_org, "", None, ""),
        ("request_submitted", "draft", "submitted", "", referrer_org, "", 1, ""),
        ("request_triaged", "submitted", "matching", "matching", coordinator_org, "", 1, ""),
        ("offer_made", "matching", "offered", "", coordinator_org, "", 1, ""),
        (
            "offer_declined",
            "offered",
            "matching",
            "staffing",
            "Jeugdzorg De Horst",
            "",
            None,
            "",
            {"organisation": None},
        ),
        ("offer_made", "matching", "offered", "", coordinator_org, "", 1, ""),
        (
            "offer_withdrawn",
            "offered",
            "matching",
            "withdrawn",
            coordinator_org,
            "Locatie belde: toch vol",
            None,
            "",
            {"reason": ""},
        ),
        ("offer_made", "matching", "offered", "", coordinator_org, "", 1, ""),
        ("offer_accepted", "offered", "accepted", "", "Stichting Het Esch", "", None, "Het Esch Hengelo"),
        ("placement_started", "accepted", "placed", "", "Stichting Het Esch", "", None, "Het Esch Hengelo"),
        ("placement_ended", "placed", "ended", "04", coordinator_org, "Groep kon veiligheid niet bieden", None, ""),
    ]
    keys = ("event_type", "from_state", "to_state", "reason_code", "organisation", "reason", "analysis_version")
    coordinator_timeline, referrer_timeline = [], []
    for stamp, row in zip(stamps(placement_request), rows, strict=True):
        full = {**stamp, **dict(zip(keys + ("facility_name",), row[:8], strict=True))}
        coordinator_timeline.append(full)
        referrer_timeline.append({**full, **(row[8] if len(row) > 8 else {})})
    check(api.as_user(people.coordinator).get(f"/api/v1/requests/{pk}/events"), 200, coordinator_timeline)
    check(api.as_user(people.referrer).get(f"/api/v1/requests/{pk}/events"), 200, referrer_timeline)


# --- reports, token, me -----------------------------------------------------------------

REPORT_CODES = ["unmet-need", "refusals", "transfers", "occupancy", "waiting-times"]


def test_report_outputs_are_the_report_tables(api, people, places, contract_manager):
    """Every report, for a role that suppresses and one that does not: the body is the
    tables the screens and exports show (key, title, columns with key and label, rows)."""
    from placement import services
    from reporting.registry import build_report
    from tests.placement.factories import coordinator_membership, offer_to, provider_membership
    from tests.reporting.factories import history

    placement_request = in_matching(people.referrer, people.coordinator)
    offer = offer_to(placement_request, places.horst_noord, people.coordinator)
    horst_staff = member(Role.PROVIDER, organisation=places.horst)
    services.offer_decline(
        offer=offer, reason="no_place", motivation="Vol", by=horst_staff, membership=provider_membership(horst_staff)
    )
    offer = offer_to(placement_request, places.esch_hengelo, people.coordinator)
    esch_staff = member(Role.PROVIDER, organisation=places.esch)
    services.offer_accept(offer=offer, by=esch_staff, membership=provider_membership(esch_staff))
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=people.coordinator,
        membership=coordinator_membership(people.coordinator),
    )
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        reason="04",
        destination="open_residential",
        needs_new_place=True,
        by=people.coordinator,
        membership=coordinator_membership(people.coordinator),
    )
    # Occupancy is integrated up to now; a period that ended yesterday over a facility
    # with history of its own holds still between computing the expectation and the call.
    day = timezone.localdate()
    west = fitting_facility(places.ambiq, name="Ambiq West", active_from=day - datetime.timedelta(days=60))
    history(west, day - datetime.timedelta(days=40), contracted=4, staffed=4, occupied=2)
    history(west, day - datetime.timedelta(days=20), contracted=4, staffed=3, occupied=3)
    period = {
        "from": (day - datetime.timedelta(days=30)).isoformat(),
        "to": (day - datetime.timedelta(days=1)).isoformat(),
    }
    for user, role in ((contract_manager, Role.CONTRACT_MANAGER), (people.coordinator, Role.COORDINATOR)):
        membership = membership_with_role(user, role)
        for code in REPORT_CODES:
            params = period if code == "occupancy" else {}
            tables = build_report(code, membership=membership, params=params)
            expected = {
                "report": code,
                "tables": [
                    {
                        "key": table.key,
                        "title": str(table.title),
                        "columns": [{"key": c.key, "label": str(c.label)} for c in table.columns],
                        "rows": table.rows,
                    }
                    for table in tables
                ],
            }
            check(api.as_user(user).get(f"/api/v1/reports/{code}", params), 200, json.loads(rendered(expected)))
            assert any(table.rows for table in tables), code  # the comparison is not of empty tables


def test_token_and_me_outputs(api, people, password):
    from knox.crypto import hash_token
    from rest_framework.fields import DateTimeField

    from accounts.models import ApiToken
    from tests.accounts.two_factor import confirmed_device, totp_code

    response = api.post(
        "/api/v1/auth/token",
        {
            "username": people.coordinator.username,
            "password": password,
            "otp_token": totp_code(confirmed_device(people.coordinator)),
        },
        format="json",
    )
    stored = ApiToken.objects.get(user=people.coordinator)  # only the token's hash is stored
    token = response.json()["token"]
    assert hash_token(token) == stored.digest and token != stored.digest
    check(
        response,
        200,
        {"token": token, "expiry": DateTimeField().to_representation(stored.expiry), "client": "default"},
    )
    people.coordinator.first_name, people.coordinator.last_name = "Anna", "de Vries"
    people.coordinator.save()
    check(
        api.as_user(people.coordinator).get("/api/v1/me"),
        200,
        {
            "username": people.coordinator.username,
            "name": "Anna de Vries",
            "memberships": [
                {
                    "role": "coordinator",
                    "organisation": "Coördinatiepunt Twente",
                    "organisation_kind": "coordination",
                    "regions": ["JZ14"],
                }
            ],
        },
    )
