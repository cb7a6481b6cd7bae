"""Issue 12 (refdata) in the browser: a coordinator sets a tariff per intensity band from a
date (a refused value is explained next to its field), on a phone too; the CBS export page
of coordinators and administrators; both pages stay axe-clean."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Region
from capacity.selectors import band_tariff


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_coordinator_sets_a_band_tariff_from_a_date(page, live_server, demo_data, login, axe_violations):
    login("coordinator", "demo")
    page.get_by_role("link", name="Instellingen van de regio: termijnen, crisis, machtiging en afwijzingen").click()
    page.get_by_role("link", name="Intensiteitsklassen en tarieven van de regio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intensiteitsklassen en tarieven van Twente")
    assert axe_violations() == []

    page.get_by_label("Tarief R (8-8,5 uur per etmaal) (euro per dag)").fill("0")
    page.get_by_role("button", name="Tarieven opslaan").click()
    expect(page.locator("#id_tariff_R-error")).to_be_visible()
    assert axe_violations() == []

    start = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Ingangsdatum").fill(start.isoformat())
    page.get_by_label("Tarief R (8-8,5 uur per etmaal) (euro per dag)").fill("901,25")
    page.get_by_role("button", name="Tarieven opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("zijn opgeslagen")
    expect(page.get_by_text("901,25")).to_be_visible()
    region = Region.objects.get(code="JZ14")
    assert band_tariff(region_id=region.pk, code="R", day=start) == Decimal("901.25")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations() == []


@pytest.mark.e2e
def test_the_cbs_export_page_for_coordinators_and_administrators(
    page, live_server, demo_data, login, logout, axe_violations
):
    login("coordinator", "demo")
    page.goto(f"{live_server.url}/coordinator/figures/")
    page.get_by_role("link", name="Plaatsingen exporteren voor CBS Beleidsinformatie Jeugd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plaatsingen voor CBS Beleidsinformatie Jeugd")
    assert axe_violations() == []
    logout()
    login("admin", "demo")
    page.get_by_role("link", name="Plaatsingen exporteren voor CBS Beleidsinformatie Jeugd").click()
    expect(page.get_by_label("Regio")).to_contain_text("Alle regio's (landelijk)")
    assert axe_violations() == []
