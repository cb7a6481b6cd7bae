"""A provider updates availability in the browser and the coordinator sees it on the
capacity board, which refreshes itself (htmx) and filters without a page reload."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from capacity.models import Facility


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_provider_updates_availability_and_coordinator_sees_it(page, live_server, demo_data, login, logout):
    facility = Facility.objects.get(name="De Horst – Crisisplaatsen Almelo")  # never confirmed: stale
    login("provider", "demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn locaties")
    row = page.locator(f'tr[data-facility-id="{facility.pk}"]')
    expect(row).to_contain_text("Verouderd")
    row.get_by_role("link", name=re.compile("bijwerken")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(facility.name)

    # a wrong figure is explained next to the field
    page.get_by_label("Inzetbare plaatsen").fill("9")
    page.get_by_role("button", name="Opslaan en bevestigen").click()
    expect(page.locator("#places_staffed-error")).to_contain_text("gecontracteerd")
    expect(page.get_by_label("Inzetbare plaatsen")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Inzetbare plaatsen").fill("4")
    page.get_by_label("Bezet door jongeren van buiten de regie").fill("1")
    page.get_by_role("button", name="Opslaan en bevestigen").click()
    expect(page.get_by_role("status")).to_contain_text("is bijgewerkt")
    expect(page.locator('[data-figure="free"]')).to_have_text("3")
    expect(page.locator("#occupancy-chart")).to_be_visible()
    logout()

    login("coordinator", "demo")
    page.get_by_role("link", name="Capaciteit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capaciteit")
    board_row = page.locator(f'tr[data-facility-id="{facility.pk}"]')
    expect(board_row).to_contain_text("Actueel")
    expect(board_row.locator(".free")).to_have_text("3")

    # filtering swaps only the results (htmx): the heading element stays the same node
    page.evaluate("document.querySelector('h1').dataset.marker = 'kept'")
    page.get_by_label("Zorgvorm").select_option(label="Crisisplaatsen")
    expect(page.locator("tr[data-facility-id]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"care_type=crisis"))
    assert page.evaluate("document.querySelector('h1').dataset.marker") == "kept"

    # the provider confirms again elsewhere; the board's own refresh picks up new figures
    from accounts.models import User
    from capacity import services

    services.availability_update(facility=facility, by=User.objects.get(username="provider"), occupied_external=3)
    # what the 30 s timer does: GET the section's own hx-get URL and swap it in
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#board-results').getAttribute('hx-get'),"
        " {target: '#board-results', swap: 'outerHTML'})"
    )
    expect(page.locator(f'tr[data-facility-id="{facility.pk}"] .free')).to_have_text("1")
