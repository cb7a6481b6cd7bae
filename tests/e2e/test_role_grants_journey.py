"""Four-eyes in the browser: one administrator asks for a role for someone else, a second
one approves it; the page passes axe (WCAG 2.1 AA)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, Role


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_one_administrator_asks_another_approves(page, live_server, demo_data, login, logout, axe_violations):
    login("admin", "demo")
    page.get_by_role("link", name="Rollen en rechten toekennen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rollen en rechten toekennen")
    assert axe_violations() == []
    page.get_by_label("Gebruikersnaam van de persoon").fill("behavioural_scientist")
    page.get_by_role("combobox", name=re.compile("^Organisatie")).select_option(
        label="Pool gedragswetenschappers Twente (demo)"
    )
    page.get_by_role("combobox", name=re.compile("^Rol")).select_option(label="Gedragswetenschapper")
    page.get_by_label("Drenthe").check()
    page.get_by_label("Waarom heeft deze persoon dit nodig?").fill("Vervangt een collega in Drenthe")
    page.get_by_role("button", name="Aanvraag indienen").click()
    expect(page.get_by_role("status")).to_contain_text("Een andere beheerder moet haar goedkeuren")
    expect(page.get_by_text("Een andere beheerder beslist over deze aanvraag.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Goedkeuren"))).to_have_count(0)
    logout()
    login("admin2", "demo")
    page.goto(f"{live_server.url}/administration/role-grants/")
    assert axe_violations() == []
    page.get_by_role("button", name=re.compile("^Goedkeuren")).click()
    expect(page.get_by_role("status")).to_contain_text("goedgekeurd en toegepast")
    membership = Membership.objects.get(user__username="behavioural_scientist", role=Role.BEHAVIOURAL_SCIENTIST)
    assert {r.name for r in membership.regions.all()} == {"Twente", "Drenthe"}
