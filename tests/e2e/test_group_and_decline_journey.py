"""Issue 11 points 7 and 8 in the browser: the provider records the current group of its
small home; the coordinator sees the group fit explained in matching; after the provider
declines, it appears last among the fitting facilities, marked, and offering to it again
asks for a reason."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from placement.anonymisation import deduce_model
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import fitting_facility, in_matching


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    deduce_model()  # the live server shares this process: load the model before the composer asks for it
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    linde, esch = provider_org(name="De Linde"), provider_org(name="Het Esch")
    member(Role.PROVIDER, organisation=linde, username="provider")
    home = fitting_facility(linde, name="Gezinshuis De Linde")
    other = fitting_facility(esch, name="Esch Behandelgroep")
    return {"request": in_matching(referrer, coordinator), "home": home, "other": other}  # a boy of 14


def matching_rows(page):
    return page.locator("#matching-available tbody tr")


@pytest.mark.e2e
def test_group_recorded_fit_shown_decline_marks_and_reoffer_asks_a_reason(
    page, live_server, setup, login, logout, axe_violations
):
    placement_request, home = setup["request"], setup["home"]

    # The provider records the group: two girls of 15 and 16, one with a machtiging.
    login("provider", PASSWORD)
    page.goto(f"{live_server.url}/provider/facilities/{home.pk}/")
    for row, (age, machtiging) in enumerate(((15, False), (16, True))):
        page.locator(f"#id_group-{row}-age").fill(str(age))
        page.locator(f"#id_group-{row}-gender").select_option("female")
        page.locator(f"#id_group-{row}-level").select_option("average")
        if machtiging:
            page.locator(f"#id_group-{row}-machtiging").check()
    page.get_by_role("button", name="Groep opslaan").click()
    expect(page.get_by_text("De groep van Gezinshuis De Linde is vastgelegd (2 jeugdigen).")).to_be_visible()
    expect(page.get_by_role("table", name="Wie er nu woont (zonder namen)")).to_contain_text("Gemiddeld")
    assert axe_violations() == []
    logout()

    # The coordinator sees the fit with the group explained, and offers to the home.
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/matching/")
    home_row = page.locator(f'tr[data-facility-id="{home.pk}"]')
    expect(home_row).to_contain_text("de jeugdige zou de enige jongen zijn in een groep van 2")
    expect(home_row).to_contain_text("wonen met en zonder machtiging samen mag")
    expect(page.locator(f'tr[data-facility-id="{setup["other"].pk}"]')).to_contain_text("Groepssamenstelling onbekend")
    assert axe_violations() == []
    page.get_by_role("link", name="Aanmelden bij Gezinshuis De Linde").click()
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("De aanmelding is verstuurd")).to_be_visible()
    logout()

    # The provider declines.
    login("provider", PASSWORD)
    page.goto(f"{live_server.url}/provider/offers/")
    page.locator("[data-offer-id] a").first.click()
    page.get_by_label("Reden van afwijzing").select_option("staffing")
    page.get_by_label("Toelichting").fill("Te weinig personeel deze maand.")
    page.get_by_role("button", name="Aanmelding afwijzen").click()
    expect(page.get_by_text("U heeft de aanmelding afgewezen")).to_be_visible()
    logout()

    # The home is now last among the fitting facilities, marked; a new offer needs a reason.
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/matching/")
    expect(matching_rows(page).last).to_have_attribute("data-facility-id", str(home.pk))
    expect(matching_rows(page).last.locator(".declined-flag")).to_contain_text(
        re.compile(r"Wees eerder af op \d+ \w+ \d{4}: Personele bezetting")
    )
    page.get_by_role("link", name="Aanmelden bij Gezinshuis De Linde").click()
    expect(page.get_by_test_id("reoffer-reason")).to_contain_text("wees dit verzoek eerder af op")
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.locator("#id_reoffer_reason-error")).to_contain_text("Geef aan waarom u opnieuw aanmeldt")
    assert axe_violations() == []
    page.get_by_label("Reden om opnieuw aan te melden").fill("Vanaf volgende week extra personeel.")
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("De aanmelding is verstuurd")).to_be_visible()
