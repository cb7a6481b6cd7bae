"""Who has a request in hand (issue 11): the owner, a coordinator of the request's region.

A coordinator takes a request ("assign to me"), hands it to another coordinator of the
region, or lets it go (no owner). Each change appends a `request_owner_changed` event;
a coordinator who is handed a request hears of it in the app.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import Invalid, TransitionNotAllowed
from core.events import event_record
from core.outbox import outbox_enqueue
from intake.models import OPEN_STATUSES, PlacementRequest
from intake.services.workflow import coordinator_check, request_lock
from placement.selectors.queue import owner_candidates


@transaction.atomic
def request_owner_set(*, placement_request: PlacementRequest, owner_id: int | None, by, membership) -> PlacementRequest:
    """Make the user `owner_id` (None: nobody) the owner of the request. Only a
    coordinator of the request's region acts (else Forbidden), only an active
    coordinator of that region may own it (else Invalid naming `owner`), and only while
    the request is open (else TransitionNotAllowed)."""
    coordinator_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    if placement_request.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("Een verzoek met status '%(status)s' krijgt geen behandelaar meer.")
            % {"status": placement_request.get_status_display()}
        )
    owner = None
    if owner_id is not None:
        owner = next((u for u in owner_candidates(region_ids=[placement_request.region_id]) if u.pk == owner_id), None)
        if owner is None:
            raise Invalid.field("owner", _("Kies een plaatsingscoördinator van de regio van dit verzoek."))
    previous = placement_request.owner_id
    if previous == owner_id:
        return placement_request
    placement_request.owner = owner
    placement_request.save(update_fields=["owner"])
    event_record(
        subject=placement_request,
        event_type="request_owner_changed",
        by=by,
        organisation=membership.organisation,
        details={"from": previous, "to": owner_id},
    )
    if owner is not None and owner.pk != by.pk:
        outbox_enqueue(
            recipient=owner,
            subject=_("Plaatsingsverzoek %(ref)s is aan u toegewezen") % {"ref": placement_request.reference},
            body=_("%(by)s heeft plaatsingsverzoek %(ref)s aan u toegewezen.")
            % {"by": by.get_full_name() or by.username, "ref": placement_request.reference},
            url=reverse("placement:request-detail", args=[placement_request.pk]),
            email=False,
        )
    return placement_request
