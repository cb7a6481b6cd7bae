"""The anonymised referral (landelijk aanmeldformulier) a provider receives with an
offer, and the check that its free texts hold nothing that identifies the youth or the
parents (`placement.anonymisation`). The coordinator may edit the copy that is sent, and
may leave one finding in place with a reason (an override, recorded as an event that
names the field, the kind and the reason, never the found value).

Every text of the referral a provider can read is in `OFFER_TEXT_FIELDS` (the rest of
the referral is codes, numbers, the pseudonym and the region); the withdraw reason the
provider is told is checked too (`withdraw_reason_check`). tests/placement/
test_identity_check_offers.py walks the stored referral to keep it that way; the words
there (labels of the taxonomy and code lists, the end month of a machtiging) are checked
to be labels, not text about the youth."""

import re

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from capacity.models import CareType, Specialisation
from capacity.selectors import band_labels
from intake import taxonomy
from intake.models import LegalStatus, Security
from placement.anonymisation import Finding, Identity, contains_found_value, find_identifying_data, mark_segments

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
    # Issue 11: the safety plan and the perspective the provider needs to decide.
    "safety_risks",
    "safety_agreements",
    "return_explanation",
]
# Where each text sits in the stored referral (the walking test and the preview use it).
TEXT_PATHS = {
    **{name: ("analysis", name) for name in OFFER_TEXT_FIELDS[:6]},
    "wishes_youth": ("wishes", "youth"),
    "wishes_parents": ("wishes", "parents"),
    "placement_goal": ("perspective", "goal"),
    "safety_risks": ("safety_plan", "risks"),
    "safety_agreements": ("safety_plan", "agreements"),
    "return_explanation": ("perspective", "return_explanation"),
}
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


def _plans(placement_request):
    plan = placement_request.perspective_plan if hasattr(placement_request, "perspective_plan") else None
    safety = placement_request.safety_plan if hasattr(placement_request, "safety_plan") else None
    return plan, safety


def offer_default_texts(placement_request) -> dict:
    """The referrer's texts, as the composer starts from them. The safety plan's contacts
    ("wie doet wat bij een crisis": names and numbers of the network) are not among them:
    the provider gets them with the identity, after it accepts."""
    analysis = placement_request.analysis
    plan, safety = _plans(placement_request)
    texts = {name: getattr(analysis, name, "") if analysis else "" for name in OFFER_TEXT_FIELDS[:6]}
    texts["wishes_youth"] = placement_request.wishes_youth
    texts["wishes_parents"] = placement_request.wishes_parents
    texts["placement_goal"] = plan.goal if plan else ""
    texts["return_explanation"] = plan.return_explanation if plan else ""
    texts["safety_risks"] = safety.risks if safety else ""
    texts["safety_agreements"] = safety.agreements if safety else ""
    return texts


def kind_label(kind: str) -> str:
    """What was found, as a short noun (the mark's hidden label and the override list)."""
    return {
        "name": _("naam van de jeugdige of een ouder"),
        "bsn": _("BSN"),
        "birth_date": _("geboortedatum"),
        "address": _("adres of school"),
        "postcode": _("postcode"),
        "phone": _("telefoonnummer"),
        "email": _("e-mailadres"),
        "person": _("naam van een persoon"),
        "place": _("plaatsnaam of adres"),
        "date": _("datum"),
        "identifier": _("nummer dat iemand kan identificeren"),
        "url": _("webadres"),
    }.get(kind, kind)


def finding_reason(finding) -> str:
    kinds = {
        "name": _("bevat een naam van de jeugdige of een ouder"),
        "bsn": _("bevat een BSN"),
        "birth_date": _("bevat de geboortedatum"),
        "address": _("bevat het adres of de school"),
        "postcode": _("bevat een postcode"),
        "phone": _("bevat een telefoonnummer"),
        "email": _("bevat een e-mailadres"),
        "person": _("bevat waarschijnlijk de naam van een persoon"),
        "place": _("bevat waarschijnlijk een plaatsnaam of adres"),
        "date": _("bevat een datum"),
        "identifier": _("bevat een nummer dat iemand kan identificeren"),
        "url": _("bevat een webadres"),
    }
    return _("Deze tekst %(what)s; pas de tekst aan of laat het gegeven met een reden staan.") % {
        "what": kinds.get(finding.kind, finding.kind),
    }


def finding_message(findings: list[Finding], text: str) -> str:
    """The composer's message next to a text field: the words found, by kind, named as
    they stand in the text (the coordinator wrote them; the message is not stored)."""
    words = [
        _("%(kind)s “%(value)s”") % {"kind": kind_label(f.kind), "value": text[f.start : f.end]}
        for f in sorted(findings, key=lambda f: (f.start, f.end))
    ]
    return _(
        "Deze tekst bevat gegevens waarmee de jeugdige herkend kan worden: %(words)s. Pas de tekst aan, of "
        "laat een gegeven met een reden staan."
    ) % {"words": "; ".join(words)}


def offer_findings(placement_request, texts: dict) -> list[Finding]:
    """Every identifying finding in the texts the provider will read."""
    return find_identifying_data(
        {name: texts.get(name, "") for name in OFFER_TEXT_FIELDS}, request_identity(placement_request)
    )


def finding_param(finding: Finding) -> dict:
    """A finding as an invalid_params entry: the field, what kind, where (0-based, end
    exclusive, in the text as sent) and the id an override names. Never the value."""
    return {
        "name": f"texts.{finding.field}",
        "code": "identifying_data",
        "reason": finding_reason(finding),
        "kind": finding.kind,
        "source": finding.source,
        "start": finding.start,
        "end": finding.end,
        "finding": finding.id,
    }


def overrides_resolve(findings: list[Finding], overrides: list[dict] | None, texts: dict):
    """Match the coordinator's overrides to the findings. Returns (overridden: {id:
    reason}, problems: invalid_params for overrides that name no finding, give no reason,
    or repeat the found value in the reason)."""
    by_id = {f.id: f for f in findings}
    overridden: dict[str, str] = {}
    problems = []
    for index, override in enumerate(overrides or []):
        finding_id = str((override or {}).get("finding") or "").strip()
        reason = str((override or {}).get("reason") or "").strip()
        finding = by_id.get(finding_id)
        if finding is None:
            problems.append(
                {
                    "name": f"overrides.{index}.finding",
                    "code": "unknown_finding",
                    "reason": _(
                        "Deze bevinding staat niet (meer) in de tekst. Controleer de tekst opnieuw en kies "
                        "uit de bevindingen die dan getoond worden."
                    ),
                }
            )
        elif not reason:
            problems.append(
                {
                    "name": f"overrides.{index}.reason",
                    "code": "reason_required",
                    "reason": _("Geef aan waarom dit gegeven toch in de aanmelding mag staan."),
                }
            )
        elif contains_found_value(reason, texts, finding):
            problems.append(
                {
                    "name": f"overrides.{index}.reason",
                    "code": "reason_repeats_value",
                    "reason": _("Herhaal het gevonden gegeven niet in de reden; de reden wordt vastgelegd."),
                }
            )
        else:
            overridden[finding.id] = reason
    return overridden, problems


def offer_texts_check(placement_request, texts: dict, overrides: list[dict] | None = None):
    """(findings, overridden, problems): problems are invalid_params for every finding
    not overridden and for every bad override (empty when the texts may be sent)."""
    findings = offer_findings(placement_request, texts)
    overridden, problems = overrides_resolve(findings, overrides, texts)
    problems = [finding_param(f) for f in findings if f.id not in overridden] + problems
    return findings, overridden, problems


def marked_fields(texts: dict, findings: list[Finding]) -> list[dict]:
    """Per text with findings: the text cut into plain and marked segments (for the
    composer, which marks each finding in place)."""
    rows = []
    for name in OFFER_TEXT_FIELDS:
        own = [f for f in findings if f.field == name]
        if own:
            segments = [
                {"text": s.text, "kinds": [kind_label(k) for k in dict.fromkeys(f.kind for f in s.findings)]}
                for s in mark_segments(texts.get(name, ""), own)
            ]
            rows.append({"name": name, "segments": segments, "findings": own})
        # fields without findings are not repeated
    return rows


def withdraw_reason_check(placement_request, reason: str) -> list[dict]:
    """invalid_params when the withdraw reason (sent to the provider) identifies the youth."""
    findings = find_identifying_data({"reason": reason}, request_identity(placement_request))
    return [
        {
            "name": "reason",
            "code": "identifying_data",
            "reason": finding_reason(f),
            "kind": f.kind,
            "start": f.start,
            "end": f.end,
        }
        for f in findings
    ]


def need_profile_words(analysis) -> dict:
    """The need profile in words (the taxonomy's labels, not its codes), and as one line:
    "Behandelgroep, Kleinschalig wonen open; intensiteit M - 4 tot 8 uur per dag; ..."."""
    care_types = [str(label) for label in taxonomy.labels(list(analysis.care_types), CareType)]
    specialisations = [str(label) for label in taxonomy.labels(list(analysis.specialisations), Specialisation)]
    intensity = band_labels().get(analysis.intensity, "") if analysis.intensity else ""
    security = str(Security(analysis.security).label) if analysis.security in Security.values else ""
    parts = [", ".join(care_types)] if care_types else []
    if intensity:
        parts.append(_("intensiteit %(band)s") % {"band": intensity})
    if security:
        parts.append(_("beveiliging: %(level)s") % {"level": security})
    if specialisations:
        parts.append(_("specialisaties: %(list)s") % {"list": ", ".join(specialisations)})
    if analysis.max_distance_km:
        parts.append(_("maximaal %(km)s km van huis") % {"km": analysis.max_distance_km})
    if analysis.school_continuity:
        parts.append(_("huidige school behouden"))
    return {
        "care_types": care_types,
        "specialisations": specialisations,
        "intensity": intensity,
        "security": security,
        "summary": "; ".join(parts),
    }


def legal_status_words(youth) -> dict:
    """The legal status (code and label) and, for a machtiging, the month it ends: the
    month, not the date (an exact date is one more key to the youth)."""
    status = {"code": youth.legal_status, "label": str(LegalStatus(youth.legal_status).label)}
    end = youth.machtiging_end_date if youth.legal_status == LegalStatus.MACHTIGING_GJ else None
    status["machtiging_end_month"] = end.strftime("%Y-%m") if end else None
    status["machtiging_end"] = dateformat.format(end, "F Y") if end else ""
    return status


def offer_referral(placement_request, *, texts: dict, pseudonym: str, today=None, document_kinds=None) -> dict:
    """The anonymised referral (landelijk aanmeldformulier) as the provider receives it.
    Its words (labels of codes) are written in Dutch, the form's language, whoever sends
    it. `document_kinds`: the kinds of the shareable documents that go along (None: all)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _offer_referral(placement_request, texts=texts, pseudonym=pseudonym, today=today, kinds=document_kinds)


def _offer_referral(placement_request, *, texts, pseudonym, today, kinds) -> dict:
    today = today or timezone.localdate()
    youth = placement_request.youth
    analysis = placement_request.analysis
    plan, _safety = _plans(placement_request)
    region = youth.municipality.region
    return {
        "reference": pseudonym,
        "age": youth.age_on(today),
        "gender": youth.gender,
        "home_region": {"code": region.code, "name": region.name},
        "urgency": placement_request.urgency,
        "kind": placement_request.kind,
        "legal_status": legal_status_words(youth),
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
            "words": need_profile_words(analysis),
        },
        "wishes": {"youth": texts.get("wishes_youth", ""), "parents": texts.get("wishes_parents", "")},
        "perspective": {
            "goal": texts.get("placement_goal", ""),
            "expected_duration_months": plan.expected_duration_months if plan else None,
            "return_perspective": plan.return_perspective if plan else "",
            "return_perspective_label": str(plan.get_return_perspective_display()) if plan else "",
            "return_explanation": texts.get("return_explanation", ""),
        },
        "safety_plan": {"risks": texts.get("safety_risks", ""), "agreements": texts.get("safety_agreements", "")},
        # By kind only: a title is free text the referrer wrote ("Zorgvraag <name>") and the
        # file is the dossier itself; both reach the provider only after it accepts, and
        # only the kinds the coordinator chose for this offer.
        "documents": referral_documents(placement_request, kinds),
    }


def referral_documents(placement_request, kinds=None) -> list[dict]:
    """The documents an offer carries: the shareable ones of the chosen kinds (None: all),
    by id and kind only."""
    return [
        {"id": d.pk, "kind": d.kind} for d in shareable_documents(placement_request) if kinds is None or d.kind in kinds
    ]


def shareable_documents(placement_request) -> list:
    """The documents the coordinator marked shareable, oldest first (what an offer may carry)."""
    return list(placement_request.documents.filter(shareable=True).order_by("uploaded_at", "id"))
