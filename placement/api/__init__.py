"""/api/v1 views of the placement app, split by sub-domain (requests; offers and placements)."""

from placement.api.intake import *  # noqa: F401,F403
from placement.api.offers import *  # noqa: F401,F403
