"""Writes of placement, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from placement import services``. Every service that
moves a request uses `intake.services.workflow` (lock, transition check, status change
with an event, notifications).

- offers: offers to one provider at a time (create, accept, decline, withdraw, expire,
  remind); the anonymised referral they carry is built by `placement.referral`;
- placements: waiting with bridging care, placement start and end, transfers;
- youth: link a request to an earlier request's youth by hand, or unlink it;
- parking: the decline policy's parking of a request and lifting it early;
- crisis: crisis placements registered at once, the dossier that follows (issue 11);
- changes: changes in place (intensity, legal status, care type) without an end;
- machtiging: the beat job that warns before a machtiging ends (issue 11);
- queue: who owns a request (a coordinator of its region).
- offer_documents: which documents go along with an open offer (issue 14).
"""

from placement.services.changes import placement_change
from placement.services.crisis import (
    CrisisYouth,
    FollowUpDecision,
    crisis_dossier_submit,
    crisis_followup_triage,
    crisis_overdue_notify,
    crisis_placement_register,
    crisis_placement_validate,
)
from placement.services.machtiging import machtiging_warning_send, machtiging_warnings_send
from placement.services.offer_documents import offer_documents_editable, offer_documents_set
from placement.services.offers import (
    ACCEPT_REQUIRED_WHEN_STALE,
    DECLINE_REQUIRED,
    FALL_THROUGH_REQUIRED,
    INTRODUCTION_REQUIRED,
    OFFER_WITHDRAW_REQUIRED,
    WITHDRAW_ACCEPTED_REQUIRED,
    offer_accept,
    offer_accept_needs_confirmation,
    offer_create,
    offer_decline,
    offer_document_kinds_check,
    offer_draft_check,
    offer_expire,
    offer_fall_through,
    offer_introduction_record,
    offer_reminders_send,
    offer_reoffer_problems,
    offer_withdraw,
    offers_expire_overdue,
    request_withdraw_accepted,
)
from placement.services.parking import request_park_after_decline, request_parking_lift
from placement.services.placements import (
    PLACEMENT_END_REQUIRED,
    PLACEMENT_START_REQUIRED,
    WAIT_REQUIRED,
    placement_actor_role,
    placement_end,
    placement_start,
    request_resume_matching,
    request_wait,
)
from placement.services.queue import request_owner_set
from placement.services.youth import request_number_parse, youth_link, youth_unlink

__all__ = [
    # Issue 14 (api-resources)
    "offer_document_kinds_check",
    "offer_documents_editable",
    "offer_documents_set",
    "ACCEPT_REQUIRED_WHEN_STALE",
    "DECLINE_REQUIRED",
    "FALL_THROUGH_REQUIRED",
    "INTRODUCTION_REQUIRED",
    "OFFER_WITHDRAW_REQUIRED",
    "PLACEMENT_END_REQUIRED",
    "PLACEMENT_START_REQUIRED",
    "WAIT_REQUIRED",
    "WITHDRAW_ACCEPTED_REQUIRED",
    "offer_accept_needs_confirmation",
    "CrisisYouth",
    "FollowUpDecision",
    "crisis_dossier_submit",
    "crisis_followup_triage",
    "crisis_overdue_notify",
    "crisis_placement_register",
    "crisis_placement_validate",
    "machtiging_warning_send",
    "machtiging_warnings_send",
    "offer_accept",
    "offer_create",
    "offer_decline",
    "offer_draft_check",
    "offer_expire",
    "offer_fall_through",
    "offer_introduction_record",
    "offer_reminders_send",
    "offer_reoffer_problems",
    "offer_withdraw",
    "offers_expire_overdue",
    "placement_actor_role",
    "placement_change",
    "placement_end",
    "placement_start",
    "request_number_parse",
    "request_owner_set",
    "request_park_after_decline",
    "request_parking_lift",
    "request_resume_matching",
    "request_wait",
    "request_withdraw_accepted",
    "youth_link",
    "youth_unlink",
]
