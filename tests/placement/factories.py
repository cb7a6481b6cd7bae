"""Builders for placement requests, through the services (so every row is one a user
could have made)."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Municipality, Role
from accounts.selectors import membership_with_role
from intake import services as intake_services
from placement import services

VALID_BSNS = ["111222333", "123456782", "999999990", "100000009", "999996356", "999990019"]
_counter = itertools.count(1)
_bsn_prefixes = itertools.count(23_000_000)


def next_bsn() -> str:
    """A BSN that passes the elfproef and that no other test youth in this run has."""
    while True:
        prefix = f"{next(_bsn_prefixes):08d}"
        check = sum((9 - i) * int(d) for i, d in enumerate(prefix)) % 11
        if check < 10:
            return prefix + str(check)


PDF = (  # one blank page: a PDF pypdf reads (core.pdf)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
)


def pdf_upload(name="zorgvraag.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def youth_data(municipality_code="GM0153", **overrides):
    n = next(_counter)
    data = {
        "given_names": "Sam",
        "family_name": f"Jansen{n}",
        "birth_date": timezone.localdate().replace(year=timezone.localdate().year - 14, day=1),
        "gender": "male",
        "bsn": next_bsn(),
        "address": "Hoofdstraat 1",
        "postcode": "7532TP",
        "city": "Glanerbrug",  # a woonplaats in the municipality of Enschede
        "municipality": Municipality.objects.get(code=municipality_code),
        "legal_status": "none",
        "machtiging_end_date": None,
        "school": "Het Stedelijk Lyceum",
        "guardians": [
            {
                "name": "Petra Jansen",
                "relationship": "moeder",
                "has_authority": True,
                "phone": "06-41234567",
                "email": "petra.jansen@example.net",
            }
        ],
    }
    data.update(overrides)
    return data


ANALYSIS = {
    "presenting_problems": "Ernstige gedragsproblemen thuis en op school.",
    "origins": "Na de scheiding van de ouders escaleerde het thuis.",
    "maintaining_factors": "Overbelaste moeder, geen dagbesteding.",
    "protective_factors": "Goede band met oma; sport.",
    "hypotheses": "Onveilige hechting en trauma houden het gedrag in stand.",
    "goals": "Stabiele woonplek met traumabehandeling, terug naar school.",
    "written_by": "J. de Vries, GZ-psycholoog",
    "made_with_youth": True,
    "made_with_family": True,
    "care_types": ["behandelgroep", "kwv-open"],
    "specialisations": ["trauma"],
    "intensity": "M",
    "security": "open",
    "max_distance_km": 40,
    "school_continuity": True,
}
PERSPECTIVE = {"goal": "Stabiliseren en behandelen", "expected_duration_months": 9, "return_perspective": "home"}
SAFETY = {"risks": "Weglopen bij spanning", "agreements": "Dagelijks contact met mentor", "contacts": "Crisisdienst"}


def make_request(referrer, *, complete=True, submit=False, municipality_code="GM0153", youth=None):
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = intake_services.request_create(
        youth=youth or youth_data(municipality_code), by=referrer, membership=membership
    )
    if complete:
        intake_services.analysis_save(
            placement_request=placement_request, data=dict(ANALYSIS), by=referrer, membership=membership
        )
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
    if submit:
        intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    placement_request.refresh_from_db()
    return placement_request


def machtiging(days=180):
    return {
        "legal_status": "machtiging_gj",
        "machtiging_end_date": timezone.localdate() + datetime.timedelta(days=days),
    }


# --- issue 5: requests in matching and facilities that fit them ---------------------------


def in_matching(referrer, coordinator, **kwargs):
    """A complete request triaged into matching by `coordinator`."""
    placement_request = make_request(referrer, submit=True, **kwargs)
    intake_services.request_triage(
        placement_request=placement_request,
        decision="matching",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )
    placement_request.refresh_from_db()
    return placement_request


def fitting_facility(provider=None, *, fresh=True, free=2, **overrides):
    """A facility that fits the ANALYSIS need profile (behandelgroep, trauma, M, open, 12-18)."""
    from tests.accounts.factories import UserFactory
    from tests.capacity.factories import FacilityFactory, care_type, provider_org, specialisation

    provider = provider or provider_org()
    values = {
        "provider": provider,
        "care_type": care_type("behandelgroep"),
        "places_contracted": max(free, 1) + 2,
        "places_staffed": max(free, 0) + 2,
        "occupied_external": 2,
        "specialisations": [specialisation("trauma")],
    }
    if fresh:
        values.update(last_confirmed_at=timezone.now(), last_confirmed_by=UserFactory())
    values.update(overrides)
    return FacilityFactory(**values)


def coordinator_membership(user):
    return membership_with_role(user, Role.COORDINATOR)


def provider_membership(user):
    return membership_with_role(user, Role.PROVIDER)


def offer_to(placement_request, facility, coordinator, texts=None):
    return services.offer_create(
        placement_request=placement_request,
        facility_id=facility.pk,
        by=coordinator,
        membership=coordinator_membership(coordinator),
        texts=texts,
    )
