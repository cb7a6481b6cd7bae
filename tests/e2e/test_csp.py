"""The Content-Security-Policy enforced in a real browser: the pages and their charts,
htmx and the API docs work without one violation (issue 10, point 7)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from capacity.models import Facility
from tests.e2e.conftest import second_factor_in_browser


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def strict_page(browser, live_server):
    """A page whose context enforces the CSP; collects every violation it reports."""
    context = browser.new_context(locale="nl-NL", bypass_csp=False)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.violations = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and page.violations.append(f"{page.url}: {m.text}")
    )
    yield page
    context.close()


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill("demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    second_factor_in_browser(page, username)  # the setup page (QR code) runs under the policy too


@pytest.mark.e2e
def test_pages_charts_and_api_docs_run_under_the_policy(strict_page, live_server, demo_data):
    page = strict_page
    _login(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/coordinator/capacity/")
    facility = Facility.objects.order_by("pk").first()
    page.goto(f"{live_server.url}/coordinator/capacity/{facility.pk}/")
    expect(page.locator("canvas").first).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    page.goto(f"{live_server.url}/coordinator/capacity/")
    page.get_by_role("button", name=re.compile("Uitloggen")).click()
    _login(page, live_server, "contract_manager")
    expect(page.locator("canvas").first).to_be_visible()
    assert page.violations == []


@pytest.mark.e2e
def test_an_inline_script_is_refused(strict_page, live_server, demo_data):
    """The policy really is enforced: a script injected into the page does not run."""
    page = strict_page
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in v for v in page.violations)
