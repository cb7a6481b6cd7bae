"""Issue 11 point 1: a coordinator registers a crisis placement in one step from the home
page (what is known: no name yet); the follow-up request shows on the coordinator's home
with its dossier deadline; the referrer completes the dossier in the wizard and submits
it; the coordinator sees it submitted in the queue, with its deadline, and lets the youth
stay (the crisis placement continues as the placement)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from capacity.models import Facility
from intake.models import PlacementRequest
from placement.deadlines import AMSTERDAM
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.placement.factories import fitting_facility

PDF = (  # one blank page: a PDF pypdf reads (core.pdf)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
)


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    horst = provider_org(name="De Horst")
    facility = fitting_facility(horst, name="Horst Crisisgroep", free=1)
    return {"coordinator": coordinator, "referrer": referrer, "facility": facility}


@pytest.mark.e2e
def test_crisis_placement_then_its_follow_up_request(page, live_server, setup, login, logout, tmp_path, axe_violations):
    facility = setup["facility"]
    organisation = setup["referrer"].memberships.get().organisation
    login("coordinator", PASSWORD)
    page.get_by_role("link", name="Crisisplaatsing registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisisplaatsing registreren")
    assert axe_violations() == []
    # Nothing filled in: every error at once, next to its field.
    page.get_by_role("button", name="Crisisplaatsing registreren").click()
    for name in ("facility", "municipality", "referrer_organisation"):
        expect(page.locator(f"#id_{name}-error")).to_be_visible()
    page.get_by_label("Locatie").select_option(str(facility.pk))
    page.get_by_label("Start (datum en tijd)").fill(
        timezone.localtime(timezone.now(), AMSTERDAM).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Woongemeente").select_option(label="Enschede")
    page.get_by_label("Verwijzende organisatie").select_option(str(organisation.pk))
    page.get_by_role("button", name="Crisisplaatsing registreren").click()
    expect(page.get_by_text("De crisisplaatsing is geregistreerd")).to_be_visible()
    placement_request = PlacementRequest.objects.get()
    due = placement_request.crisis_dossier_due
    expect(page.locator("#crisis-dossier-due")).to_contain_text("dossier volgt, uiterlijk")
    assert Facility.objects.get(pk=facility.pk).occupied_internal == 1
    page.goto(f"{live_server.url}/coordinator/")
    row = page.locator(f'tr[data-request="{placement_request.pk}"]')
    expect(row).to_contain_text("dossier volgt, uiterlijk")
    expect(row).to_contain_text(str(due.year))
    expect(row).to_contain_text("naam nog onbekend")
    logout()

    # The referrer completes the dossier in the wizard and submits it.
    login("verwijzer", PASSWORD)
    page.get_by_role("row").filter(has_text=placement_request.reference).get_by_role(
        "link", name=placement_request.reference
    ).click()
    expect(page.locator("#crisis-dossier-due")).to_contain_text("dossier volgt")
    page.get_by_role("link", name="Verzoek aanvullen").click()
    page.get_by_label("Voornamen").fill("Noor")
    page.get_by_label("Achternaam").fill("Bakker")
    page.get_by_label("Geboortedatum").fill("2011-05-01")
    page.get_by_label("Geslacht").select_option("female")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Verklarende analyse")
    page.get_by_label("Wat is er aan de hand?").fill("Acute onveiligheid thuis.")
    page.get_by_label("Hoe zijn de problemen ontstaan?").fill("Escalatie na verlies van werk van vader.")
    page.get_by_label("Wat houdt de problemen in stand?").fill("Geen netwerk.")
    page.get_by_label("Beschermende factoren en krachten").fill("Sportief, goede band met mentor.")
    page.get_by_label("Werkhypothesen").fill("Onveiligheid houdt het gedrag in stand.")
    page.get_by_label("Doelen: wat heeft de jeugdige daarom nodig?").fill("Veilige plek, traumabehandeling.")
    page.get_by_label("Opgesteld samen met het gezin").check()
    page.get_by_role("button", name="Opslaan en verder").click()
    page.get_by_label("Behandelgroep").check()
    page.get_by_label("Trauma").check()
    page.get_by_label("Intensiteit (G7-klasse)").select_option("M")
    page.get_by_role("radio", name="Open").check()
    page.get_by_role("button", name="Opslaan en verder").click()
    page.get_by_label("Doel van de plaatsing").fill("Stabiliseren.")
    page.get_by_label("Verwachte duur (maanden)").fill("6")
    page.get_by_label("Perspectief (verplicht)", exact=True).select_option("home")
    page.get_by_label("Risico's en signalen").fill("Weglopen.")
    page.get_by_label("Afspraken").fill("Dagelijks contact.")
    page.get_by_role("button", name="Opslaan en verder").click()
    pdf = tmp_path / "zorgvraag.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("PDF-bestand").set_input_files(str(pdf))
    page.get_by_label("Titel").fill("Zorgvraagdossier Noor")
    page.get_by_role("button", name="Document toevoegen").click()
    expect(page.get_by_role("link", name="Zorgvraagdossier Noor")).to_be_visible()
    page.get_by_role("link", name="Verder naar wensen en alternatieven").click()
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("status").filter(has_text="Alle verplichte onderdelen")).to_be_visible()
    page.get_by_role("button", name="Verzoek indienen").click()
    expect(page.locator(".request-status")).to_contain_text("Ingediend")
    logout()

    # The coordinator sees it submitted, with its deadline, and lets the youth stay.
    login("coordinator", PASSWORD)
    row = page.locator(f'.crisis-followups tr[data-request="{placement_request.pk}"]')
    expect(row).to_contain_text("dossier ingediend")
    expect(row).to_contain_text(str(due.year))
    expect(row).to_contain_text("Noor Bakker")
    expect(page.get_by_role("heading", name=re.compile("triage nodig"))).to_be_visible()
    assert axe_violations() == []
    row.get_by_role("link", name=placement_request.reference).click()
    page.get_by_label(re.compile("De jeugdige blijft op de crisisplek")).check()
    page.get_by_role("button", name="Besluit over crisisdossier vastleggen").click()
    expect(page.get_by_text("De crisisplaatsing loopt door als gewone plaatsing")).to_be_visible()
    expect(page.locator(".request-status")).to_contain_text("Geplaatst")
    assert axe_violations() == []
    placement_request.refresh_from_db()
    assert placement_request.status == "placed" and placement_request.placement.end_date is None
