"""One youth across requests (issue 11 point 3): link a request to the youth record of an
earlier request by hand, or unlink it again, each with a reason, an event on the request
and an access-log row.

A new request with a BSN joins the existing youth by itself (`intake.services.requests`,
within what the referrer may see). These services are for the rest: no BSN, or the same
BSN in a request of another organisation of the region that only the coordinator sees.

Who: the referrer for their own organisation's requests (and only towards those), the
coordinator for the requests of their region(s). The target is a request the acting user
may see (`intake.selectors.request_scope`); any other request number is a 404, the same
answer as for a number that does not exist.

What moves with the request: its placement and its transfer row (they name the youth), so
transfers and changes of provider count per youth across requests. Linking fills blanks of
the target record (address, postcode, city, school, the BSN, the guardians) from the
request's old record and never overwrites a value; two different BSNs are never linked. A
youth record left without requests is deleted (the link event keeps its id). Unlinking
gives the request its own copy of the record (the BSN included: correct it on the request
if it was wrong).

Lock order: the request row, then the youth rows in id order.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Role
from core.access_log import access_log_record
from core.errors import Conflict, Invalid, NotFound
from core.events import event_record
from intake.models import Guardian, PlacementRequest, Youth
from intake.selectors import PURPOSE_BY_ROLE, request_scope
from intake.services.workflow import is_coordinator_of, referrer_check, request_lock
from placement.models import Placement, Transfer

# Blanks of the target record that a link fills from the request's old record.
FILL_BLANKS = ("address", "postcode", "city", "school")
_REFERENCE = re.compile(r"^\s*(?:PV-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


def request_number_parse(value) -> int | None:
    """A request number as people type it ("PV-000123", "pv123", "123"), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    match = _REFERENCE.match(str(value or ""))
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _actor_role(membership, placement_request) -> str:
    if is_coordinator_of(membership, placement_request):
        return Role.COORDINATOR
    referrer_check(membership, placement_request)  # Forbidden for anyone else
    return Role.REFERRER


def _youth_lock(*ids) -> dict[int, Youth]:
    rows = Youth.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {youth.pk: youth for youth in rows}


def _move(placement_request: PlacementRequest, youth: Youth) -> None:
    """The request and the rows that name its youth (placement, transfer) to `youth`."""
    PlacementRequest.objects.filter(pk=placement_request.pk).update(youth=youth)
    Placement.objects.filter(request=placement_request).update(youth=youth)
    Transfer.objects.filter(new_request=placement_request).update(youth=youth)
    placement_request.youth = youth


def _guardians_copy(source: Youth, target: Youth) -> None:
    Guardian.objects.bulk_create(
        [
            Guardian(
                youth=target,
                name=g.name,
                relationship=g.relationship,
                has_authority=g.has_authority,
                phone=g.phone,
                email=g.email,
            )
            for g in source.guardians.all()
        ]
    )


def _delete_if_orphan(youth: Youth) -> bool:
    if youth.requests.exists():
        return False
    try:
        with transaction.atomic():
            youth.delete()  # its guardians go with it
    except ProtectedError:  # e.g. a pseudonymisation record keeps it
        return False
    return True


@transaction.atomic
def youth_link(*, placement_request: PlacementRequest, target, reason: str, by, membership) -> PlacementRequest:
    """Link the request to the youth record of the request numbered `target` (an id or a
    request number as typed). Invalid names `target_request` and/or `reason` (all at once);
    NotFound when the target request is not one the acting user may see."""
    role = _actor_role(membership, placement_request)
    reason = (reason or "").strip()
    target_id = request_number_parse(target)
    problems = []
    if target_id is None:
        problems.append({"name": "target_request", "reason": _("Vul het verzoeknummer in, bijvoorbeeld PV-000123.")})
    if not reason:
        problems.append({"name": "reason", "reason": _("Geef aan waarom dit dezelfde jeugdige is.")})
    if problems:
        raise Invalid(_("De koppeling is niet volledig."), invalid_params=problems)
    target_request = request_scope(membership).filter(pk=target_id).first()
    if target_request is None:
        raise NotFound(_("Er is geen verzoek met dit nummer dat u mag zien."))
    placement_request = request_lock(placement_request)
    if target_request.pk == placement_request.pk or target_request.youth_id == placement_request.youth_id:
        raise Invalid.field(
            "target_request", _("Dit verzoek is al aan deze jeugdige gekoppeld."), code="already_linked"
        )
    rows = _youth_lock(placement_request.youth_id, target_request.youth_id)
    old, youth = rows[placement_request.youth_id], rows[target_request.youth_id]
    if old.bsn_hash and youth.bsn_hash and old.bsn_hash != youth.bsn_hash:
        raise Invalid.field(
            "target_request",
            _("De jeugdige van dat verzoek heeft een ander BSN; verzoeken met verschillende BSN's koppelt u niet."),
            code="bsn_differs",
        )
    filled = []
    if old.bsn_hash and not youth.bsn_hash:
        youth.bsn_encrypted, youth.bsn_hash = old.bsn_encrypted, old.bsn_hash
        filled.append("bsn")
    for name in FILL_BLANKS:
        if not getattr(youth, name) and getattr(old, name):
            setattr(youth, name, getattr(old, name))
            filled.append(name)
    if filled:
        youth.save()
    if not youth.guardians.exists() and old.guardians.exists():
        _guardians_copy(old, youth)
        filled.append("guardians")
    _move(placement_request, youth)
    old_id = old.pk
    old_deleted = _delete_if_orphan(old)
    event_record(
        subject=placement_request,
        event_type="youth_linked",
        by=by,
        organisation=membership.organisation,
        reason_code="manual",
        details={
            "how": "manual",
            "reason": reason,
            "youth": youth.pk,
            "from_youth": old_id,
            "from_youth_deleted": old_deleted,
            "target_request": target_request.pk,
            "filled": filled,
        },
    )
    access_log_record(
        user=by,
        membership=membership,
        subject=youth,
        purpose=PURPOSE_BY_ROLE[role],
        details={"request": placement_request.pk, "target_request": target_request.pk, "view": "youth_link"},
    )
    return placement_request


@transaction.atomic
def youth_unlink(*, placement_request: PlacementRequest, reason: str, by, membership) -> PlacementRequest:
    """Give the request its own copy of its youth record (it was linked to the wrong youth).
    Invalid names `reason`; Conflict when the record is the request's alone already."""
    role = _actor_role(membership, placement_request)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("De ontkoppeling is niet volledig."),
            invalid_params=[{"name": "reason", "reason": _("Geef aan waarom dit niet dezelfde jeugdige is.")}],
        )
    placement_request = request_lock(placement_request)
    old = _youth_lock(placement_request.youth_id)[placement_request.youth_id]
    if not old.requests.exclude(pk=placement_request.pk).exists():
        raise Conflict(_("Dit verzoek is niet aan andere verzoeken gekoppeld."), code="not_linked")
    copy = Youth(
        **{
            f.attname: getattr(old, f.attname)
            for f in Youth._meta.concrete_fields
            if f.name not in ("id", "created_at") and not getattr(f, "compute", "")
        }
    )
    copy.save()
    _guardians_copy(old, copy)
    _move(placement_request, copy)
    event_record(
        subject=placement_request,
        event_type="youth_unlinked",
        by=by,
        organisation=membership.organisation,
        reason_code="manual",
        details={"reason": reason, "youth": copy.pk, "from_youth": old.pk},
    )
    access_log_record(
        user=by,
        membership=membership,
        subject=old,
        purpose=PURPOSE_BY_ROLE[role],
        details={"request": placement_request.pk, "youth_copy": copy.pk, "view": "youth_unlink"},
    )
    return placement_request


__all__ = ["request_number_parse", "youth_link", "youth_unlink"]
