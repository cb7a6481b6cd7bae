"""Writes of intake, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from intake import services``.

- requests: youth and the request while the referrer files it;
- triage: submit, triage, withdraw;
- analyses: the analysis versions, perspectiefplan, veiligheidsplan, alternatives;
- documents: PDF uploads and which may be shared with a provider;
- assignments: behavioural-scientist help with the analysis;
- draft_help: that help asked by the referrer for a draft, before submission (issue 11);
- expert_table: records of expert-table meetings, whose decision moves the request (issue 11);
- workflow: the plumbing every request move uses (lock, transition check, status
  change with an event, notifications); placement's services use it too.
"""

from intake.services.analyses import (
    alternatives_set,
    analysis_save,
    perspective_plan_save,
    safety_plan_save,
)
from intake.services.assignments import (
    ACTIVE as ACTIVE_ASSIGNMENT_STATUSES,
)
from intake.services.assignments import (
    ASSIGNABLE_STATUSES,
    ASSIGNMENT_REQUIRED,
    assignment_accept,
    assignment_complete,
    assignment_request,
)
from intake.services.documents import (
    document_remove,
    document_set_shareable,
    document_upload,
    documents_removable_by_coordinator,
)
from intake.services.draft_help import draft_help_problems, draft_help_refusal, draft_help_request
from intake.services.expert_table import expert_table_meeting_record, expert_table_problems
from intake.services.requests import request_content_save, request_create, request_file, request_update
from intake.services.triage import (
    TRIAGE_REQUIRED,
    request_missing_items,
    request_submit,
    request_triage,
    request_withdraw,
)

__all__ = [
    "ACTIVE_ASSIGNMENT_STATUSES",
    "ASSIGNABLE_STATUSES",
    "ASSIGNMENT_REQUIRED",
    "TRIAGE_REQUIRED",
    "alternatives_set",
    "analysis_save",
    "assignment_accept",
    "assignment_complete",
    "assignment_request",
    "document_remove",
    "document_set_shareable",
    "draft_help_problems",
    "draft_help_refusal",
    "draft_help_request",
    "expert_table_meeting_record",
    "expert_table_problems",
    "document_upload",
    "documents_removable_by_coordinator",
    "perspective_plan_save",
    "request_content_save",
    "request_create",
    "request_file",
    "request_missing_items",
    "request_submit",
    "request_triage",
    "request_update",
    "request_withdraw",
    "safety_plan_save",
]
