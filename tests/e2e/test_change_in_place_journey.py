"""Issue 11, point 6: a placed youth gets a change of intensity in place; the transfers
figure does not change. Then the placement ends and the after-care destination is
recorded (and counted)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from intake.models import Youth
from placement import services
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


def _placed(referrer, coordinator, facility, staff):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    return services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    horst = provider_org(name="De Horst")
    staff = member(Role.PROVIDER, organisation=horst, username="provider")
    facility = fitting_facility(horst, name="Horst Groep Kwartel", free=3)
    # One earlier placement ended in a transfer: the figure to watch starts at 1.
    earlier = _placed(referrer, coordinator, facility, staff)
    services.placement_end(
        placement=earlier,
        end_date=timezone.localdate(),
        reason="04",
        destination="open_residential",
        needs_new_place=True,
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement = _placed(referrer, coordinator, facility, staff)
    # The youth's machtiging ends within the region's warning period (28 days by default).
    Youth.objects.filter(pk=placement.youth_id).update(
        legal_status="machtiging_gj", machtiging_end_date=timezone.localdate() + datetime.timedelta(days=10)
    )
    return {"placement": placement}


def summary_figures(page, live_server):
    """The transfers report's key figures on its page (a page per report since issue 12), by label."""
    page.goto(f"{live_server.url}/coordinator/figures/transfers/")
    table = page.locator("table").filter(has=page.locator("caption", has_text="Kerncijfers, vergeleken met"))
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").nth(0).inner_text()
        for i in range(rows.count())
    }


def destination_count(page, label):
    table = page.locator("table").filter(has=page.locator("caption", has_text="Bestemming na vertrek"))
    row = table.locator("tbody tr").filter(has=page.locator("td", has_text=label)).first
    return row.locator("td").nth(1).inner_text()


@pytest.mark.e2e
def test_change_of_intensity_in_place_is_no_transfer_and_the_end_records_the_destination(
    page, live_server, setup, login, logout, axe_violations
):
    placement = setup["placement"]
    ends = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%-d")

    # The provider sees the machtiging watch and the placement panel on its page.
    login("provider", PASSWORD)
    page.goto(f"{live_server.url}/provider/offers/{placement.offer_id}/")
    expect(page.locator("#machtiging-notice")).to_contain_text("Machtiging loopt af op " + ends)
    expect(page.get_by_role("button", name="Wijziging vastleggen")).to_be_visible()
    assert axe_violations() == []
    logout()

    login("coordinator", PASSWORD)
    expect(page.get_by_role("heading", name="Machtigingen die binnenkort aflopen (1)")).to_be_visible()
    assert axe_violations() == []
    before = summary_figures(page, live_server)
    assert before["Doorplaatsingen"] == "1" and before["Plaatsingen beëindigd"] == "1"

    # The change in place, with an error first (no reason): shown next to the field.
    page.goto(f"{live_server.url}/requests/{placement.request_id}/")
    expect(page.locator("#placement-intensity")).to_have_text("M")
    expect(page.locator("#machtiging-notice")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Intensiteit (G7)").select_option("P")
    page.get_by_role("button", name="Wijziging vastleggen").click()
    expect(page.locator("#id_change_reason-error")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Reden van de wijziging").fill("Meer begeleiding nodig na escalaties in de groep.")
    page.get_by_role("button", name="Wijziging in de plaatsing").click()
    expect(page.get_by_text("De wijziging is vastgelegd")).to_be_visible()
    expect(page.locator("#placement-intensity")).to_have_text("P")
    expect(page.get_by_text("Intensiteit gewijzigd in de plaatsing (geen doorplaatsing)")).to_be_visible()
    expect(page.locator("#transfer-count")).to_have_text("0")

    # The transfers figure does not change: a change in place ends nothing.
    assert summary_figures(page, live_server) == before

    # The placement ends; the after-care destination is required and recorded.
    page.goto(f"{live_server.url}/requests/{placement.request_id}/")
    page.get_by_label("Einddatum (verplicht)", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Reden van beëindiging (CBS)").select_option("01")
    page.get_by_role("button", name="Plaatsing beëindigen").click()
    expect(page.locator("#id_destination-error")).to_be_visible()
    page.get_by_label("Waar gaat de jeugdige na vertrek heen?").select_option("lighter_care")
    page.get_by_role("button", name="Plaatsing beëindigen").click()
    expect(page.get_by_text("De plaatsing is beëindigd")).to_be_visible()
    expect(page.locator("#placement-destination")).to_have_text("Lichtere zorg")
    after = summary_figures(page, live_server)
    assert after["Doorplaatsingen"] == "1" and after["Plaatsingen beëindigd"] == "2"
    assert destination_count(page, "Lichtere zorg") == "1"
