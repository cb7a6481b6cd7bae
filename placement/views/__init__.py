"""Screens of the placement app, split by sub-domain (intake; matching, offers and placements)."""

from placement.views.intake import *  # noqa: F401,F403
from placement.views.intake import _summary, _timeline  # noqa: F401
from placement.views.offers import *  # noqa: F401,F403
