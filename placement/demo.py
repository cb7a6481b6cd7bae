"""Demo requests: several in Twente (referrer `referrer`, wijkteam) in different states,
one in Drenthe (referrer `referrer2`, GI). Idempotent: a youth that exists is skipped."""

import contextlib
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Municipality, Role, User
from capacity.models import Facility
from core.errors import DomainError
from intake import services as intake_services
from intake.models import Youth
from placement import services

PDF = (  # one blank page: a PDF pypdf reads (core.pdf)
    b"%PDF-1.4\n% demo zorgvraagdossier\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
)

ANALYSIS = {
    "presenting_problems": "Oplopende agressie thuis, schoolverzuim, weglopen.",
    "origins": "Na het overlijden van een ouder is de opvoedsituatie ontregeld geraakt.",
    "maintaining_factors": "Overbelaste ouder, geen passende dagbesteding, negatieve vriendengroep.",
    "protective_factors": "Sterke band met grootouders, goed in sport, wil zelf hulp.",
    "hypotheses": "Onverwerkte rouw en gebrek aan structuur houden het gedrag in stand.",
    "goals": "Veilige, gestructureerde woonplek met rouwverwerking; terug naar school; terug naar huis.",
    "written_by": "M. Visser, gedragswetenschapper wijkteam",
    "made_with_youth": True,
    "made_with_family": True,
    "care_types": ["behandelgroep", "kwv-open"],
    "specialisations": ["trauma"],
    "intensity": "M",
    "security": "open",
    "max_distance_km": 40,
    "school_continuity": True,
}

# (username, family name, given names, birth date, gender, municipality, bsn, final state)
DEMO = [
    ("referrer", "Smit", "Daan", datetime.date(2010, 4, 12), "male", "GM0153", "111222333", "draft"),
    ("referrer", "de Vries", "Emma", datetime.date(2009, 9, 3), "female", "GM0153", "123456782", "submitted"),
    ("referrer", "Mulder", "Finn", datetime.date(2011, 1, 23), "male", "GM0164", "", "matching"),
    ("referrer", "Bos", "Lisa", datetime.date(2008, 6, 30), "female", "GM0141", "999999990", "returned"),
    ("referrer", "Meijer", "Sem", datetime.date(2012, 11, 5), "male", "GM0153", "", "closed"),
    ("referrer", "Kok", "Noah", datetime.date(2011, 8, 19), "male", "GM0153", "", "offered"),
    ("referrer2", "Hendriks", "Julia", datetime.date(2009, 2, 17), "female", "GM0106", "100000009", "submitted"),
]


def seed(organisations):
    for username, family, given, birth, gender, municipality, bsn, state in DEMO:
        # Names are encrypted: find the youth by the keyed hash, compare given names in Python.
        same = Youth.objects.filter(name_birth_hash=Youth.name_birth_index_for(family, birth))
        if any(youth.given_names == given for youth in same):
            continue
        referrer = User.objects.get(username=username)
        membership = Membership.objects.get(user=referrer, role=Role.REFERRER)
        municipality = Municipality.objects.get(code=municipality)
        placement_request = intake_services.request_create(
            youth={
                "given_names": given,
                "family_name": family,
                "birth_date": birth,
                "gender": gender,
                "bsn": bsn,
                "address": "Demostraat 1",
                "postcode": "7500AA",
                "city": municipality.name,
                "municipality": municipality,
                "legal_status": "none",
                "school": "Demoschool",
                "guardians": [{"name": f"Karin {family}", "relationship": "moeder", "has_authority": True}],
            },
            by=referrer,
            membership=membership,
            wishes_youth="Ik wil naar school blijven gaan.",
            wishes_parents="Zo dicht mogelijk bij huis.",
        )
        if state == "draft":
            continue
        intake_services.analysis_save(
            placement_request=placement_request, data=dict(ANALYSIS), by=referrer, membership=membership
        )
        intake_services.perspective_plan_save(
            placement_request=placement_request,
            data={"goal": "Stabiliseren en behandelen", "expected_duration_months": 9, "return_perspective": "home"},
            by=referrer,
            membership=membership,
        )
        intake_services.safety_plan_save(
            placement_request=placement_request,
            data={"risks": "Weglopen bij spanning", "agreements": "Dagelijks contact met mentor"},
            by=referrer,
            membership=membership,
        )
        intake_services.alternatives_set(
            placement_request=placement_request,
            alternatives=[
                {
                    "form": "intensive_home",
                    "description": "Intensieve gezinsbehandeling, 6 maanden",
                    "why_insufficient": "Veiligheid thuis niet te borgen",
                }
            ],
            by=referrer,
            membership=membership,
        )
        intake_services.document_upload(
            placement_request=placement_request,
            upload=SimpleUploadedFile("zorgvraag.pdf", PDF),
            kind="zorgvraag",
            title="Zorgvraagdossier",
            by=referrer,
            membership=membership,
        )
        intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
        if state == "submitted":
            continue
        coordinator = User.objects.get(username="coordinator")
        coordination = Membership.objects.get(user=coordinator, role=Role.COORDINATOR)
        decision = {"matching": "matching", "returned": "return", "closed": "close", "offered": "matching"}[state]
        intake_services.request_triage(
            placement_request=placement_request,
            decision=decision,
            by=coordinator,
            membership=coordination,
            reason="Veiligheidsplan graag concreter maken."
            if decision == "return"
            else ("Opgelost met intensieve hulp thuis." if decision == "close" else ""),
            outcome="help_at_home" if decision == "close" else "",
        )
        if state == "offered":
            _offer_demo(placement_request, coordinator, coordination)


def _offer_demo(placement_request, coordinator, coordination):
    """An open offer to De Horst's treatment group, so the provider inbox has something."""
    facility = Facility.objects.filter(name="De Horst – Behandelgroep Esmarke").first()
    if facility is None:
        return
    # No free place left in a re-used demo database: leave it in matching.
    with contextlib.suppress(DomainError):
        services.offer_create(
            placement_request=placement_request, facility_id=facility.pk, by=coordinator, membership=coordination
        )
