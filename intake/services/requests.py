"""Writes for youth and placement requests while the referrer files them: create, update,
file all at once (API), save the content. Submission, triage and withdrawal are in
`intake.services.triage`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from core.errors import Invalid
from core.events import event_record
from intake import crypto, selectors
from intake.models import (
    Guardian,
    Kind,
    LegalStatus,
    PlacementRequest,
    Status,
    Urgency,
    Youth,
)
from intake.services import analyses as analyses_services
from intake.services.workflow import (
    referrer_check,
    request_editable_check,
    request_lock,
)

YOUTH_FIELDS = [
    "given_names",
    "family_name",
    "birth_date",
    "gender",
    "address",
    "postcode",
    "city",
    "municipality",
    "legal_status",
    "machtiging_end_date",
    "school",
]
REQUIRED_YOUTH_FIELDS = ["given_names", "family_name", "birth_date", "gender", "municipality"]
# One youth across requests (issue 11 point 3). When a new request joins an existing youth
# record by BSN, what the referrer entered now is the latest known for the youth's
# circumstances (where they live, school, legal status, and the guardians when given),
# so those replace the stored values; the identity (names, birth date, gender) stays as it
# was stored with the BSN, and which of those differed is recorded (names of fields only).
# The BSN itself matched and is never changed by a link.
YOUTH_CURRENT_FIELDS = [
    "address",
    "postcode",
    "city",
    "municipality",
    "legal_status",
    "machtiging_end_date",
    "school",
]
YOUTH_IDENTITY_FIELDS = ["given_names", "family_name", "birth_date", "gender"]


# --- youth -----------------------------------------------------------------------------


def youth_validate(data: dict, *, partial: bool = False) -> None:
    """Raise Invalid naming every field that breaks a rule."""
    problems = []
    if not partial:
        for name in REQUIRED_YOUTH_FIELDS:
            if data.get(name) in (None, ""):
                problems.append({"name": name, "reason": _("Dit veld is verplicht.")})
    bsn = data.get("bsn")
    if bsn and not crypto.bsn_is_valid(bsn):
        problems.append({"name": "bsn", "reason": _("Dit is geen geldig BSN (de elfproef klopt niet).")})
    birth_date = data.get("birth_date")
    today = timezone.localdate()
    if birth_date and birth_date > today:
        problems.append({"name": "birth_date", "reason": _("De geboortedatum ligt in de toekomst.")})
    elif birth_date and today.year - birth_date.year > 23:
        problems.append(
            {"name": "birth_date", "reason": _("Jeugdhulp is er tot 23 jaar; controleer de geboortedatum.")}
        )
    if data.get("legal_status") == LegalStatus.MACHTIGING_GJ and not data.get("machtiging_end_date"):
        problems.append(
            {"name": "machtiging_end_date", "reason": _("Vul de einddatum van de machtiging gesloten jeugdzorg in.")}
        )
    for index, guardian in enumerate(data.get("guardians") or []):
        if not (guardian.get("name") or "").strip():
            problems.append(
                {"name": f"guardians.{index}.name", "reason": _("Vul de naam van de ouder of verzorger in.")}
            )
    if problems:
        raise Invalid(_("De gegevens van de jeugdige zijn niet volledig of niet juist."), invalid_params=problems)


def _youth_apply(youth: Youth, data: dict) -> None:
    for name in YOUTH_FIELDS:
        if name in data:
            setattr(youth, name, data[name] if data[name] is not None or name == "machtiging_end_date" else "")
    if youth.legal_status != LegalStatus.MACHTIGING_GJ:
        youth.machtiging_end_date = None
    if "bsn" in data:
        youth.set_bsn(data["bsn"] or "")


def _guardians_set(youth: Youth, guardians) -> None:
    if guardians is None:
        return
    youth.guardians.all().delete()
    Guardian.objects.bulk_create(
        [
            Guardian(
                youth=youth,
                name=g["name"].strip(),
                relationship=g.get("relationship", ""),
                has_authority=bool(g.get("has_authority")),
                phone=g.get("phone", ""),
                email=g.get("email", ""),
            )
            for g in guardians
        ]
    )


def _shared_bsn_check(record: Youth, data: dict) -> None:
    """A youth record shared by several requests keeps its BSN: a draft may add one where
    there is none, but not change or remove it (that would silently change the BSN of the
    other requests too). Unlinking first gives the request its own record."""
    if "bsn" not in data or not record.bsn_hash:
        return
    new = crypto.bsn_normalise(data.get("bsn") or "")
    if crypto.blind_index(new, purpose="bsn") == record.bsn_hash:
        return
    if record.requests.count() > 1:
        raise Invalid.field(
            "bsn",
            _(
                "Deze jeugdige is gekoppeld aan andere verzoeken; het BSN wijzigt u hier niet. "
                "Ontkoppel het verzoek eerst als het om een andere jeugdige gaat."
            ),
            code="bsn_shared",
        )


# --- requests --------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    youth: dict,
    by,
    membership: Membership,
    urgency: str = Urgency.REGULAR,
    kind: str = Kind.FIRST,
    previous_request: PlacementRequest | None = None,
    wishes_youth: str = "",
    wishes_parents: str = "",
) -> PlacementRequest:
    """A referrer starts a request (a draft) for a youth."""
    referrer_check(membership)
    youth_validate(youth)
    if kind == Kind.TRANSFER and previous_request is None:
        raise Invalid.field("previous_request", _("Een doorplaatsing verwijst naar het vorige verzoek."))
    record, link = youth_for_new_request(youth, membership=membership)
    placement_request = PlacementRequest.objects.create(
        youth=record,
        referrer_organisation=membership.organisation,
        referrer=by,
        region=record.municipality.region,
        urgency=urgency,
        kind=kind,
        previous_request=previous_request,
        wishes_youth=wishes_youth,
        wishes_parents=wishes_parents,
    )
    event_record(
        subject=placement_request,
        event_type="request_created",
        by=by,
        organisation=membership.organisation,
        to_state=Status.DRAFT,
        details={"kind": kind, "urgency": urgency},
    )
    if link is not None:
        event_record(
            subject=placement_request,
            event_type="youth_linked",
            by=by,
            organisation=membership.organisation,
            reason_code="bsn",
            details={"how": "bsn", "youth": record.pk, **link},
        )
    return placement_request


def youth_for_new_request(data: dict, *, membership) -> tuple[Youth, dict | None]:
    """The youth record of a new request: the existing one with the same BSN that the
    referrer may see (`intake.selectors.youth_for_bsn`, row locked), updated as
    YOUTH_CURRENT_FIELDS says, or a new record. Returns the record and, for a link, what
    the link event records."""
    bsn = crypto.bsn_normalise(data.get("bsn") or "")
    youth_id = selectors.youth_for_bsn(
        bsn_hash=crypto.blind_index(bsn, purpose="bsn") if bsn else "", membership=membership
    )
    if youth_id is None:
        record = Youth()
        _youth_apply(record, data)
        record.save()
        _guardians_set(record, data.get("guardians"))
        return record, None
    record = Youth.objects.select_for_update().get(pk=youth_id)
    kept = sorted(
        name
        for name in YOUTH_IDENTITY_FIELDS
        if name in data and data[name] not in (None, "") and getattr(record, name) != data[name]
    )
    current = {name: data[name] for name in YOUTH_CURRENT_FIELDS if name in data}
    updated = sorted(
        name
        for name, value in current.items()
        if getattr(record, name) != (value if value is not None or name == "machtiging_end_date" else "")
    )
    _youth_apply(record, current)
    record.save()
    if data.get("guardians"):
        _guardians_set(record, data["guardians"])
        updated.append("guardians")
    return record, {"kept": kept, "updated": updated}


@transaction.atomic
def request_update(
    *, placement_request: PlacementRequest, by, membership: Membership, youth: dict | None = None, **fields
) -> PlacementRequest:
    """Change a draft or returned request: youth data, urgency, wishes."""
    referrer_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    request_editable_check(placement_request)
    changed = []
    if youth:
        youth_validate(youth, partial=True)
        record = placement_request.youth
        _shared_bsn_check(record, youth)
        _youth_apply(record, youth)
        youth_validate({name: getattr(record, name) for name in YOUTH_FIELDS})
        record.save()
        _guardians_set(record, youth.get("guardians"))
        if record.municipality.region_id != placement_request.region_id:
            placement_request.region = record.municipality.region
            changed.append("region")
        changed.append("youth")
    for name in ("urgency", "wishes_youth", "wishes_parents"):
        if name in fields and fields[name] is not None:
            setattr(placement_request, name, fields[name])
            changed.append(name)
    placement_request.save()
    if changed:
        event_record(
            subject=placement_request,
            event_type="request_updated",
            by=by,
            organisation=membership.organisation,
            details={"changed": sorted(set(changed))},
        )
    return placement_request


@transaction.atomic
def request_file(
    *,
    by,
    membership: Membership,
    youth: dict,
    urgency: str = Urgency.REGULAR,
    kind: str = Kind.FIRST,
    previous_request: PlacementRequest | None = None,
    wishes: dict | None = None,
    analysis: dict | None = None,
    perspective_plan: dict | None = None,
    safety_plan: dict | None = None,
    alternatives: list | None = None,
) -> PlacementRequest:
    """Create a draft request with whatever content is given, all or nothing (API)."""
    wishes = wishes or {}
    placement_request = request_create(
        youth=youth,
        by=by,
        membership=membership,
        urgency=urgency,
        kind=kind,
        previous_request=previous_request,
        wishes_youth=wishes.get("youth", ""),
        wishes_parents=wishes.get("parents", ""),
    )
    request_content_save(
        placement_request=placement_request,
        by=by,
        membership=membership,
        analysis=analysis,
        perspective_plan=perspective_plan,
        safety_plan=safety_plan,
        alternatives=alternatives,
    )
    placement_request.refresh_from_db()
    return placement_request


@transaction.atomic
def request_content_save(
    *, placement_request, by, membership, analysis=None, perspective_plan=None, safety_plan=None, alternatives=None
) -> None:
    if analysis is not None:
        analyses_services.analysis_save(
            placement_request=placement_request,
            data=analysis,
            by=by,
            membership=membership,
            partial=False,
            require_need_profile=True,
        )
    if perspective_plan is not None:
        analyses_services.perspective_plan_save(
            placement_request=placement_request, data=perspective_plan, by=by, membership=membership
        )
    if safety_plan is not None:
        analyses_services.safety_plan_save(
            placement_request=placement_request, data=safety_plan, by=by, membership=membership
        )
    if alternatives is not None:
        analyses_services.alternatives_set(
            placement_request=placement_request, alternatives=alternatives, by=by, membership=membership
        )
