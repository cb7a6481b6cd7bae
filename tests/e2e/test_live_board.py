"""Issue 15 (perf-pages), live board in the browser: a coordinator keeps the board open;
a provider changes availability in another browser; the open board shows it within
5 seconds. While nothing changes, the board's polls answer 304 and the rows stay the
same DOM nodes (nothing is re-rendered on the server nor swapped in the page)."""

import io
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from capacity.models import Facility
from tests.e2e.conftest import second_factor_in_browser


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill("demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    second_factor_in_browser(page, username)


@pytest.mark.e2e
def test_an_availability_change_shows_on_an_open_board_within_5_seconds(
    page, live_server, demo_data, browser_context_args, axe_violations
):
    facility = Facility.objects.get(name="De Horst – Crisisplaatsen Almelo")
    _login(page, live_server, "coordinator")
    polls = []
    page.on(
        "response",
        lambda r: polls.append(r.status) if "/coordinator/capacity/" in r.url and r.request.method == "GET" else None,
    )
    page.goto(f"{live_server.url}/coordinator/capacity/")
    row = page.locator(f'tr[data-facility-id="{facility.pk}"]')
    expect(row).to_be_visible()
    assert axe_violations() == []  # the rows built in Python are as accessible as before
    free_before = facility.places_staffed - facility.occupied_internal - facility.occupied_external - facility.held
    occupied = facility.occupied_external + 1 if free_before > 0 else facility.occupied_external - 1
    expected = str(free_before - 1 if free_before > 0 else free_before + 1)
    page.evaluate(f"document.querySelector('tr[data-facility-id=\"{facility.pk}\"]').dataset.marker = 'kept'")

    # Nothing changes: the polls answer 304 and the row is the same node.
    deadline = time.monotonic() + 30
    while 304 not in polls and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert 304 in polls and 200 not in polls[1:]
    assert page.evaluate(f"document.querySelector('tr[data-facility-id=\"{facility.pk}\"]').dataset.marker") == "kept"

    # The provider changes the figures in another browser.
    other = page.context.browser.new_context(**browser_context_args)
    provider = other.new_page()
    provider.set_default_timeout(60_000)
    _login(provider, live_server, "provider")
    provider.goto(f"{live_server.url}/provider/facilities/{facility.pk}/")
    provider.get_by_label("Bezet door jongeren van buiten de regie").fill(str(occupied))
    provider.get_by_role("button", name="Opslaan en bevestigen").click()
    expect(provider.get_by_role("status")).to_contain_text("is bijgewerkt")
    expect(provider.locator('[data-figure="free"]')).to_have_text(expected)
    changed_at = time.monotonic()

    # The open board shows it within 5 seconds, without a reload.
    expect(page.locator(f'tr[data-facility-id="{facility.pk}"] .free')).to_have_text(
        re.compile(rf"^{expected}"), timeout=5_000
    )
    assert time.monotonic() - changed_at < 5
    assert page.evaluate(f"document.querySelector('tr[data-facility-id=\"{facility.pk}\"]').dataset.marker") is None
    other.close()


@pytest.mark.e2e
def test_the_provider_inbox_built_in_python_stays_accessible(page, live_server, demo_data, login, axe_violations):
    login("provider", "demo")
    page.goto(f"{live_server.url}/provider/offers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmeldingen")
    assert axe_violations() == []
