"""A coordinator changes the region's settings in the browser: a refused value is
explained next to its field, a good one is saved; the page stays axe-clean."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Region


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_coordinator_changes_the_crisis_deadline_of_the_region(page, live_server, demo_data, login, axe_violations):
    login("coordinator", "demo")
    page.get_by_role("link", name="Instellingen van de regio: termijnen, crisis, machtiging en afwijzingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instellingen van Twente")
    assert axe_violations() == []

    page.get_by_label("Uren voor het antwoord op een crisisaanmelding").fill("100")
    page.get_by_label("Werkdagen voor het antwoord op een spoedaanmelding").fill("0")
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.locator("#id_offer_response_hours_crisis-error")).to_be_visible()
    expect(page.locator("#id_offer_response_working_days_urgent-error")).to_be_visible()
    assert axe_violations() == []
    assert Region.objects.get(code="JZ14").offer_response_hours_crisis == 24

    page.get_by_label("Uren voor het antwoord op een crisisaanmelding").fill("12")
    page.get_by_label("Werkdagen voor het antwoord op een spoedaanmelding").fill("1")
    page.get_by_label("Geen plek").check()
    page.get_by_label("Dagen dat een aanvraag geparkeerd blijft").fill("3")
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("zijn opgeslagen")
    region = Region.objects.get(code="JZ14")
    assert (region.offer_response_hours_crisis, region.decline_parking_reasons, region.decline_parking_days) == (
        12,
        ["no_place"],
        3,
    )
