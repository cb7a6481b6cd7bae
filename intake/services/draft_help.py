"""Help from the behavioural-scientist pool before submission (issue 11).

In Drenthe more than half of the referrals came without an explanatory analysis. A
referrer asks the pool of the request's region for help with a draft that has no
complete analysis yet, with a short question. A scientist of that pool takes it
(`assignments.assignment_accept`), writes the analysis with the referrer and the family
(through the same analysis service and versions, `analyses.analysis_save`), and marks the
help done (`assignments.assignment_complete`). The referrer then submits as usual: the
gate (`triage.request_missing_items`) is unchanged.

Least privilege: the scientist sees the draft's identity only through the one rule
`AnalysisAssignment.objects.granting_identity` (accepted, not ended; a draft counts only
for help asked before submission), and the help ends when it is completed or when the
draft is withdrawn (`workflow.assignments_end`).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Invalid, TransitionNotAllowed
from core.events import event_record
from intake.models import AnalysisAssignment, Status
from intake.services.assignments import ACTIVE, pool_notify
from intake.services.workflow import referrer_check, request_lock

QUESTION_MAX_LENGTH = 1000


def draft_help_problems(*, question: str) -> list[dict]:
    question = (question or "").strip()
    if not question:
        return [{"name": "question", "reason": _("Beschrijf kort waarmee de gedragswetenschapper kan helpen.")}]
    if len(question) > QUESTION_MAX_LENGTH:
        return [
            {
                "name": "question",
                "reason": _("Houd de hulpvraag kort: hoogstens %(n)s tekens.") % {"n": QUESTION_MAX_LENGTH},
            }
        ]
    return []


def analysis_is_complete(placement_request) -> bool:
    analysis = placement_request.analysis
    return analysis is not None and analysis.has_sections and analysis.has_need_profile


def draft_help_refusal(placement_request) -> TransitionNotAllowed | None:
    """Why the referrer cannot ask the pool for help with this request now (None: they
    can). The service raises it; the request page offers the form only when None."""
    if placement_request.status != Status.DRAFT:
        return TransitionNotAllowed(
            _("Hulp van de pool vraagt u voor een concept; na indiening vraagt de coördinator die."),
            code="not_a_draft",
        )
    if analysis_is_complete(placement_request):
        return TransitionNotAllowed(
            _("De verklarende analyse is al volledig; u kunt het verzoek indienen."), code="analysis_complete"
        )
    if AnalysisAssignment.objects.filter(request=placement_request, status__in=ACTIVE).exists():
        return TransitionNotAllowed(_("Er loopt al een hulpvraag voor dit verzoek."), code="assignment_active")
    return None


@transaction.atomic
def draft_help_request(*, placement_request, question: str, by, membership) -> AnalysisAssignment:
    """The referrer asks the region's pool for help with the analysis of a draft."""
    referrer_check(membership, placement_request)
    problems = draft_help_problems(question=question)
    if problems:
        raise Invalid(invalid_params=problems)
    placement_request = request_lock(placement_request)
    refusal = draft_help_refusal(placement_request)
    if refusal is not None:
        raise refusal
    assignment = AnalysisAssignment.objects.create(
        request=placement_request, question=question.strip(), requested_by=by, before_submission=True
    )
    event_record(
        subject=placement_request,
        event_type="assignment_requested",
        by=by,
        organisation=membership.organisation,
        details={"assignment_id": assignment.pk, "before_submission": True},
    )
    pool_notify(assignment)
    return assignment
