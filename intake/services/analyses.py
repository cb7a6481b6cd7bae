"""Writes for the explanatory analysis (a new immutable version per change), the
perspectiefplan, the veiligheidsplan and the alternatives considered. Documents are in
`intake.services.documents`, behavioural-scientist assignments in
`intake.services.assignments`."""

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.selectors import region_ids_of
from core.errors import Conflict, Forbidden, Invalid
from core.events import event_record
from intake.models import (
    INTENSITY_REGEX,
    NEED_PROFILE_FIELDS,
    SECTION_FIELDS,
    AlternativeConsidered,
    AnalysisAssignment,
    ExplanatoryAnalysis,
    PerspectivePlan,
    SafetyPlan,
    Security,
)
from intake.services.workflow import request_editable_check, request_lock
from intake.taxonomy import intensity_known

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANALYSIS_FIELDS = SECTION_FIELDS + ["written_by", "made_with_youth", "made_with_family"] + NEED_PROFILE_FIELDS


def active_assignment_for(placement_request, membership):
    """The assignment through which this behavioural scientist may write (the same rule
    that opens the dossier to them)."""
    return (
        AnalysisAssignment.objects.granting_identity(user_id=membership.user_id, region_ids=region_ids_of(membership))
        .filter(request=placement_request)
        .first()
    )


def content_edit_check(placement_request, membership):
    """Referrers edit their own draft/returned request; a behavioural scientist edits the
    analysis of a request assigned to them. Returns the assignment (or None)."""
    if membership is None:
        raise Forbidden()
    if membership.role == Role.REFERRER:
        if placement_request.referrer_organisation_id != membership.organisation_id:
            raise Forbidden()
        request_editable_check(placement_request)
        return None
    if membership.role == Role.BEHAVIOURAL_SCIENTIST:
        assignment = active_assignment_for(placement_request, membership)
        if assignment is None:
            # A role that may write the analysis, with no accepted (or no longer an active)
            # assignment: the wrong state, not the wrong role (issue 14: 409).
            raise Conflict(_("Neem de opdracht eerst aan."), code="assignment_not_accepted")
        return assignment
    raise Forbidden()


def analysis_validate(values: dict, *, youth, require_need_profile: bool) -> None:
    problems = []
    for name in ("care_types", "specialisations"):
        for code in values.get(name) or []:
            if not SLUG.match(str(code)):
                problems.append({"name": name, "reason": _("'%(code)s' is geen geldige code.") % {"code": code}})
    intensity = values.get("intensity") or ""
    if intensity and not (re.match(INTENSITY_REGEX, intensity) and intensity_known(intensity)):
        problems.append({"name": "intensity", "reason": _("Kies een intensiteitsklasse uit de lijst.")})
    security = values.get("security") or ""
    if security and security not in Security.values:
        problems.append({"name": "security", "reason": _("Kies open of gesloten.")})
    if security == Security.CLOSED and not youth.has_valid_machtiging():
        problems.append(
            {
                "name": "security",
                "reason": _("Gesloten jeugdzorg kan alleen met een geldige machtiging gesloten jeugdzorg."),
            }
        )
    distance = values.get("max_distance_km")
    if distance is not None and distance < 1:
        problems.append({"name": "max_distance_km", "reason": _("De afstand moet minstens 1 km zijn.")})
    if require_need_profile:
        if not values.get("care_types"):
            problems.append({"name": "need_profile.care_types", "reason": _("Kies minstens één passende zorgvorm.")})
        if not intensity:
            problems.append({"name": "need_profile.intensity", "reason": _("Kies de intensiteit.")})
        if not security:
            problems.append({"name": "need_profile.security", "reason": _("Kies het beveiligingsniveau.")})
    if problems:
        raise Invalid(_("De analyse is niet juist ingevuld."), invalid_params=problems)


@transaction.atomic
def analysis_save(
    *,
    placement_request,
    data: dict,
    by,
    membership: Membership,
    partial: bool = True,
    require_need_profile: bool = False,
) -> ExplanatoryAnalysis:
    """Write a new immutable version of the analysis (if anything changed).

    `partial`: fields not given are taken from the latest version; otherwise they are
    emptied (PUT). `require_need_profile`: the result must carry a need profile.
    """
    placement_request = request_lock(placement_request)
    assignment = content_edit_check(placement_request, membership)
    latest = placement_request.analysis
    values = {}
    for name in ANALYSIS_FIELDS:
        if name in data:
            values[name] = data[name]
        elif partial and latest is not None:
            values[name] = getattr(latest, name)
    for name in SECTION_FIELDS + ["written_by"]:
        values[name] = (values.get(name) or "").strip()
    for name in ("care_types", "specialisations"):
        values[name] = list(dict.fromkeys(values.get(name) or []))
    values["intensity"] = values.get("intensity") or ""
    values["security"] = values.get("security") or ""
    values["made_with_youth"] = bool(values.get("made_with_youth"))
    values["made_with_family"] = bool(values.get("made_with_family"))
    values["school_continuity"] = bool(values.get("school_continuity"))
    analysis_validate(values, youth=placement_request.youth, require_need_profile=require_need_profile)
    if latest is not None and all(getattr(latest, name) == values.get(name) for name in ANALYSIS_FIELDS):
        return latest  # nothing changed: no new version
    number = (placement_request.analysis_versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = ExplanatoryAnalysis.objects.create(
        request=placement_request, version=number, previous=latest, created_by=by, assignment=assignment, **values
    )
    placement_request.analysis = version
    placement_request.save(update_fields=["analysis"])
    event_record(
        subject=placement_request,
        event_type="analysis_version_created",
        by=by,
        organisation=membership.organisation,
        details={"version": number, "analysis_id": version.pk, "by_behavioural_scientist": assignment is not None},
    )
    return version


@transaction.atomic
def perspective_plan_save(*, placement_request, data: dict, by, membership) -> PerspectivePlan:
    placement_request = request_lock(placement_request)
    content_edit_check(placement_request, membership)
    problems = []
    if not (data.get("goal") or "").strip():
        problems.append({"name": "perspective_plan.goal", "reason": _("Beschrijf het doel van de plaatsing.")})
    months = data.get("expected_duration_months")
    if months is None or not (1 <= months <= 120):
        problems.append(
            {
                "name": "perspective_plan.expected_duration_months",
                "reason": _("Geef een verwachte duur van 1 tot 120 maanden."),
            }
        )
    if data.get("return_perspective") not in PerspectivePlan.Return.values:
        problems.append({"name": "perspective_plan.return_perspective", "reason": _("Kies het perspectief.")})
    if problems:
        raise Invalid(_("Het perspectiefplan is niet volledig."), invalid_params=problems)
    plan, _created = PerspectivePlan.objects.update_or_create(
        request=placement_request,
        defaults={
            "goal": data["goal"].strip(),
            "expected_duration_months": months,
            "return_perspective": data["return_perspective"],
            "return_explanation": (data.get("return_explanation") or "").strip(),
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    event_record(
        subject=placement_request, event_type="perspective_plan_saved", by=by, organisation=membership.organisation
    )
    return plan


@transaction.atomic
def safety_plan_save(*, placement_request, data: dict, by, membership) -> SafetyPlan:
    placement_request = request_lock(placement_request)
    content_edit_check(placement_request, membership)
    problems = []
    for name, reason in (
        ("risks", _("Beschrijf de risico's en signalen.")),
        ("agreements", _("Beschrijf de afspraken.")),
    ):
        if not (data.get(name) or "").strip():
            problems.append({"name": f"safety_plan.{name}", "reason": reason})
    if problems:
        raise Invalid(_("Het veiligheidsplan is niet volledig."), invalid_params=problems)
    plan, _created = SafetyPlan.objects.update_or_create(
        request=placement_request,
        defaults={
            "risks": data["risks"].strip(),
            "agreements": data["agreements"].strip(),
            "contacts": (data.get("contacts") or "").strip(),
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    event_record(subject=placement_request, event_type="safety_plan_saved", by=by, organisation=membership.organisation)
    return plan


@transaction.atomic
def alternatives_set(*, placement_request, alternatives: list[dict], by, membership) -> list[AlternativeConsidered]:
    """Replace the list of lighter alternatives considered."""
    placement_request = request_lock(placement_request)
    content_edit_check(placement_request, membership)
    problems = []
    for index, item in enumerate(alternatives):
        if item.get("form") not in AlternativeConsidered.Form.values:
            problems.append({"name": f"alternatives.{index}.form", "reason": _("Kies de vorm van hulp.")})
        for name in ("description", "why_insufficient"):
            if not (item.get(name) or "").strip():
                problems.append({"name": f"alternatives.{index}.{name}", "reason": _("Dit veld is verplicht.")})
    if problems:
        raise Invalid(_("De alternatieven zijn niet volledig."), invalid_params=problems)
    placement_request.alternatives.all().delete()
    rows = AlternativeConsidered.objects.bulk_create(
        [
            AlternativeConsidered(
                request=placement_request,
                form=item["form"],
                description=item["description"].strip(),
                why_insufficient=item["why_insufficient"].strip(),
            )
            for item in alternatives
        ]
    )
    event_record(
        subject=placement_request,
        event_type="alternatives_saved",
        by=by,
        organisation=membership.organisation,
        details={"count": len(rows)},
    )
    return rows
