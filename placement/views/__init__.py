"""Screens of the placement app, by sub-domain: the referrer's wizard (`wizard`), the
request page and the coordinator's queue and triage (`requests`), matching, offers and
placements (`offers`). `urls.py` names the module of each view."""
