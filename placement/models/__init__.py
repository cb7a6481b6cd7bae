"""Placement models, split by sub-domain (youth and requests are intake's: `intake.models`):

- offers: anonymised offers to one provider at a time;
- placements: placements, their end, transfers, waiting with bridging care;
- changes: after-care destination, changes in place, machtiging warnings (issue 11).
"""

from placement.models.changes import AftercareDestination, ChangeField, MachtigingWarning, PlacementChange
from placement.models.offers import (
    PROVIDER_DECLINE_REASONS,
    DeclineReason,
    FallThroughParty,
    FallThroughReason,
    IntroductionOutcome,
    Offer,
    OfferStatus,
)
from placement.models.placements import (
    EndReason,
    Placement,
    PlacementKind,
    Transfer,
    WaitingPeriod,
    WaitingReason,
)

__all__ = [
    "PROVIDER_DECLINE_REASONS",
    "AftercareDestination",
    "ChangeField",
    "MachtigingWarning",
    "PlacementChange",
    "DeclineReason",
    "EndReason",
    "FallThroughParty",
    "FallThroughReason",
    "IntroductionOutcome",
    "Offer",
    "OfferStatus",
    "Placement",
    "PlacementKind",
    "Transfer",
    "WaitingPeriod",
    "WaitingReason",
]
