"""A referrer files a request through the wizard and submits it; the coordinator of the
region triages it into matching; the referrer sees the new status and timeline."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Municipality, Role
from intake.models import PlacementRequest
from tests.accounts.factories import PASSWORD, member, region

PDF = (  # one blank page: a PDF pypdf reads (core.pdf)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
)


@pytest.fixture
def people(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    return {
        "referrer": member(Role.REFERRER, username="verwijzer", first_name="Rianne", last_name="Verwijs"),
        "coordinator": member(Role.COORDINATOR, regions=[twente], username="coordinator"),
        "enschede": Municipality.objects.get(code="GM0153"),
    }


@pytest.mark.e2e
def test_referrer_wizard_to_coordinator_triage_into_matching(page, live_server, people, login, logout, tmp_path):
    login("verwijzer", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn plaatsingsverzoeken")
    page.get_by_role("link", name="Nieuw plaatsingsverzoek").click()

    # Step 1: the youth.
    page.get_by_label("Voornamen").fill("Mila")
    page.get_by_label("Achternaam").fill("Kuipers")
    page.get_by_label("Geboortedatum").fill("2010-02-14")
    page.get_by_label("Geslacht").select_option("female")
    page.get_by_label("BSN").fill("123456789")  # wrong elfproef first
    page.get_by_label("Woongemeente").fill("Enschede")
    page.get_by_label("Naam ouder/verzorger 1").fill("Ilse Kuipers")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("alert")).to_contain_text("elfproef")
    page.get_by_label("BSN").fill("123456782")
    page.get_by_role("button", name="Opslaan en verder").click()

    # Step 2: the explanatory analysis.
    expect(page.get_by_role("heading", level=2)).to_contain_text("Verklarende analyse")
    page.get_by_label("Wat is er aan de hand?").fill("Ernstige angst en schoolweigering.")
    page.get_by_label("Hoe zijn de problemen ontstaan?").fill("Na pesten op school.")
    page.get_by_label("Wat houdt de problemen in stand?").fill("Vermijding, isolement.")
    page.get_by_label("Beschermende factoren en krachten").fill("Creatief, steunende tante.")
    page.get_by_label("Werkhypothesen").fill("Angst wordt beloond door vermijding.")
    page.get_by_label("Doelen: wat heeft de jeugdige daarom nodig?").fill("Behandeling angst, terug naar school.")
    page.get_by_label("Opgesteld samen met het gezin").check()
    page.get_by_role("button", name="Opslaan en verder").click()

    # Step 3: need profile.
    page.get_by_label("Behandelgroep").check()
    page.get_by_label("Trauma").check()
    page.get_by_label("Intensiteit (G7-klasse)").select_option("M")
    page.get_by_role("radio", name="Open").check()
    page.get_by_role("button", name="Opslaan en verder").click()

    # Step 4: plans.
    page.get_by_label("Doel van de plaatsing").fill("Angstbehandeling in een veilige groep.")
    page.get_by_label("Verwachte duur (maanden)").fill("6")
    page.get_by_label("Perspectief (verplicht)", exact=True).select_option("home")
    page.get_by_label("Risico's en signalen").fill("Zelfbeschadiging bij spanning.")
    page.get_by_label("Afspraken").fill("Dagelijks contact met mentor.")
    page.get_by_role("button", name="Opslaan en verder").click()

    # Step 5: the zorgvraag dossier (PDF).
    pdf = tmp_path / "zorgvraag.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("PDF-bestand").set_input_files(str(pdf))
    page.get_by_label("Titel").fill("Zorgvraagdossier Mila")
    page.get_by_role("button", name="Document toevoegen").click()
    expect(page.get_by_role("link", name="Zorgvraagdossier Mila")).to_be_visible()
    page.get_by_role("link", name="Verder naar wensen en alternatieven").click()

    # Step 6: wishes and alternatives.
    page.get_by_label("Wensen van de jeugdige (in eigen woorden)").fill("Ik wil mijn tekenspullen meenemen.")
    page.get_by_label("Wensen van de ouders (in eigen woorden)").fill("Dat ze weer naar school gaat.")
    page.get_by_role("button", name="Opslaan en verder").click()

    # Step 7: review and submit.
    expect(page.get_by_role("status").filter(has_text="Alle verplichte onderdelen")).to_be_visible()
    page.get_by_role("button", name="Verzoek indienen").click()
    expect(page.locator(".request-status")).to_contain_text("Ingediend")
    reference = PlacementRequest.objects.get().reference
    logout()

    # The coordinator triages it from the queue into matching.
    login("coordinator", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad plaatsingscoördinatie")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Mila Kuipers")).to_be_visible()
    page.get_by_label("Naar matching").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page).to_have_url(re.compile(r"/coordinator/$"))
    expect(page.get_by_role("heading", name=re.compile("In matching"))).to_be_visible()
    logout()

    # The referrer sees the new status, the timeline and a notification.
    login("verwijzer", PASSWORD)
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("In matching")
    row.get_by_role("link", name=reference).click()
    expect(page.locator(".timeline")).to_contain_text("Triage door de plaatsingscoördinator")
    assert PlacementRequest.objects.get().status == "matching"
