"""The changes a scenario can describe, and how each changes the landscape (issue 16.2).
One change is a plain dict {"kind": ..., "facility": id, ...}; `apply_changes` returns a
new Landscape, the baseline is the landscape with no changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from planning.replay import Landscape

CLOSE, OPEN, PLACES, SPECIALISATIONS, AGE, SECURITY, REGION = (
    "close",
    "open",
    "places",
    "specialisations",
    "age",
    "security",
    "region",
)
CHANGE_KINDS = {
    CLOSE: _("Groep sluiten (geen nieuwe plaatsingen)"),
    OPEN: _("Nieuwe groep openen zoals deze locatie"),
    PLACES: _("Aantal plaatsen wijzigen"),
    SPECIALISATIONS: _("Specialisaties wijzigen"),
    AGE: _("Leeftijdsbereik wijzigen"),
    SECURITY: _("Beveiligingsniveau wijzigen"),
    REGION: _("Regio van de locatie wijzigen"),
}
# The fields each kind needs besides the facility (planning.services checks them).
CHANGE_FIELDS = {
    CLOSE: (),
    OPEN: ("places",),
    PLACES: ("places",),
    SPECIALISATIONS: ("specialisations",),
    AGE: ("age_min", "age_max"),
    SECURITY: ("security",),
    REGION: ("region",),
}
NEW_FACILITY_IDS_FROM = -1  # opened groups get ids -1, -2, ... (never a real facility)


def apply_changes(landscape: Landscape, changes: list[dict], *, start: dt.date, planned=()) -> Landscape:
    """The landscape with `changes` applied from the period's `start`. `planned`:
    (facility id, places) of the recorded planned changes, applied from the start too (the
    landscape as it will be after them)."""
    facts, places, provider = dict(landscape.facts), dict(landscape.places), dict(landscape.provider)
    for fid, n in planned:
        if fid in facts:
            places[fid] = [(start, n)]
    new_id = NEW_FACILITY_IDS_FROM
    for change in changes:
        fid, kind = change["facility"], change["kind"]
        if fid not in facts:
            continue  # a facility outside the landscape changes nothing
        current = facts[fid]
        if kind == CLOSE:
            facts[fid] = replace(current, active_until=start - dt.timedelta(days=1))
        elif kind == OPEN:
            facts[new_id] = replace(current, facility_id=new_id, active_from=start, active_until=None)
            places[new_id] = [(start, int(change["places"]))]
            provider[new_id] = provider[fid]
            new_id -= 1
        elif kind == PLACES:
            places[fid] = [(start, int(change["places"]))]
        elif kind == SPECIALISATIONS:
            facts[fid] = replace(current, specialisations=frozenset(change["specialisations"]))
        elif kind == AGE:
            facts[fid] = replace(current, age_min=int(change["age_min"]), age_max=int(change["age_max"]))
        elif kind == SECURITY:
            facts[fid] = replace(current, security=change["security"])
        elif kind == REGION:
            facts[fid] = replace(current, region_id=int(change["region"]))
    return Landscape(facts=facts, places=places, provider=provider, provider_names=landscape.provider_names)
