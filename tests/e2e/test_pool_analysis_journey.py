"""Issue 11: a request whose analysis is written by the pool. A referrer makes a draft
without an analysis and asks the region's behavioural-scientist pool for help; a
scientist takes it, writes the analysis and marks the help done; the referrer submits.
And the coordinator records an expert-table meeting whose decision moves the request.
axe-core finds no serious violations on the pages this part changed."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.selectors import membership_with_role
from intake import services as intake_services
from intake.models import AnalysisAssignment, ExpertTableMeeting, PlacementRequest, Status
from tests.accounts.factories import PASSWORD, member, region
from tests.placement.factories import PERSPECTIVE, SAFETY, make_request, pdf_upload

# Only what this part adds is held to the 390 px here: the site header and the request
# page's other sections are the screens part's (issue 11, point 10).
FITS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
    .map(e => e.tagName + '.' + e.className + '#' + e.id)"""


def fits_the_width(page, selector):
    """The elements under `selector` that stick out to the right (none: no sideways scrolling)."""
    return page.evaluate(FITS, selector)


@pytest.fixture
def people(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    return {
        "referrer": member(Role.REFERRER, username="verwijzer", first_name="Rianne", last_name="Verwijs"),
        "scientist": member(
            Role.BEHAVIOURAL_SCIENTIST,
            regions=[twente],
            username="wetenschapper",
            first_name="Gijs",
            last_name="Gedrag",
        ),
        "coordinator": member(Role.COORDINATOR, regions=[twente], username="coordinator"),
    }


def _plans_and_dossier(placement_request, referrer):
    """What the gate asks besides the analysis (the wizard's other steps, done by the referrer)."""
    membership = membership_with_role(referrer, Role.REFERRER)
    for save, data in (
        (intake_services.perspective_plan_save, PERSPECTIVE),
        (intake_services.safety_plan_save, SAFETY),
    ):
        save(placement_request=placement_request, data=dict(data), by=referrer, membership=membership)
    intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload(),
        kind="zorgvraag",
        title="Zorgvraag",
        by=referrer,
        membership=membership,
    )


@pytest.mark.e2e
def test_a_draft_without_analysis_gets_its_analysis_from_the_pool(
    page, live_server, people, login, logout, axe_violations
):
    # The referrer makes a draft: the youth only, no analysis.
    login("verwijzer", PASSWORD)
    page.get_by_role("link", name="Nieuw plaatsingsverzoek").click()
    page.get_by_label("Voornamen").fill("Noor")
    page.get_by_label("Achternaam").fill("Brink")
    page.get_by_label("Geboortedatum").fill("2011-05-03")
    page.get_by_label("Geslacht").select_option("female")
    page.get_by_label("Woongemeente").fill("Enschede")
    page.get_by_label("Naam ouder/verzorger 1").fill("Anja Brink")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Verklarende analyse")
    placement_request = PlacementRequest.objects.get()
    _plans_and_dossier(placement_request, people["referrer"])

    # On the request page: ask the pool. An empty question is refused next to the field.
    page.goto(f"{live_server.url}/requests/{placement_request.pk}/")
    expect(page.get_by_text("De verklarende analyse ontbreekt.")).to_be_visible()
    assert axe_violations() == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_the_width(page, "#draft-help, #draft-help *") == []
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("button", name="Hulp vragen aan de pool").click()
    expect(page.locator("#id_question-error")).to_be_visible()
    page.get_by_label("Waarmee kan de gedragswetenschapper helpen?").fill(
        "Wij hebben nog geen verklarende analyse; moeder wil graag meedenken."
    )
    page.get_by_role("button", name="Hulp vragen bij de verklarende analyse").click()
    expect(page.locator("#draft-help")).to_contain_text("wacht 0 werkdagen")
    logout()

    # A scientist of the region's pool sees the question waiting, takes it and writes.
    login("wetenschapper", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ondersteuning verklarende analyses")
    expect(page.locator("#pool-waiting-count")).to_contain_text("1")
    row = page.get_by_role("row").filter(has_text=placement_request.reference)
    expect(row).to_contain_text("Verwijzer (concept, voor indiening)")
    assert axe_violations() == []
    row.get_by_role("link", name=placement_request.reference).click()
    expect(page.get_by_text("Noor Brink")).to_have_count(0)  # nothing identifying before taking it
    page.get_by_role("button", name="Opdracht aannemen").click()
    expect(page.get_by_text("Noor Brink").first).to_be_visible()
    page.get_by_label("Wat is er aan de hand?").fill("Somberheid en terugtrekken.")
    page.get_by_label("Hoe zijn de problemen ontstaan?").fill("Na het overlijden van vader.")
    page.get_by_label("Wat houdt de problemen in stand?").fill("Rouw die niet wordt besproken.")
    page.get_by_label("Beschermende factoren en krachten").fill("Betrokken moeder, vriendinnen.")
    page.get_by_label("Werkhypothesen").fill("Gecompliceerde rouw.")
    page.get_by_label("Doelen: wat heeft de jeugdige daarom nodig?").fill("Rouwbehandeling in een kleine groep.")
    page.get_by_label("Opgesteld samen met het gezin").check()
    page.get_by_label("Behandelgroep").check()
    page.get_by_label("Intensiteit (G7-klasse)").select_option("M")
    page.get_by_role("radio", name="Open").check()
    page.get_by_role("button", name="Nieuwe versie opslaan").click()
    expect(page.get_by_text("Versie 1 van de analyse is opgeslagen.")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Toelichting bij afronding").fill("Samen met moeder en Noor opgesteld.")
    page.get_by_role("button", name="Opdracht afronden").click()
    expect(page.get_by_text("De hulp is afgerond")).to_be_visible()
    logout()

    # The referrer sees the help done and submits through the usual gate.
    login("verwijzer", PASSWORD)
    page.get_by_role("link", name=placement_request.reference).click()
    expect(page.locator("#draft-help")).to_contain_text("Samen met moeder en Noor opgesteld.")
    page.get_by_role("link", name="Verzoek aanvullen").click()
    page.goto(f"{live_server.url}/referrer/requests/{placement_request.pk}/review/")
    page.get_by_role("button", name="Verzoek indienen").click()
    expect(page.locator(".request-status")).to_contain_text("Ingediend")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED
    assert placement_request.analysis.created_by == people["scientist"]
    assert AnalysisAssignment.objects.get().status == "completed"


@pytest.mark.e2e
def test_the_coordinator_records_an_expert_table_meeting(page, live_server, people, login, axe_violations):
    placement_request = make_request(people["referrer"], submit=True)
    intake_services.request_triage(
        placement_request=placement_request,
        decision="expert_table",
        reason="Behoefte onduidelijk",
        by=people["coordinator"],
        membership=membership_with_role(people["coordinator"], Role.COORDINATOR),
    )
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/requests/{placement_request.pk}/")
    page.get_by_role("link", name="Bespreking vastleggen").click()
    assert axe_violations() == []
    # On a phone the form fits without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_the_width(page, "main, main *") == []
    # Everything missing at once, next to the fields.
    page.get_by_role("button", name="Bespreking en besluit vastleggen").click()
    for field in ("held_on", "participant_1_role", "advice", "decision", "motivation"):
        expect(page.locator(f"#id_{field}-error")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Datum van de bespreking").fill(timezone.localdate().isoformat())
    page.get_by_label("Deelnemer 1: rol").select_option("coordinator")
    page.get_by_label("Deelnemer 1: organisatie").fill("Coördinatiepunt Twente")
    page.get_by_label("Deelnemer 2: rol").select_option("parents")
    page.get_by_label("Advies van de experttafel").fill("Gezinshuis met traumabehandeling")
    page.get_by_role("radio", name="Naar matching").check()
    page.get_by_label("Motivering van het besluit").fill("De behoefte is nu duidelijk")
    page.get_by_role("button", name="Bespreking en besluit vastleggen").click()
    expect(page.locator(".request-status")).to_contain_text("In matching")
    expect(page.locator("#experttafel")).to_contain_text("Gezinshuis met traumabehandeling")
    expect(page.locator("#experttafel")).to_contain_text("Ouders of verzorgers")
    expect(page.locator(".timeline")).to_contain_text("Bespreking experttafel vastgelegd")
    assert axe_violations() == []
    assert ExpertTableMeeting.objects.get().decision == "matching"
    expect(page).to_have_url(re.compile(rf"/requests/{placement_request.pk}/$"))
