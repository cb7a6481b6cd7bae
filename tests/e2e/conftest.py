"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live
server (a real threaded server on the test database)."""

import base64
import os
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in this thread; the ORM calls that set up
# test data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session", autouse=True)
def patient_assertions():
    """Playwright's expect() gives up after 5 s by default; on a loaded machine a page can
    take longer. The assertions still wait only until the condition holds."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)


@pytest.fixture
def page(page):
    page.set_default_timeout(60_000)  # actions and waits, likewise (default 30 s)
    page.set_default_navigation_timeout(90_000)
    return page


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the product's CSP rightly blocks:
    # these contexts bypass the CSP; tests/e2e/test_csp.py checks pages with it enforced.
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam", "bypass_csp": True}


def second_factor_in_browser(page, username):
    """The second login step as a person does it: on first login, set up the app from the
    secret on the page and confirm with its code (then leave the recovery codes); later,
    type the app's current code. Nothing happens when the step is not asked for."""
    from accounts.models import User
    from tests.accounts.two_factor import totp_code, totp_code_for_key

    if re.search(r"/login/setup/", page.url):
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Code uit de app").fill(totp_code_for_key(base64.b32decode(secret).hex()))
        page.get_by_role("button", name="Bevestigen").click()
        page.get_by_role("heading", name="Uw herstelcodes").wait_for()
        page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
        page.wait_for_load_state()
    elif re.search(r"/login/verify/", page.url):
        device = TOTPDevice.objects.get(user=User.objects.get(username=username), confirmed=True)
        page.get_by_label("Code", exact=True).fill(totp_code(device))
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
    return page


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form, with the second factor where the user's role
    asks for it (`second_factor=False` stops after the password); returns the page."""

    def _login(username, password, *, second_factor=True):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        if second_factor:
            second_factor_in_browser(page, username)
        return page

    return _login


@pytest.fixture
def logout(page):
    def _logout():
        page.get_by_role("button", name=re.compile("Uitloggen|Log out")).click()
        page.wait_for_url(re.compile(r"/login/"))

    return _logout


AXE = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "axe-core", "axe.min.js")


@pytest.fixture
def axe_violations(page):
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; returns serious+critical violations."""

    def _check():
        page.add_script_tag(path=AXE)
        result = page.evaluate(
            "async () => await axe.run(document,"
            " {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return _check


@pytest.fixture(scope="session")
def identity_check_loaded():
    """The live server runs in this process: load deduce's model once before a page that
    checks texts (the offer composer) asks for it, so no click waits for the load."""
    from placement.anonymisation import deduce_model

    deduce_model()
