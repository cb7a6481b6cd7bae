"""A contract manager closes one group in a what-if scenario, runs the replay (a real
Celery worker runs it; the page shows its progress) and compares it with the baseline
(issue 16.2): the youth who got a place in the baseline have no fitting place without it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from planning.models import ReplayRun
from tests.planning.conftest import START, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_contract_manager_closes_a_group_runs_the_replay_and_compares_with_the_baseline(
    twente, celery_worker_process, contract_manager, password, login, live_server, axe_violations
):
    world = World(twente)
    for day in range(0, 70, 7):  # ten youth, each really placed at F1
        world.request(START + dt.timedelta(days=day), placed_at=world.f1)

    page = login(contract_manager.username, password)
    page.goto(f"{live_server.url}/contract-manager/planning/scenarios/")
    assert axe_violations() == []
    page.get_by_label("Naam van het scenario").fill("F1 dicht")
    page.get_by_label("Regio (verplicht)").select_option(label="Twente")
    page.get_by_label("Begin van de afgelopen periode").fill(START.isoformat())
    page.get_by_label("Aantal maanden").fill("30")  # too long: the message is next to the field
    page.get_by_label("Wijziging", exact=True).select_option(value="close")
    page.get_by_label("Locatie", exact=True).select_option(label="F1")
    page.get_by_role("button", name="Scenario opslaan").click()
    expect(page.locator("#id_period_months-error")).to_contain_text("Vul een getal van 12 tot en met 24 in.")
    page.get_by_label("Aantal maanden").fill("12")
    page.get_by_role("button", name="Scenario opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("F1 dicht")

    page.get_by_role("button", name="Doorrekenen").click()
    status = page.get_by_role("status").filter(has_text=re.compile("wachtrij|bezig|klaar"))
    expect(status.locator("progress").or_(status.get_by_role("link", name="Bekijk de vergelijking"))).to_be_visible()
    seen_progress = status.locator("progress").count() == 1
    page.get_by_role("link", name="Bekijk de vergelijking").click()  # htmx polled until the worker was done
    assert seen_progress
    assert ReplayRun.objects.get().status == "done"

    table = page.locator("#replay-comparison")
    no_fit = table.locator("tr[data-measure='no_fit'] td")
    expect(no_fit.nth(0)).to_have_text("10")  # scenario: F1 closed, nothing else fits
    expect(no_fit.nth(1)).to_have_text("0")  # baseline: the same replay without the change
    placed = table.locator("tr[data-measure='placed'] td")
    expect(placed.nth(1)).to_have_text("10")
    expect(placed.nth(2)).to_have_text("10")  # what really happened
    assert page.locator("svg[role='img']").count() == 1
    assert axe_violations() == []
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
