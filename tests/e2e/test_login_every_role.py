"""A person logs in as each demo role and lands on that role's own work page."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

ROLE_PAGES = {
    "referrer": ("/referrer/", "Mijn plaatsingsverzoeken"),
    "referrer2": ("/referrer/", "Mijn plaatsingsverzoeken"),
    "coordinator": ("/coordinator/", "Werkvoorraad plaatsingscoördinatie"),
    "coordinator2": ("/coordinator/", "Werkvoorraad plaatsingscoördinatie"),
    "provider": ("/provider/", "Mijn locaties"),
    "provider2": ("/provider/", "Mijn locaties"),
    "contract_manager": ("/contract-manager/", "Cijfers contractmanagement"),
    "behavioural_scientist": ("/behavioural-scientist/", "Ondersteuning verklarende analyses"),
    "admin": ("/administration/", "Beheer"),
}


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_every_demo_role_logs_in_to_its_own_home(page, live_server, demo_data, login, logout):
    for username, (path, heading) in ROLE_PAGES.items():
        login(username, "demo")
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        logout()


@pytest.mark.e2e
def test_wrong_password_is_explained_and_language_can_be_switched(page, live_server, demo_data, login):
    login("coordinator", "not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
