"""Issue 11 point 3, the returning child: an earlier request was placed and the placement
ended; the referrer starts a new request with the same BSN, which joins the earlier youth;
the youth's page shows both requests, the ended placement and the re-entry. A second child
without a BSN is linked by hand (request number and reason, errors first), then the
coordinator sees the youth's page of the region."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from intake.models import PlacementRequest
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import make_request, youth_data
from tests.placement.test_youth_across_requests import placed_and_ended

BSN = "123456782"


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    earlier, placement = placed_and_ended(
        referrer,
        coordinator,
        youth=youth_data(bsn=BSN, given_names="Noah", family_name="Terugkeer"),
        provider=provider_org(name="De Horst"),
    )
    return {"earlier": earlier, "placement": placement, "referrer": referrer}


@pytest.mark.e2e
def test_returning_child_joins_the_earlier_youth_and_the_youth_page_shows_both(
    page, live_server, setup, login, logout, axe_violations
):
    earlier = setup["earlier"]
    login("verwijzer", PASSWORD)
    page.get_by_role("link", name="Nieuw plaatsingsverzoek").click()
    page.get_by_label("Voornamen").fill("Noah")
    page.get_by_label("Achternaam").fill("Terugkeer")
    page.get_by_label("Geboortedatum").fill(earlier.youth.birth_date.isoformat())
    page.get_by_label("Geslacht").select_option("male")
    page.get_by_label("BSN").fill(BSN)
    page.get_by_label("Woongemeente").fill("Enschede")
    page.get_by_label("Adres").fill("Nieuwe Laan 4")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Verklarende analyse")
    new = PlacementRequest.objects.exclude(pk=earlier.pk).get(referrer=setup["referrer"], status="draft")
    assert new.youth_id == earlier.youth_id  # joined by BSN, no second youth record

    page.goto(f"{live_server.url}/requests/{new.pk}/")
    page.get_by_role("link", name="Alle verzoeken, plaatsingen en doorplaatsingen van deze jeugdige").click()
    expect(page).to_have_url(re.compile(rf"/youth/{earlier.youth_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noah Terugkeer")
    requests = page.locator("#youth-requests")
    expect(requests).to_contain_text(earlier.reference)
    expect(requests).to_contain_text(new.reference)
    expect(requests).to_contain_text("Geplaatst bij")
    expect(page.locator(f'[data-request="{new.pk}"] .youth-reentry')).to_contain_text("Herinstroom")
    expect(page.locator("#youth-timeline")).to_contain_text("Gekoppeld aan de jeugdige van een eerder verzoek")
    expect(page.locator("#youth-timeline")).to_contain_text("Plaatsing beëindigd")
    assert axe_violations() == []
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1366, "height": 768})

    # A sibling record without BSN: linked by hand, every error at once first.
    loose = make_request(setup["referrer"], complete=False, youth=youth_data(bsn="", given_names="Noah"))
    page.goto(f"{live_server.url}/requests/{loose.pk}/")
    page.get_by_role("link", name="Koppelen aan de jeugdige van een eerder verzoek").click()
    page.get_by_role("button", name="Koppelen").click()
    expect(page.locator("#id_target_request-error")).to_be_visible()
    expect(page.locator("#id_reason-error")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Verzoeknummer van het eerdere verzoek").fill(earlier.reference)
    page.get_by_label("Waarom is dit dezelfde jeugdige?").fill("Zelfde kind; BSN was nog niet bekend.")
    page.get_by_role("button", name="Koppelen").click()
    expect(page.get_by_text("Het verzoek is gekoppeld")).to_be_visible()
    expect(page.locator("#youth-requests")).to_contain_text(loose.reference)
    logout()

    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/youth/{earlier.youth_id}/")
    requests = page.locator("#youth-requests")
    expect(requests).to_contain_text(earlier.reference)
    expect(requests).not_to_contain_text(new.reference)  # still a draft: not the coordinator's yet
    expect(page.locator("#youth-placements")).to_have_text("1")
