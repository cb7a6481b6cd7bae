"""The matching implementation before issue 15 (point 2), kept as a test oracle only:
every facility loaded as a model object, evaluated and explained in Python
(`placement.matching.rank`). tests/placement/test_matching_oracle.py holds the product's
SQL-first matching against it on generated data. Not used by the product.

Issue 16 (fit-outcome): the product adds one soft criterion, "fit proven by outcome", to
every row it explains, last, without changing fit or order. The oracle adds the same
criterion from its own reading of the rule: every placement loaded as a model object and
judged in Python (`held_in_python`), not with the product's SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from capacity.selectors import groups_of
from core.small_counts import is_small
from placement.matching import Group, Need, rank
from placement.models import Placement
from placement.outcomes import MATCHING_HORIZON, OutcomeCount, outcome_criterion
from placement.selectors.matching import facilities_for_matching, facility_facts, need_for_request, refusals_of


@dataclass
class OracleResult:
    need: Need
    available: list
    full: list
    unfit: list
    facilities: dict


def old_matching_for_request(*, membership, placement_request, start_date=None, facility_id=None) -> OracleResult:
    need = need_for_request(placement_request, start_date=start_date)
    declined = refusals_of(placement_request)
    queryset = facilities_for_matching(membership=membership)
    if facility_id is not None:
        queryset = queryset.filter(pk=facility_id)
    facilities = {f.pk: f for f in queryset}
    residents = groups_of(pk for pk, f in facilities.items() if f.group_recorded_at is not None)
    groups = rank(need, [facility_facts(f, declined_providers=declined, groups=residents) for f in facilities.values()])
    outcomes = oracle_outcomes(need, list(facilities.values()))
    for matches in groups.values():
        for match in matches:
            match.criteria.append(outcome_criterion(outcomes.get(match.facility.facility_id)))
    return OracleResult(need, groups[Group.AVAILABLE], groups[Group.FULL], groups[Group.UNFIT], facilities)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def held_in_python(placement, horizon: int, as_of: dt.date) -> bool | None:
    """The outcome rule read independently: None when censored, else whether it held."""
    if placement.start_date > as_of:
        return None
    ended = placement.end_date is not None and placement.end_date <= as_of
    early = ended and placement.end_reason != "01" and (placement.end_date - placement.start_date).days < horizon
    transfer = placement.transfer if hasattr(placement, "transfer") else None
    limit = min(_midnight(placement.start_date + dt.timedelta(days=horizon)), _midnight(as_of + dt.timedelta(days=1)))
    transferred = transfer is not None and transfer.created_at < limit
    failed = early or transferred
    if not (failed or ended or placement.start_date + dt.timedelta(days=horizon) <= as_of):
        return None
    return not failed


def _profile_fits(placement, need: Need) -> bool:
    analysis = placement.request.analysis
    if analysis is None:
        return False
    return (analysis.security == "closed") == (need.security == "closed") and need.specialisations <= set(
        analysis.specialisations or ()
    )


def oracle_outcomes(need: Need, facilities, *, horizon=MATCHING_HORIZON, as_of=None) -> dict:
    """facility id -> OutcomeCount, as matching_outcomes should give it (see the module)."""
    as_of = as_of or timezone.localdate()
    providers = {f.provider_id for f in facilities}
    placements = [
        p
        for p in Placement.objects.filter(provider_id__in=providers).select_related(
            "request__analysis", "facility__care_type", "transfer"
        )
        if _profile_fits(p, need)
    ]
    out = {}
    for facility in facilities:
        here = [held_in_python(p, horizon, as_of) for p in placements if p.facility_id == facility.pk]
        here = [h for h in here if h is not None]
        if here and not is_small(len(here)):
            out[facility.pk] = OutcomeCount(len(here), sum(here), "facility")
            continue
        code = facility.care_type.code
        wider = [
            held_in_python(p, horizon, as_of)
            for p in placements
            if p.provider_id == facility.provider_id and p.facility.care_type.code == code
        ]
        wider = [h for h in wider if h is not None]
        out[facility.pk] = OutcomeCount(len(wider), sum(wider), "provider")
    return out
