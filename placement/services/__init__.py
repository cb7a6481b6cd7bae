"""Writes of placement, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from placement import services``. Every service that
moves a request uses `intake.services.workflow` (lock, transition check, status change
with an event, notifications).

- offers: offers to one provider at a time (create, accept, decline, withdraw, expire,
  remind); the anonymised referral they carry is built by `placement.referral`;
- placements: waiting with bridging care, placement start and end, transfers;
- queue: who owns a request (a coordinator of its region).
"""

from placement.services.offers import (
    offer_accept,
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
from placement.services.placements import placement_end, placement_start, request_resume_matching, request_wait
from placement.services.queue import request_owner_set

__all__ = [
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
    "request_owner_set",
    "request_resume_matching",
    "request_withdraw_accepted",
    "request_wait",
]
