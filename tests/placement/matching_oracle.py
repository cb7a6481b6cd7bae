"""The matching implementation before issue 15 (point 2), kept as a test oracle only:
every facility loaded as a model object, evaluated and explained in Python
(`placement.matching.rank`). tests/placement/test_matching_oracle.py holds the product's
SQL-first matching against it on generated data. Not used by the product."""

from __future__ import annotations

from dataclasses import dataclass

from capacity.selectors import groups_of
from placement.matching import Group, Need, rank
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
    return OracleResult(need, groups[Group.AVAILABLE], groups[Group.FULL], groups[Group.UNFIT], facilities)
