"""Writes of placement, by sub-domain. Each module is public; this package lists the use
cases so that callers can write ``from placement import services``. Every service that
moves a request uses `intake.services.workflow` (lock, transition check, status change
with an event, notifications).

- offers: offers to one provider at a time (create, accept, decline, withdraw, expire,
  remind); the anonymised referral they carry is built by `placement.referral`;
- placements: waiting with bridging care, placement start and end, transfers;
- changes: changes in place (intensity, legal status, care type) without an end;
- machtiging: the beat job that warns before a machtiging ends (issue 11).
"""

from placement.services.changes import placement_change
from placement.services.machtiging import machtiging_warning_send, machtiging_warnings_send
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
from placement.services.placements import (
    placement_actor_role,
    placement_end,
    placement_start,
    request_resume_matching,
    request_wait,
)

__all__ = [
    "machtiging_warning_send",
    "machtiging_warnings_send",
    "placement_actor_role",
    "placement_change",
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
