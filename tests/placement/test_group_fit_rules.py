"""Issue 11 points 7 and 8 on hand-made facilities (no database): fit with the current group
of a small home as an explained criterion, soft by default and hard when the region says
so; no group recorded is unknown, not a misfit; a provider that refused the request
before comes last among the fitting ones, marked."""

from dataclasses import replace
from datetime import date

import pytest

from placement.matching import Group, Resident, evaluate, group_fit, rank
from tests.placement.test_matching_rules import BASE, NEED

# NEED: a girl of 14 with LVB in her need profile; her level for the group rules is LVB.
YOUTH = replace(NEED, level="lvb")
FITTING_GROUP = (
    Resident(13, "female", "lvb", False),
    Resident(15, "male", "lvb", True),
    Resident(16, "female", "average", False),
)


def criteria(match, prefix="group"):
    return {c.code: c for c in match.criteria if c.code.startswith(prefix)}


def test_a_fitting_group_is_explained_rule_by_rule():
    match = evaluate(YOUTH, replace(BASE, group=FITTING_GROUP, group_recorded_on=date(2026, 11, 30)))
    found = criteria(match)
    assert set(found) == {"group_age", "group_gender", "group_level", "group_machtiging", "group_recorded"}
    assert all(c.ok for c in found.values())
    assert found["group_age"].text == "Leeftijd: de groep is 13-16 jaar; met deze jeugdige 3 jaar verschil"
    assert found["group_gender"].text == "Geslachtsverdeling: 2 van de 3 groepsgenoten is ook een meisje"
    assert "2 van de 3 groepsgenoten functioneren op het niveau van de jeugdige" in found["group_level"].text
    assert "1 van de 3 groepsgenoten met machtiging" in found["group_machtiging"].text
    assert "30 november 2026" in found["group_recorded"].text


@pytest.mark.parametrize(
    "group, code, words",
    [
        # 11 and 13 with a youth of 14 is fine; 19 makes a spread of 8 years.
        ((Resident(11, "female", "lvb", False), Resident(19, "female", "lvb", False)), "group_age", "meer dan 4"),
        ((Resident(14, "male", "lvb", False), Resident(15, "male", "lvb", False)), "group_gender", "enige meisje"),
        (
            (Resident(14, "female", "above_average", False), Resident(15, "female", "lvb", False)),
            "group_level",
            "twee niveaus",
        ),
        (
            (Resident(14, "female", "average", False), Resident(15, "female", "average", False)),
            "group_level",
            "niemand in de groep",
        ),
    ],
)
def test_each_group_rule_is_soft_by_default_lowers_the_ranking_and_says_why(group, code, words):
    misfit = replace(BASE, facility_id=2, group=group)
    fitting = replace(BASE, facility_id=3, group=FITTING_GROUP, lat=BASE.lat + 0.3)  # farther away
    match = evaluate(YOUTH, misfit)
    failed = criteria(match)[code]
    assert not failed.ok and not failed.hard and words in failed.text
    assert match.group == Group.AVAILABLE  # soft: still offerable
    ranked = rank(YOUTH, [misfit, fitting])[Group.AVAILABLE]
    assert [m.facility.facility_id for m in ranked] == [3, 2]  # the misfit comes after, though nearer


def test_with_group_fit_hard_a_misfit_is_unfit_with_the_reason_in_the_why_not_list():
    hard = replace(YOUTH, group_fit_hard=True)
    group = (Resident(14, "male", "lvb", False), Resident(15, "male", "lvb", False))
    match = evaluate(hard, replace(BASE, group=group))
    assert match.group == Group.UNFIT
    assert [c.code for c in match.failed] == ["group_gender"]
    assert "enige meisje" in match.failed[0].text
    assert evaluate(hard, replace(BASE, group=FITTING_GROUP)).group == Group.AVAILABLE


@pytest.mark.parametrize("hard", [False, True])
def test_no_group_recorded_is_unknown_not_a_misfit(hard):
    match = evaluate(replace(YOUTH, group_fit_hard=hard), replace(BASE, group=None))
    (only,) = criteria(match).values()
    assert only.code == "group" and only.unknown and only.ok and "onbekend" in only.text
    assert match.group == Group.AVAILABLE and match.group_misfits == 0


def test_an_empty_group_fits_and_machtiging_mixing_is_never_a_misfit():
    assert all(c.ok for c in group_fit(YOUTH, replace(BASE, group=())))
    mixed = (Resident(14, "female", "lvb", True), Resident(15, "female", "lvb", True))
    found = criteria(evaluate(replace(YOUTH, machtiging_valid=False, group_fit_hard=True), replace(BASE, group=mixed)))
    assert found["group_machtiging"].ok and "samen mag" in found["group_machtiging"].text


def test_a_youth_of_gender_other_is_not_judged_on_the_gender_mix():
    group = (Resident(14, "male", "lvb", False), Resident(15, "male", "lvb", False))
    found = criteria(evaluate(replace(YOUTH, gender="other"), replace(BASE, group=group)))
    assert found["group_gender"].ok and "niet beoordeeld" in found["group_gender"].text


def test_a_stale_group_is_shown_as_stale():
    found = criteria(evaluate(YOUTH, replace(BASE, group=FITTING_GROUP, group_is_stale=True)))
    assert not found["group_recorded"].ok and "verouderd" in found["group_recorded"].text


def test_a_provider_that_refused_comes_last_among_the_fitting_and_is_marked():
    declined = replace(
        BASE,
        facility_id=2,
        declined_this_request=True,
        declined_on=date(2026, 11, 20),
        declined_reason="Geen plek",
    )
    farther = replace(BASE, facility_id=3, lat=BASE.lat + 0.4, region_id=99)  # other region, farther
    ranked = rank(NEED, [declined, farther])[Group.AVAILABLE]
    assert [m.facility.facility_id for m in ranked] == [3, 2]
    marker = next(c for c in ranked[1].criteria if c.code == "declined")
    assert marker.text == "Wees eerder af op 20 november 2026: Geen plek" and not marker.hard
