"""Placement models, split by sub-domain:

- intake: youth, guardians, placement requests, their states and transition table;
- offers: anonymised offers to one provider at a time;
- placements: placements, their end, transfers, waiting with bridging care.
"""

from placement.models.intake import *  # noqa: F401,F403
from placement.models.intake import EDITABLE_STATUSES, OPEN_STATUSES, SYSTEM, TRANSITIONS, TRIAGE_TARGET, WITHDRAW_FROM  # noqa: F401
from placement.models.offers import PROVIDER_DECLINE_REASONS, DeclineReason, Offer, OfferStatus  # noqa: F401
from placement.models.placements import EndReason, Placement, Transfer, WaitingPeriod, WaitingReason  # noqa: F401
