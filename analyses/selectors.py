"""Reads for the behavioural-scientist queue: open assignments in their regions and the
ones assigned to them."""

from django.db.models import Q

from accounts.models import Role
from accounts.selectors import region_ids_of
from analyses.models import AnalysisAssignment
from core.errors import NotFound


def assignment_scope(membership):
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        return AnalysisAssignment.objects.none()
    return AnalysisAssignment.objects.filter(
        Q(status=AnalysisAssignment.AssignmentStatus.OPEN, request__region_id__in=region_ids_of(membership))
        | Q(assigned_to_id=membership.user_id)
    ).exclude(status=AnalysisAssignment.AssignmentStatus.CANCELLED)


def assignment_list(*, membership):
    return list(
        assignment_scope(membership)
        .select_related("request", "request__region", "request__youth", "assigned_to", "requested_by")
        .order_by("status", "requested_at", "id")
    )


def assignment_get(*, membership, pk) -> AnalysisAssignment:
    assignment = assignment_scope(membership).select_related("request", "assigned_to").filter(pk=pk).first()
    if assignment is None:
        raise NotFound()
    return assignment
