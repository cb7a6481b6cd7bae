"""Reads for the placement app, split by sub-domain (intake, matching, offers)."""

from placement.selectors.intake import *  # noqa: F401,F403
from placement.selectors.matching import *  # noqa: F401,F403
from placement.selectors.offers import *  # noqa: F401,F403
