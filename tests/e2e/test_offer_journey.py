"""A request in matching is offered to provider 1, which declines with a reason; offered
to provider 2, which accepts; the placement starts, ends with "needs another place", and
the transfer request is in the coordinator's triage queue."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from intake.models import PlacementRequest
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import fitting_facility, in_matching


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    horst, esch = provider_org(name="De Horst"), provider_org(name="Het Esch")
    member(Role.PROVIDER, organisation=horst, username="provider")
    member(Role.PROVIDER, organisation=esch, username="provider2")
    first = fitting_facility(horst, name="Horst Groep Kwartel")
    second = fitting_facility(esch, name="Esch Behandelgroep")
    return {"request": in_matching(referrer, coordinator), "first": first, "second": second}


def offer(page, live_server, placement_request, facility_name):
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/matching/")
    page.get_by_role("link", name=f"Aanmelden bij {facility_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(facility_name)
    expect(page.locator("#check-result")).to_contain_text("geen herkenbare gegevens")
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("De aanmelding is verstuurd")).to_be_visible()


@pytest.mark.e2e
def test_offer_decline_offer_accept_place_end_transfer(page, live_server, setup, login, logout):
    placement_request = setup["request"]
    login("coordinator", PASSWORD)
    offer(page, live_server, placement_request, "Horst Groep Kwartel")
    logout()

    # Provider 1 declines with a reason; without motivation first (error next to the field).
    login("provider", PASSWORD)
    page.get_by_role("link", name="Aanmeldingen").click()
    page.locator("[data-offer-id] a").first.click()
    page.get_by_label("Reden van afwijzing").select_option("group_composition")
    page.get_by_role("button", name="Aanmelding afwijzen").click()
    expect(page.locator("#id_motivation-error")).to_be_visible()
    page.get_by_label("Toelichting").fill("De groep is op dit moment te onrustig.")
    page.get_by_role("button", name="Aanmelding afwijzen").click()
    expect(page.get_by_text("U heeft de aanmelding afgewezen")).to_be_visible()
    logout()

    # The coordinator sees the refusal and offers to provider 2 (provider 1 marked as declined).
    login("coordinator", PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Aanmelding afgewezen"))).to_be_visible()
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/matching/")
    expect(page.locator(".declined-flag")).to_contain_text("Wees eerder af op")
    offer(page, live_server, placement_request, "Esch Behandelgroep")
    logout()

    # Provider 2 accepts, sees the identity, starts the placement.
    login("provider2", PASSWORD)
    page.goto(f"{live_server.url}/provider/offers/")
    page.locator("[data-offer-id] a").first.click()
    expect(page.get_by_text(placement_request.youth.family_name)).to_have_count(0)
    page.get_by_role("button", name="Aanmelding accepteren").click()
    expect(page.get_by_text(placement_request.youth.family_name).first).to_be_visible()
    page.get_by_label("Startdatum").fill(timezone.localdate().isoformat())
    page.get_by_label("Overdracht").fill("Warme overdracht met mentor")
    page.get_by_role("button", name="Plaatsing starten").click()
    expect(page.get_by_text("De plaatsing is gestart")).to_be_visible()

    # ... and ends it: the youth needs another place.
    page.get_by_label("Einddatum").fill(timezone.localdate().isoformat())
    page.get_by_label("Reden van beëindiging (CBS)").select_option("04")
    page.get_by_label("Waar gaat de jeugdige na vertrek heen?").select_option("open_residential")
    page.get_by_label("Toelichting op het einde").fill("Veiligheid in de groep niet te bieden.")
    page.get_by_label("Heeft een nieuwe plek nodig (doorplaatsing)").check()
    page.get_by_role("button", name="Plaatsing beëindigen").click()
    expect(page.get_by_text("Er is een verzoek voor doorplaatsing aangemaakt")).to_be_visible()
    logout()

    # The transfer request is in the coordinator's triage queue.
    transfer = PlacementRequest.objects.get(kind="transfer")
    login("coordinator", PASSWORD)
    section = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("triage nodig")))
    expect(section.get_by_role("link", name=transfer.reference)).to_be_visible()
    expect(section).to_contain_text("Doorplaatsing")
    section.get_by_role("link", name=transfer.reference).click()
    expect(page.locator("#transfer-count")).to_have_text("1")
