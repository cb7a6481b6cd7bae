"""What the screens offer comes from the transition table (`actions_allowed`). The
expectation here is written by hand, independent of the table under test."""

import pytest

from accounts.models import Role
from intake.models import Status, actions_allowed

C, R, P = Role.COORDINATOR, Role.REFERRER, Role.PROVIDER

# (state, role) -> the use cases a screen may offer; anything not listed offers nothing.
EXPECTED = {
    (Status.DRAFT, R): {"submit", "withdraw"},
    (Status.RETURNED, R): {"submit", "withdraw"},
    (Status.SUBMITTED, R): {"withdraw"},
    (Status.EXPERT_TABLE, R): {"withdraw"},
    (Status.MATCHING, R): {"withdraw"},
    (Status.WAITING, R): {"withdraw"},
    # issue 11: triage may register a crisis placement; a crisis dossier is decided on
    # (the screen offers that only for a request that follows a crisis placement); at the
    # expert table the coordinator records a meeting
    (Status.SUBMITTED, C): {"triage", "crisis_register", "crisis_convert"},
    (Status.EXPERT_TABLE, C): {"triage", "crisis_register", "crisis_convert", "expert_table"},
    (Status.CRISIS, R): {"submit"},
    (Status.CRISIS, C): {"crisis_submit", "end"},
    (Status.CRISIS, P): {"end"},
    (Status.MATCHING, C): {"offer", "wait"},
    (Status.WAITING, C): {"offer", "resume"},
    (Status.ACCEPTED, R): {"withdraw_accepted"},
    (Status.ACCEPTED, C): {"start", "fall_through", "withdraw_accepted"},
    (Status.PLACED, C): {"end", "change_in_place"},
    (Status.OFFERED, P): {"accept"},
    (Status.ACCEPTED, P): {"start", "fall_through"},
    (Status.PLACED, P): {"end", "change_in_place"},
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("role", [R, C, P, Role.CONTRACT_MANAGER, Role.BEHAVIOURAL_SCIENTIST, Role.ADMIN])
def test_screens_offer_exactly_the_allowed_use_cases(status, role):
    assert set(actions_allowed(status, role)) == EXPECTED.get((status, role), set())


def test_resume_and_offer_withdrawal_share_a_move_but_not_a_button():
    # Offered -> matching is allowed for coordinators (taking an offer back), yet the
    # "resume matching" button belongs to waiting requests only.
    assert "resume" not in actions_allowed(Status.OFFERED, C)
    assert "resume" in actions_allowed(Status.WAITING, C)


def test_start_and_change_in_place_share_a_target_but_not_a_button():
    # Issue 11: accepted -> placed (start) and placed -> placed (a change in place) both end
    # in "placed"; a running placement is not started again, an accepted one not changed.
    assert "start" not in actions_allowed(Status.PLACED, C) and "start" in actions_allowed(Status.ACCEPTED, C)
    assert "change_in_place" not in actions_allowed(Status.ACCEPTED, C)
