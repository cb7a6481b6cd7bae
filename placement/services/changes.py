"""Changes in place (issue 11, point 6): the intensity, the legal status (with the end date
of a machtiging) or the care type of a running placement changes while the youth stays
where they are.

A change in place is not a transfer and not an end: the request stays `placed`, the place
stays occupied (no capacity service is called), no `Transfer` row and no new request are
made, so the transfer figures and the changes of provider do not count it. Each changed
value is one immutable `PlacementChange` row and one `placement_changed` event.

Lock order, as everywhere: the request row, then the placement row, then the youth row.
Two changes at once on the same placement queue on the request lock; the second reads the
values the first wrote, so the history stays a chain (each change's old value is the
previous change's new value).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from capacity.models import CareType, SecurityLevel
from capacity.selectors import active_band_codes
from core.errors import Conflict, Invalid
from core.events import event_record
from core.outbox import outbox_enqueue
from intake.models import CHANGE_IN_PLACE_FROM, LegalStatus, Status, Youth
from intake.services.workflow import coordinators_notify, provider_staff_notify, request_lock, transition_check
from placement.models import ChangeField, Placement, PlacementChange
from placement.services.placements import placement_actor_role

__all__ = ["placement_change", "provider_placement_url"]


def provider_placement_url(placement) -> str:
    """Where provider staff find a placement: its offer's page (a placement without an
    offer, such as a crisis placement, has none yet: no link)."""
    return reverse("placement:provider-offer", args=[placement.offer_id]) if placement.offer_id else ""


def _legal_label(status: str, end_date: date | None) -> str:
    label = LegalStatus(status).label if status in LegalStatus.values else status
    if status == LegalStatus.MACHTIGING_GJ and end_date:
        label += " " + _("tot %(date)s") % {"date": end_date.strftime("%d-%m-%Y")}
    return label


def _value_label(field: str, value: str, end_date: date | None = None) -> str:
    if field == ChangeField.LEGAL_STATUS:
        return _legal_label(value, end_date)
    if field == ChangeField.CARE_TYPE:
        care_type = CareType.objects.filter(code=value).first()
        return care_type.label if care_type else (value or "-")
    return value or "-"


def _check_input(*, placement, youth, effective_date, reason, intensity, care_type, legal_status, machtiging_end_date):
    """Every problem at once, and the changes as (field, old, new, old_end, new_end)."""
    today = timezone.localdate()
    problems, changes = [], []
    if effective_date is None:
        problems.append({"name": "effective_date", "reason": _("Vul de ingangsdatum van de wijziging in.")})
    elif effective_date < placement.start_date or effective_date > today:
        problems.append(
            {
                "name": "effective_date",
                "reason": _("De ingangsdatum ligt tussen de start van de plaatsing (%(date)s) en vandaag.")
                % {"date": placement.start_date.strftime("%d-%m-%Y")},
            }
        )
    if not reason:
        problems.append({"name": "reason", "reason": _("Geef de reden van de wijziging.")})

    if intensity:
        if intensity not in active_band_codes():
            problems.append({"name": "intensity", "reason": _("Kies een intensiteit uit de lijst.")})
        elif intensity != placement.intensity:
            changes.append((ChangeField.INTENSITY, placement.intensity, intensity, None, None))

    new_care_type = None
    if care_type:
        new_care_type = CareType.objects.filter(code=care_type, is_active=True).first()
        if new_care_type is None:
            problems.append({"name": "care_type", "reason": _("Kies een zorgvorm uit de lijst.")})
        elif new_care_type.pk != placement.care_type_id:
            old = placement.care_type.code if placement.care_type_id else ""
            changes.append((ChangeField.CARE_TYPE, old, new_care_type.code, None, None))

    # The legal status: a new status, or (same status) a machtiging with a new end date.
    new_status = legal_status or (youth.legal_status if machtiging_end_date else "")
    new_end = None
    if new_status:
        if new_status not in LegalStatus.values:
            problems.append({"name": "legal_status", "reason": _("Kies een juridische status uit de lijst.")})
            new_status = ""
        elif new_status == LegalStatus.MACHTIGING_GJ:
            new_end = machtiging_end_date
            if new_end is None:
                problems.append({"name": "machtiging_end_date", "reason": _("Vul de einddatum van de machtiging in.")})
            elif new_end < today or (effective_date is not None and new_end <= effective_date):
                problems.append(
                    {
                        "name": "machtiging_end_date",
                        "reason": _("De einddatum van de machtiging ligt na de ingangsdatum en niet in het verleden."),
                    }
                )
        elif machtiging_end_date:
            problems.append(
                {
                    "name": "machtiging_end_date",
                    "reason": _("Alleen een machtiging gesloten jeugdzorg heeft een einddatum; laat dit veld leeg."),
                }
            )
    if new_status and not any(p["name"] in ("legal_status", "machtiging_end_date") for p in problems):
        old_end = youth.machtiging_end_date
        if new_status != youth.legal_status or (new_status == LegalStatus.MACHTIGING_GJ and new_end != old_end):
            changes.append((ChangeField.LEGAL_STATUS, youth.legal_status, new_status, old_end, new_end))

    # Closed care only with a valid machtiging (as in matching), on the date the change takes
    # effect; asked of changes to the legal status or the care type (an intensity change
    # alone leaves the machtiging as it was).
    status_after = new_status or youth.legal_status
    end_after = new_end if new_status else youth.machtiging_end_date
    care_after = new_care_type or placement.care_type
    on = effective_date or today
    has_machtiging = status_after == LegalStatus.MACHTIGING_GJ and end_after is not None and end_after >= on
    needs_machtiging = placement.facility.security_level == SecurityLevel.CLOSED or (
        care_after is not None and care_after.requires_authorisation
    )
    touches_machtiging = any(c[0] in (ChangeField.LEGAL_STATUS, ChangeField.CARE_TYPE) for c in changes)
    if touches_machtiging and needs_machtiging and not has_machtiging:
        name = "care_type" if (new_care_type and new_care_type.requires_authorisation) else "legal_status"
        problems.append(
            {
                "name": name,
                "reason": _(
                    "Gesloten jeugdzorg kan alleen met een geldige machtiging. Leg een machtiging vast, "
                    "of beëindig de plaatsing als de jeugdige naar een open plek gaat."
                ),
            }
        )
    if not problems and not changes:
        problems.append(
            {
                "name": "changes",
                "reason": _("Er verandert niets: kies een andere intensiteit, juridische status of zorgvorm."),
            }
        )
    return problems, changes, new_care_type


@transaction.atomic
def placement_change(
    *,
    placement: Placement,
    effective_date: date | None,
    reason: str,
    by,
    membership,
    intensity: str = "",
    care_type: str = "",
    legal_status: str = "",
    machtiging_end_date: date | None = None,
) -> list[PlacementChange]:
    """Record a change in place of a running placement. Empty values stay as they are; a
    value equal to the current one is no change. Returns one row per changed field."""
    placement_request = request_lock(placement.request)
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("facility", "provider", "care_type")
        .get(pk=placement.pk)
    )
    role = placement_actor_role(membership, placement_request, placement.provider_id)
    transition_check(placement_request, Status.PLACED, role, sources=CHANGE_IN_PLACE_FROM)
    if placement.end_date is not None:
        raise Conflict(_("Deze plaatsing is al beëindigd."), code="placement_ended")
    youth = Youth.objects.select_for_update().get(pk=placement.youth_id)
    reason = (reason or "").strip()
    problems, changes, new_care_type = _check_input(
        placement=placement,
        youth=youth,
        effective_date=effective_date,
        reason=reason,
        intensity=(intensity or "").strip(),
        care_type=(care_type or "").strip(),
        legal_status=(legal_status or "").strip(),
        machtiging_end_date=machtiging_end_date,
    )
    if problems:
        raise Invalid(_("De wijziging in de plaatsing is niet juist ingevuld."), invalid_params=problems)

    rows = []
    for field, old, new, old_end, new_end in changes:
        if field == ChangeField.INTENSITY:
            placement.intensity = new
            placement.save(update_fields=["intensity"])
        elif field == ChangeField.CARE_TYPE:
            placement.care_type = new_care_type
            placement.save(update_fields=["care_type"])
        else:  # the legal status lives on the youth (one place: matching and the gate read it there)
            youth.legal_status = new
            youth.machtiging_end_date = new_end if new == LegalStatus.MACHTIGING_GJ else None
            youth.save(update_fields=["legal_status", "machtiging_end_date"])
        change = PlacementChange.objects.create(
            placement=placement,
            field=field,
            old_value=old,
            new_value=new,
            old_end_date=old_end,
            new_end_date=new_end,
            effective_date=effective_date,
            reason=reason,
            created_by=by,
            organisation=membership.organisation,
        )
        rows.append(change)
        event_record(
            subject=placement_request,
            event_type="placement_changed",
            by=by,
            organisation=membership.organisation,
            from_state=Status.PLACED,
            to_state=Status.PLACED,
            reason_code=field,
            details={
                "placement": placement.pk,
                "change": change.pk,
                "field": field,
                "old": old,
                "new": new,
                "old_end_date": old_end.isoformat() if old_end else None,
                "new_end_date": new_end.isoformat() if new_end else None,
                "effective_date": effective_date.isoformat(),
                "reason": reason,
            },
        )

    summary = "; ".join(
        _("%(field)s: %(old)s → %(new)s")
        % {
            "field": ChangeField(field).label,
            "old": _value_label(field, old, old_end),
            "new": _value_label(field, new, new_end),
        }
        for field, old, new, old_end, new_end in changes
    )
    subject = _("Wijziging in plaatsing %(ref)s") % {"ref": placement_request.reference}
    body = _(
        "%(summary)s, per %(date)s. Reden: %(reason)s. De jeugdige blijft op dezelfde plek (geen doorplaatsing)."
    ) % {"summary": summary, "date": effective_date.strftime("%d-%m-%Y"), "reason": reason}
    outbox_enqueue(
        recipient=placement_request.referrer,
        subject=subject,
        body=body,
        url=reverse("placement:request-detail", args=[placement_request.pk]),
    )
    if role == Role.PROVIDER:
        coordinators_notify(placement_request, subject, body)
    else:
        provider_staff_notify(placement.provider_id, subject, body, provider_placement_url(placement))
    return rows
