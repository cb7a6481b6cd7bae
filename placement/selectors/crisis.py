"""Reads for crisis placements (issue 11): the follow-up requests whose dossier is still
due, for the coordinator's home, and the facilities a crisis placement may use."""

from django.utils import timezone

from capacity.selectors import facility_list
from intake.models import Status
from intake.selectors import LIST_DEFERRED_YOUTH, access_log_bulk, request_scope
from placement.deadlines import AMSTERDAM
from placement.models import Placement, PlacementKind

# A follow-up shows until the coordinator decided on it: its dossier is due, back with the
# referrer, or submitted and waiting for the follow-up triage.
FOLLOW_UP_OPEN = (Status.CRISIS, Status.RETURNED, Status.SUBMITTED, Status.EXPERT_TABLE)


def crisis_followups(*, membership, now=None) -> list:
    """Open crisis follow-ups of the coordinator's regions, the earliest due first, each
    with its crisis placement and whether the dossier is overdue (still not submitted after
    its due day). Reads of the youth's identity are logged (the list shows the name)."""
    today = timezone.localtime(now or timezone.now(), AMSTERDAM).date()
    rows = list(
        request_scope(membership)
        .filter(status__in=FOLLOW_UP_OPEN, crisis_dossier_due__isnull=False)
        .select_related("youth", "referrer_organisation", "placement__facility")
        .defer(*LIST_DEFERRED_YOUTH)
        .order_by("crisis_dossier_due", "pk")
    )
    if rows:
        access_log_bulk(membership=membership, requests=rows, view="crisis_followups")
    for r in rows:
        r.dossier_pending = r.status in (Status.CRISIS, Status.RETURNED)
        r.dossier_overdue = r.dossier_pending and r.crisis_dossier_due < today
    return rows


def crisis_facilities(*, membership, now=None):
    """The facilities a coordinator may register a crisis placement in, with free places."""
    return facility_list(membership=membership, now=now, detail=False)


def crisis_placement_of(placement_request) -> Placement | None:
    """The request's crisis placement, if it has one."""
    return (
        Placement.objects.filter(request=placement_request, kind=PlacementKind.CRISIS)
        .select_related("facility", "provider")
        .first()
    )
