"""Issue 12 part "contracts" in a real browser: the contract manager reaches the contracts
from the home page, opens a demo contract, sends an empty form (every error shown at
once, next to its field), plans an afbouw; axe-core finds nothing serious on these pages,
also on a 390 px wide phone."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_contract_manager_works_with_contracts_and_capacity_changes(
    page, live_server, demo_data, login, axe_violations
):
    page.set_viewport_size({"width": 390, "height": 844})
    login("contract_manager", "demo")
    page.get_by_role("link", name="Contracten", exact=True).first.click()  # not the report "Contracten en kosten"
    page.wait_for_load_state()
    assert page.locator("[data-testid=contracts] tbody tr").count() == 2
    assert axe_violations() == []
    page.get_by_role("link", name="Jeugdzorg De Horst (demo) (DEMO-JZ14-HORST)").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=history] tbody tr").count() == 1
    assert axe_violations() == []
    page.goto(f"{live_server.url}/contracts/new/")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    errors = page.locator(".form-error")
    assert errors.count() >= 5  # provider, region, start date, funding form, places: all at once
    assert page.locator("[aria-invalid=true]").count() >= 5
    assert axe_violations() == []
    page.goto(f"{live_server.url}/contracts/capacity-changes/")
    assert axe_violations() == []
