"""Decline policy, parking (issue 11 point 8): after a decline with one of the region's
`decline_parking_reasons` the request is parked for `decline_parking_days` calendar days:
it stays in matching but is not offered (offer_create refuses, and so does a database
trigger on the offer table) until `parked_until`. The coordinator may lift the parking
early, with a reason. Both are events on the request's timeline.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.events import event_record
from intake.models import PlacementRequest
from intake.services.workflow import coordinator_check, request_lock


def request_park_after_decline(placement_request: PlacementRequest, offer, *, by, organisation) -> date | None:
    """Inside the decline (the request row is locked): park when the region says so for
    this decline reason. Returns the date the parking ends, or None."""
    region = placement_request.region
    if offer.decline_reason not in (region.decline_parking_reasons or ()) or region.decline_parking_days <= 0:
        return None
    until = timezone.localdate() + timedelta(days=region.decline_parking_days)
    placement_request.parked_until = until
    placement_request.parked_reason = offer.decline_reason
    placement_request.save(update_fields=["parked_until", "parked_reason"])
    event_record(
        subject=placement_request,
        event_type="request_parked",
        by=by,
        organisation=organisation,
        reason_code=offer.decline_reason,
        details={"offer": offer.pk, "until": until.isoformat(), "days": region.decline_parking_days},
    )
    return until


@transaction.atomic
def request_parking_lift(*, placement_request: PlacementRequest, reason: str, by, membership) -> PlacementRequest:
    """The coordinator ends the parking before its date, with a reason."""
    coordinator_check(membership, placement_request)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", _("Geef aan waarom u het parkeren opheft."))
    placement_request = request_lock(placement_request)
    if not placement_request.is_parked():
        raise Conflict(_("Dit verzoek is niet geparkeerd."), code="not_parked")
    until, parked_reason = placement_request.parked_until, placement_request.parked_reason
    placement_request.parked_until = None
    placement_request.parked_reason = ""
    placement_request.save(update_fields=["parked_until", "parked_reason"])
    event_record(
        subject=placement_request,
        event_type="parking_lifted",
        by=by,
        organisation=membership.organisation,
        reason_code=parked_reason,
        details={"reason": reason, "was_until": until.isoformat()},
    )
    return placement_request
