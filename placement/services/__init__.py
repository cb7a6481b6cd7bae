"""Writes of placement, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from placement import services``. Every service that
moves a request uses `intake.services.workflow` (lock, transition check, status change
with an event, notifications).

- offers: offers to one provider at a time (create, accept, decline, withdraw, expire,
  remind); the anonymised referral they carry is built by `placement.referral`;
- placements: waiting with bridging care, placement start and end, transfers;
- youth: link a request to an earlier request's youth by hand, or unlink it.
- parking: the decline policy's parking of a request and lifting it early.
- crisis: crisis placements registered at once, the dossier that follows (issue 11).
"""

from placement.services.crisis import (
    CrisisYouth,
    FollowUpDecision,
    crisis_dossier_submit,
    crisis_followup_triage,
    crisis_overdue_notify,
    crisis_placement_register,
    crisis_placement_validate,
)
from placement.services.offers import (
    offer_accept,
    offer_create,
    offer_decline,
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
from placement.services.placements import placement_end, placement_start, request_resume_matching, request_wait
from placement.services.youth import request_number_parse, youth_link, youth_unlink

__all__ = [
    "CrisisYouth",
    "FollowUpDecision",
    "crisis_dossier_submit",
    "crisis_followup_triage",
    "crisis_overdue_notify",
    "crisis_placement_register",
    "crisis_placement_validate",
    "offer_accept",
    "offer_create",
    "offer_decline",
    "offer_draft_check",
    "offer_reoffer_problems",
    "offer_expire",
    "offer_fall_through",
    "offer_introduction_record",
    "offer_reminders_send",
    "offer_withdraw",
    "offers_expire_overdue",
    "placement_end",
    "placement_start",
    "request_park_after_decline",
    "request_parking_lift",
    "request_resume_matching",
    "request_withdraw_accepted",
    "request_number_parse",
    "request_wait",
    "youth_link",
    "youth_unlink",
]
