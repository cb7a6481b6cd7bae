"""Issue 11 point 2 in the browser: an accepted offer is refused by the parents after the
introduction visit; the held place is released, the request goes back to matching and is
offered to another provider, which accepts."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from capacity.models import Facility
from placement.models import Offer, OfferStatus
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.e2e.test_offer_journey import offer
from tests.placement.factories import fitting_facility, in_matching


@pytest.fixture
def setup(transactional_db, tmp_path, settings, identity_check_loaded):
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


def accept_first_offer(page, live_server, username):
    page.goto(f"{live_server.url}/provider/offers/")
    page.locator("[data-offer-id] a").first.click()
    page.get_by_role("button", name="Aanmelding accepteren").click()
    expect(page.get_by_text("U heeft de aanmelding geaccepteerd")).to_be_visible()


@pytest.mark.e2e
def test_parents_refuse_after_the_introduction_and_the_request_is_offered_elsewhere(
    page, live_server, setup, login, logout
):
    placement_request, first = setup["request"], setup["first"]
    login("coordinator", PASSWORD)
    offer(page, live_server, placement_request, "Horst Groep Kwartel")
    logout()
    login("provider", PASSWORD)
    accept_first_offer(page, live_server, "provider")
    logout()
    assert Facility.objects.get(pk=first.pk).held == 1

    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/requests/{placement_request.pk}/")
    panel = page.locator("section.action-panel").filter(has=page.get_by_role("heading", name="Na de acceptatie"))
    introduction = panel.locator("form").filter(has=page.get_by_role("heading", name="Kennismaking vastleggen"))
    introduction.get_by_label("Datum van de kennismaking").fill(timezone.localdate().isoformat())
    introduction.get_by_label("Uitkomst").select_option("negative")
    introduction.get_by_label("Notitie").fill("De ouders vinden de groep te groot.")
    introduction.get_by_role("button", name="Kennismaking vastleggen").click()
    expect(page.get_by_text("De kennismaking is vastgelegd")).to_be_visible()

    refusal = page.locator("form").filter(has=page.get_by_role("heading", name="Afwijzing na acceptatie vastleggen"))
    refusal.get_by_label("Wie wijst de plaatsing af?").select_option("parents")
    refusal.get_by_label("Reden").select_option("introduction_mismatch")
    refusal.get_by_role("button", name="Afwijzing vastleggen").click()
    # the motivation is required: said next to the field, nothing written
    expect(page.locator("#id_motivation-error")).to_be_visible()
    assert Offer.objects.get(request=placement_request).status == OfferStatus.ACCEPTED
    page.get_by_label("Toelichting").fill("Na de kennismaking willen de ouders een kleinere groep.")
    page.get_by_role("button", name=re.compile("Afwijzing.*vastleggen")).click()
    expect(page.get_by_text(re.compile("weer in matching")).first).to_be_visible()
    assert Facility.objects.get(pk=first.pk).held == 0

    offer(page, live_server, placement_request, "Esch Behandelgroep")
    logout()
    login("provider2", PASSWORD)
    accept_first_offer(page, live_server, "provider2")
    statuses = dict(Offer.objects.filter(request=placement_request).values_list("facility__name", "status"))
    assert statuses == {"Horst Groep Kwartel": OfferStatus.FALLEN_THROUGH, "Esch Behandelgroep": OfferStatus.ACCEPTED}
