"""Writes for behavioural-scientist assignments: a coordinator asks the pool to help write
the analysis (a referrer asks it for a draft: `intake.services.draft_help`); a behavioural
scientist accepts and completes."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.selectors import region_ids_of, region_members
from core.errors import Forbidden, Invalid, TransitionNotAllowed, missing_params
from core.events import event_record
from core.outbox import outbox_enqueue
from intake.models import AnalysisAssignment, Status
from intake.services.workflow import coordinator_check, request_lock

# A coordinator may ask for help while the request is with the referrer or in triage.
ASSIGNABLE_STATUSES = frozenset({Status.SUBMITTED, Status.RETURNED, Status.EXPERT_TABLE})
ACTIVE = (AnalysisAssignment.AssignmentStatus.OPEN, AnalysisAssignment.AssignmentStatus.ACCEPTED)


# --- behavioural-scientist assignments --------------------------------------------------

ASSIGNMENT_REQUIRED = {"question": gettext_lazy("Beschrijf waarmee de gedragswetenschapper moet helpen.")}


@transaction.atomic
def assignment_request(*, placement_request, question: str, by, membership) -> AnalysisAssignment:
    """A coordinator asks the behavioural-scientist pool to help with the analysis."""
    coordinator_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    if not (question or "").strip():
        raise Invalid(invalid_params=missing_params(ASSIGNMENT_REQUIRED, {"question": question}))
    if placement_request.status not in ASSIGNABLE_STATUSES:
        raise TransitionNotAllowed(_("In deze status kan geen hulp bij de analyse worden gevraagd."))
    if AnalysisAssignment.objects.filter(request=placement_request, status__in=ACTIVE).exists():
        raise TransitionNotAllowed(_("Er loopt al een opdracht voor dit verzoek."), code="assignment_active")
    assignment = AnalysisAssignment.objects.create(
        request=placement_request, question=question.strip(), requested_by=by
    )
    event_record(
        subject=placement_request,
        event_type="assignment_requested",
        by=by,
        organisation=membership.organisation,
        details={"assignment_id": assignment.pk},
    )
    pool_notify(assignment)
    return assignment


def pool_notify(assignment: AnalysisAssignment) -> None:
    """Every behavioural scientist of the request's region hears of a new request for
    help, in the app: the question and the reference, nothing identifying."""
    placement_request = assignment.request
    for user in region_members(placement_request.region_id, Role.BEHAVIOURAL_SCIENTIST):
        outbox_enqueue(
            recipient=user,
            subject=_("Hulpvraag bij verklarende analyse %(ref)s") % {"ref": placement_request.reference},
            body=assignment.question,
            url=reverse("analyses:assignment-detail", args=[assignment.pk]),
            email=False,
        )


@transaction.atomic
def assignment_accept(*, assignment: AnalysisAssignment, by, membership) -> AnalysisAssignment:
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        raise Forbidden()
    assignment = AnalysisAssignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
    if assignment.request.region_id not in region_ids_of(membership):
        raise Forbidden()
    if assignment.status != AnalysisAssignment.AssignmentStatus.OPEN:
        raise TransitionNotAllowed(_("Deze opdracht is al aangenomen of afgerond."))
    assignment.status = AnalysisAssignment.AssignmentStatus.ACCEPTED
    assignment.assigned_to = by
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["status", "assigned_to", "accepted_at"])
    event_record(
        subject=assignment.request,
        event_type="assignment_accepted",
        by=by,
        organisation=membership.organisation,
        details={"assignment_id": assignment.pk, "waited_working_days": assignment.waiting_working_days()},
    )
    if assignment.before_submission:
        outbox_enqueue(
            recipient=assignment.requested_by,
            subject=_("Een gedragswetenschapper helpt bij %(ref)s") % {"ref": assignment.request.reference},
            body=_("Uw hulpvraag is aangenomen. De gedragswetenschapper neemt contact met u op."),
            url=reverse("placement:request-detail", args=[assignment.request_id]),
            email=False,
        )
    return assignment


@transaction.atomic
def assignment_complete(*, assignment: AnalysisAssignment, by, membership, note: str = "") -> AnalysisAssignment:
    """Completion is recorded with the analysis version the scientist wrote."""
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        raise Forbidden()
    assignment = AnalysisAssignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
    if assignment.status != AnalysisAssignment.AssignmentStatus.ACCEPTED or assignment.assigned_to_id != by.pk:
        raise TransitionNotAllowed(_("Alleen een aangenomen opdracht kan worden afgerond."))
    version = assignment.versions.order_by("-version").first()
    if version is None:
        raise Invalid.field("analysis", _("Sla eerst een versie van de analyse op."))
    assignment.status = AnalysisAssignment.AssignmentStatus.COMPLETED
    assignment.completed_at = timezone.now()
    assignment.completed_version = version
    assignment.completion_note = (note or "").strip()
    assignment.save()
    placement_request = assignment.request
    event_record(
        subject=placement_request,
        event_type="assignment_completed",
        by=by,
        organisation=membership.organisation,
        details={"assignment_id": assignment.pk, "analysis_version": version.version},
    )
    outbox_enqueue(
        recipient=assignment.requested_by,
        subject=_("Analyse %(ref)s afgerond door gedragswetenschapper") % {"ref": placement_request.reference},
        body=assignment.completion_note or _("Versie %(v)s van de analyse staat klaar.") % {"v": version.version},
        url=reverse("placement:request-detail", args=[placement_request.pk]),
        email=False,
    )
    return assignment
