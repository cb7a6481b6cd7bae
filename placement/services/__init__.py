"""Writes for the placement app, split by sub-domain:

- intake: youth and requests (create, complete, submit, triage, withdraw);
- offers: offers to one provider at a time (create, accept, decline, withdraw, expire, remind);
- placements: waiting with bridging care, placement start and end, transfers.
"""

from placement.services.intake import *  # noqa: F401,F403
from placement.services.intake import (  # noqa: F401
    _change_status,
    _lock,
    _notify_coordinators,
    _notify_referrer,
    _transition_check,
)
from placement.services.offers import *  # noqa: F401,F403
from placement.services.placements import *  # noqa: F401,F403
