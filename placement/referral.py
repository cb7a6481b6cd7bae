"""The anonymised referral (landelijk aanmeldformulier) a provider receives with an
offer, and the check that its free texts hold nothing that identifies the youth or the
parents (`placement.anonymisation`). The coordinator may edit the copy that is sent."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from placement.anonymisation import Identity, find_identifying_data

OFFER_TEXT_FIELDS = [
    "presenting_problems",
    "origins",
    "maintaining_factors",
    "protective_factors",
    "hypotheses",
    "goals",
    "wishes_youth",
    "wishes_parents",
    "placement_goal",
]
_PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "la", "le", "du", "da", "von"}


def request_identity(placement_request) -> Identity:
    """Everything identifying the youth and parents that must not reach a provider."""
    youth = placement_request.youth
    names = [youth.full_name, youth.family_name, *youth.given_names.split()]
    for guardian in youth.guardians.all():
        names.append(guardian.name)
        names += [part for part in guardian.name.split() if len(part) >= 3 and part.lower() not in _PARTICLES]
    street, number = youth.address or "", ""
    found = re.match(r"^(.*?)\s+(\d+\s*\w?)$", street.strip())
    if found:
        street, number = found.group(1), found.group(2)
    return Identity(
        names=[n for n in dict.fromkeys(names) if n and len(n.strip()) >= 2],
        bsn=youth.bsn or None,
        birth_date=youth.birth_date,
        street=street or None,
        house_number=number or None,
        postcode=youth.postcode or None,
        extra_terms=[t for t in [youth.school] if t],
    )


def offer_default_texts(placement_request) -> dict:
    analysis = placement_request.analysis
    plan = placement_request.perspective_plan if hasattr(placement_request, "perspective_plan") else None
    texts = {name: getattr(analysis, name, "") if analysis else "" for name in OFFER_TEXT_FIELDS[:6]}
    texts["wishes_youth"] = placement_request.wishes_youth
    texts["wishes_parents"] = placement_request.wishes_parents
    texts["placement_goal"] = plan.goal if plan else ""
    return texts


def finding_reason(finding) -> str:
    kinds = {
        "name": _("bevat een naam van de jeugdige of een ouder"),
        "bsn": _("bevat een BSN"),
        "birth_date": _("bevat de geboortedatum"),
        "address": _("bevat het adres of de school"),
        "postcode": _("bevat een postcode"),
        "phone": _("bevat een telefoonnummer"),
        "email": _("bevat een e-mailadres"),
    }
    return _("Deze tekst %(what)s (tekens %(start)s-%(end)s); pas de tekst aan.") % {
        "what": kinds.get(finding.kind, finding.kind),
        "start": finding.start + 1,
        "end": finding.end,
    }


def offer_texts_check(placement_request, texts: dict) -> list[dict]:
    """invalid_params for every identifying finding in the texts (empty when clean)."""
    findings = find_identifying_data(texts, request_identity(placement_request))
    return [{"name": f"texts.{f.field}", "reason": finding_reason(f), "kind": f.kind} for f in findings]


def offer_referral(placement_request, *, texts: dict, pseudonym: str, today=None) -> dict:
    """The anonymised referral (landelijk aanmeldformulier) as the provider receives it."""
    today = today or timezone.localdate()
    youth = placement_request.youth
    analysis = placement_request.analysis
    plan = placement_request.perspective_plan if hasattr(placement_request, "perspective_plan") else None
    region = youth.municipality.region
    return {
        "reference": pseudonym,
        "age": youth.age_on(today),
        "gender": youth.gender,
        "home_region": {"code": region.code, "name": region.name},
        "urgency": placement_request.urgency,
        "kind": placement_request.kind,
        "analysis": {
            "version": analysis.version,
            **{name: texts.get(name, "") for name in OFFER_TEXT_FIELDS[:6]},
            "made_with_youth": analysis.made_with_youth,
            "made_with_family": analysis.made_with_family,
        },
        "need_profile": {
            "care_types": list(analysis.care_types),
            "specialisations": list(analysis.specialisations),
            "intensity": analysis.intensity,
            "security": analysis.security,
            "max_distance_km": analysis.max_distance_km,
            "school_continuity": analysis.school_continuity,
        },
        "wishes": {"youth": texts.get("wishes_youth", ""), "parents": texts.get("wishes_parents", "")},
        "perspective": {
            "goal": texts.get("placement_goal", ""),
            "expected_duration_months": plan.expected_duration_months if plan else None,
            "return_perspective": plan.return_perspective if plan else "",
        },
        # By kind only: a title is free text the referrer wrote ("Zorgvraag <name>") and the
        # file is the dossier itself; both reach the provider only after it accepts.
        "documents": [
            {"id": d.pk, "kind": d.kind}
            for d in placement_request.documents.filter(shareable=True).order_by("uploaded_at", "id")
        ],
    }
