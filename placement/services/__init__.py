"""Writes of placement, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from placement import services``. Every service that
moves a request uses `intake.services.workflow` (lock, transition check, status change
with an event, notifications).

- offers: offers to one provider at a time (create, accept, decline, withdraw, expire,
  remind); the anonymised referral they carry is built by `placement.referral`;
- placements: waiting with bridging care, placement start and end, transfers.
"""

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
    offer_expire,
    offer_fall_through,
    offer_introduction_record,
    offer_reminders_send,
    offer_withdraw,
    offers_expire_overdue,
    request_withdraw_accepted,
)
from placement.services.placements import (
    PLACEMENT_END_REQUIRED,
    PLACEMENT_START_REQUIRED,
    WAIT_REQUIRED,
    placement_end,
    placement_start,
    request_resume_matching,
    request_wait,
)

__all__ = [
    "ACCEPT_REQUIRED_WHEN_STALE",
    "offer_accept_needs_confirmation",
    "DECLINE_REQUIRED",
    "FALL_THROUGH_REQUIRED",
    "INTRODUCTION_REQUIRED",
    "OFFER_WITHDRAW_REQUIRED",
    "PLACEMENT_END_REQUIRED",
    "PLACEMENT_START_REQUIRED",
    "WAIT_REQUIRED",
    "WITHDRAW_ACCEPTED_REQUIRED",
    "offer_accept",
    "offer_create",
    "offer_decline",
    "offer_expire",
    "offer_fall_through",
    "offer_introduction_record",
    "offer_reminders_send",
    "offer_withdraw",
    "offers_expire_overdue",
    "placement_end",
    "placement_start",
    "request_resume_matching",
    "request_withdraw_accepted",
    "request_wait",
]
