"""The request workflow's plumbing, shared by every service that moves a request: intake
(submit, triage, withdraw), offers (offer, accept, decline, withdraw, expire) and
placements (wait, start, end, transfer).

A workflow service does, in one transaction and in this order:

1. check who acts (`referrer_check`, `coordinator_check`);
2. lock the request row (`request_lock`), then any other row it decides on;
3. ask the transition table whether the move is allowed (`transition_check`);
4. change the status with an event (`status_change`, which also tells the referrer and,
   when the request leaves the open states, ends its behavioural-scientist assignments);
5. tell the others through the outbox (`coordinators_notify`, `provider_staff_notify`).

Lock order everywhere: the request row, then the offer row, then (inside the capacity
services) the facility row.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import provider_staff, region_coordinators, region_ids_of
from accounts.webhooks import api_link, webhook_emit
from core.errors import Forbidden, TransitionNotAllowed
from core.events import event_record
from core.outbox import outbox_enqueue
from intake.models import EDITABLE_STATUSES, OPEN_STATUSES, AnalysisAssignment, PlacementRequest, Status, move_allowed

__all__ = [
    "assignments_end",
    "coordinator_check",
    "coordinators_notify",
    "is_coordinator_of",
    "provider_staff_notify",
    "referrer_check",
    "referrer_notify",
    "referrer_told",
    "request_editable_check",
    "request_lock",
    "status_change",
    "transition_check",
    "waiting_end",
]


# --- who acts ----------------------------------------------------------------------------


def is_coordinator_of(membership, placement_request) -> bool:
    """A coordinator membership of the request's region."""
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and placement_request.region_id in region_ids_of(membership)
    )


def coordinator_check(membership, placement_request) -> None:
    if not is_coordinator_of(membership, placement_request):
        raise Forbidden()


def referrer_check(membership, placement_request: PlacementRequest | None = None) -> None:
    """A referrer membership; with a request, of the organisation that filed it."""
    if membership is None or membership.role != Role.REFERRER:
        raise Forbidden()
    if placement_request is not None and placement_request.referrer_organisation_id != membership.organisation_id:
        raise Forbidden()


# --- lock and check ----------------------------------------------------------------------


def request_lock(placement_request: PlacementRequest) -> PlacementRequest:
    """The request row, locked for the rest of the transaction, read afresh."""
    return (
        PlacementRequest.objects.select_for_update(of=("self",))
        .select_related("youth", "region", "analysis")
        .get(pk=placement_request.pk)
    )


def transition_check(placement_request, to, role, *, sources=None) -> None:
    """The move must be in the transition table; `sources` narrows it to the states this
    particular service starts from (several services share a (from, to) pair)."""
    if not move_allowed(placement_request.status, to, role, sources=sources):
        raise TransitionNotAllowed(
            _("Van '%(source)s' naar '%(target)s' is niet toegestaan.")
            % {"source": placement_request.get_status_display(), "target": Status(to).label}
        )


def request_editable_check(placement_request: PlacementRequest) -> None:
    """Content (youth data, analysis, plans, documents) changes only in a draft or a
    returned request."""
    if placement_request.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(
            _("Een verzoek met status '%(status)s' kan niet meer worden gewijzigd.")
            % {"status": placement_request.get_status_display()},
            code="not_editable",
        )


# --- change ------------------------------------------------------------------------------


def status_change(placement_request, *, to, by, organisation, event_type, reason_code="", details=None, reason=""):
    """Move the (locked) request to `to`, append the event and tell the referrer."""
    source = placement_request.status
    placement_request.status = to
    placement_request.status_changed_at = timezone.now()
    placement_request.status_reason = reason or ""
    placement_request.save()
    event_record(
        subject=placement_request,
        event_type=event_type,
        by=by,
        organisation=organisation,
        from_state=source,
        to_state=to,
        reason_code=reason_code,
        details=details or {},
    )
    if to not in OPEN_STATUSES:
        assignments_end(placement_request, by=by, organisation=organisation, cause=event_type)
    referrer_notify(placement_request, source=source, by=by)
    request_status_webhook(placement_request, source=source)


def request_status_webhook(placement_request, *, source: str) -> None:
    """Issue 14 (api-push): `request.status_changed` for the referrer organisation and the
    region's coordination points; ids, states, time and the API link only."""
    webhook_emit(
        event_type="request.status_changed",
        organisation_ids={placement_request.referrer_organisation_id},
        coordination_region=placement_request.region_id,
        data={
            "request": {
                "id": placement_request.pk,
                "url": api_link("api-request", placement_request.pk),
                "status": placement_request.status,
                "previous_status": source,
                "changed_at": placement_request.status_changed_at.isoformat(),
            }
        },
    )


def assignments_end(placement_request, *, by, organisation, cause: str) -> int:
    """Cancel the request's open and accepted behavioural-scientist assignments (the
    request was closed, withdrawn or its placement ended): the scientist's access to the
    youth's identity ends with them. One event per ended assignment; returns how many."""
    active = list(
        AnalysisAssignment.objects.select_for_update()
        .filter(
            request=placement_request,
            status__in=(AnalysisAssignment.AssignmentStatus.OPEN, AnalysisAssignment.AssignmentStatus.ACCEPTED),
        )
        .order_by("pk")
    )
    for assignment in active:
        source = assignment.status
        assignment.status = AnalysisAssignment.AssignmentStatus.CANCELLED
        assignment.save(update_fields=["status"])
        event_record(
            subject=placement_request,
            event_type="assignment_ended",
            by=by,
            organisation=organisation,
            from_state=source,
            to_state=AnalysisAssignment.AssignmentStatus.CANCELLED,
            reason_code=cause,
            details={"assignment_id": assignment.pk, "assigned_to": assignment.assigned_to_id},
        )
    return len(active)


def waiting_end(placement_request) -> None:
    """Close the request's open waiting period, if any (it is no longer waiting)."""
    placement_request.waiting_periods.filter(ended_at__isnull=True).update(ended_at=timezone.now())


# --- tell --------------------------------------------------------------------------------


def _request_url(placement_request) -> str:
    return reverse("placement:request-detail", args=[placement_request.pk])


# What the referrer is told, by move (source, target): the steps that concern the referrer,
# not the coordinator's work in between. Offers made, declined, expired or withdrawn and
# waiting resumed are the coordinator's business; the referrer hears when a provider
# accepted, and when an accepted offer fell through. In the app every step of one request
# is ONE unread item (group "request:<id>", updated to the latest step with a count);
# e-mail only where the referrer must act or the request reached an outcome.
REFERRER_TOLD = frozenset(
    {
        Status.RETURNED,
        Status.MATCHING,  # taken into matching at triage, or back after an accepted offer fell through
        Status.EXPERT_TABLE,
        Status.WAITING,
        Status.ACCEPTED,
        Status.PLACED,
        Status.ENDED,
        Status.CLOSED,
        Status.CRISIS,
    }
)
REFERRER_NOT_TOLD_MOVES = frozenset(
    {
        (Status.OFFERED, Status.MATCHING),  # a provider declined, the offer expired or was withdrawn
        (Status.WAITING, Status.MATCHING),  # matching resumed
    }
)
REFERRER_EMAILED = frozenset({Status.RETURNED, Status.PLACED, Status.ENDED, Status.CLOSED})
REFERRER_EMAILED_MOVES = frozenset({(Status.ACCEPTED, Status.MATCHING)})  # fell through


def referrer_told(source: str | None, target: str) -> tuple[bool, bool]:
    """(in the app, by e-mail) for a move of the referrer's request; `source` None is a
    request made for the referrer (a transfer), which is told in the app."""
    if source is None:
        return True, False
    if target not in REFERRER_TOLD or (source, target) in REFERRER_NOT_TOLD_MOVES:
        return False, False
    return True, target in REFERRER_EMAILED or (source, target) in REFERRER_EMAILED_MOVES


def referrer_notify(placement_request: PlacementRequest, *, source: str | None = None, by=None) -> None:
    """Tell the referrer of a step (`referrer_told` decides whether and how), with the
    reason when there is one: one unread in-app item per request. Nobody is told of their
    own step."""
    in_app, email = referrer_told(source, placement_request.status)
    if not in_app or (by is not None and by.pk == placement_request.referrer_id):
        return
    status = placement_request.get_status_display()
    body = _("De status van plaatsingsverzoek %(ref)s is nu: %(status)s.") % {
        "ref": placement_request.reference,
        "status": status,
    }
    if placement_request.status_reason:
        body += "\n\n" + _("Toelichting: %(reason)s") % {"reason": placement_request.status_reason}
    outbox_enqueue(
        recipient=placement_request.referrer,
        subject=_("Plaatsingsverzoek %(ref)s: %(status)s") % {"ref": placement_request.reference, "status": status},
        body=body,
        url=_request_url(placement_request),
        email=email,
        group_key=f"request:{placement_request.pk}",
    )


def coordinators_notify(placement_request: PlacementRequest, subject: str, body: str) -> None:
    """Every active coordinator of the request's region, in the app (no e-mail)."""
    for user in region_coordinators(placement_request.region_id):
        outbox_enqueue(recipient=user, subject=subject, body=body, url=_request_url(placement_request), email=False)


def provider_staff_notify(provider_id, subject: str, body: str, url: str = "") -> None:
    """Every active staff member of the provider, by e-mail and in the app."""
    for user in provider_staff(provider_id):
        outbox_enqueue(recipient=user, subject=subject, body=body, url=url)
