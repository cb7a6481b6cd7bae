"""The coordinator types a sibling's name and the youth's possessive into the offer
composer, sees both marked in place with their kind, is refused an override without a
reason, edits one away, leaves the other in with a reason, and sends."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from core.models import Event
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import fitting_facility, in_matching, youth_data


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    horst = provider_org(name="De Horst")
    facility = fitting_facility(horst, name="Horst Groep Kwartel")
    placement_request = in_matching(referrer, coordinator, youth=youth_data(given_names="Zoë", family_name="Jansen"))
    return {"request": placement_request, "facility": facility}


@pytest.mark.e2e
def test_findings_are_marked_in_place_and_one_is_overridden_with_a_reason(page, live_server, setup, login):
    placement_request, facility = setup["request"], setup["facility"]
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/")
    page.locator("#id_goals").fill("Zoës wens: dicht bij broer Daan wonen.")
    page.get_by_role("button", name="Controleren en voorbeeld tonen").click()
    marks = page.locator("mark.finding")
    expect(marks).to_have_count(2)
    expect(marks.nth(0)).to_contain_text("gevonden: naam van de jeugdige of een ouder")
    expect(marks.nth(1)).to_contain_text("gevonden: naam van een persoon")
    # Ticking the sibling's name without a reason is refused, next to the reason field.
    page.get_by_label("Toch laten staan: naam van een persoon", exact=False).check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("Geef aan waarom dit gegeven toch in de aanmelding mag staan.")).to_be_visible()
    # Edit the youth's name away, give the reason, send.
    page.locator("#id_goals").fill("Haar wens: dicht bij broer Daan wonen.")
    page.get_by_label("Reden om “Daan” te laten staan").fill("Broer is minderjarig en woont elders.")
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("De aanmelding is verstuurd")).to_be_visible()
    event = Event.objects.get(event_type="identifying_data_overridden")
    assert event.details["kind"] == "person" and "Daan" not in str(event.details)
