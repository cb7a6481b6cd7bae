"""The offer composer puts the anonymised preview first: the coordinator sees the youth's
name marked in the preview and named next to its text, fixes the text (the preview follows
through htmx), keeps one document kind, sets a deadline within the region's bounds and
sends; the provider reads the legal status, the risks, the perspective and the need
profile in words, and the one document kind that went along."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from intake.models import SafetyPlan
from placement.deadlines import AMSTERDAM, deadline_after
from placement.models import Offer
from tests.accounts.factories import PASSWORD, member, region
from tests.capacity.factories import provider_org
from tests.e2e.conftest import second_factor_in_browser
from tests.placement.factories import fitting_facility, machtiging, youth_data
from tests.placement.test_referral_contents import with_two_documents


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator")
    referrer = member(Role.REFERRER, username="verwijzer")
    horst = provider_org(name="De Horst")
    member(Role.PROVIDER, organisation=horst, username="provider")
    facility = fitting_facility(horst, name="Horst Groep Kwartel")
    youth = youth_data(given_names="Zoë", family_name="Jansen", **machtiging(days=200))
    placement_request = with_two_documents(referrer, coordinator, youth=youth)
    SafetyPlan.objects.filter(request=placement_request).update(risks="Zoë loopt weg bij spanning.")
    return {"request": placement_request, "facility": facility}


@pytest.mark.e2e
def test_preview_first_mark_fix_choose_documents_and_deadline_send_provider_reads_it(
    page, live_server, setup, login, logout, axe_violations
):
    placement_request, facility = setup["request"], setup["facility"]
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/")
    preview = page.locator("#preview")
    # The preview comes before the texts, and "send" after both.
    order = page.evaluate(
        """() => {
            const p = document.querySelector('#preview'), t = document.querySelector('#id_safety_risks'),
                  s = [...document.querySelectorAll('button')].find(b => b.textContent.includes('versturen'));
            return [p.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING,
                    t.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING];
        }"""
    )
    assert all(order), order
    # The youth's name in the referrer's safety plan is marked in the preview, named next to its text.
    mark = preview.locator("mark.finding")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("Zoë")
    expect(mark).to_contain_text("gevonden: naam van de jeugdige of een ouder")
    expect(page.locator("#findings-safety_risks")).to_contain_text("naam van de jeugdige of een ouder “Zoë”")
    expect(page.locator("#check-result")).to_contain_text("De controle vond 1 gegeven")
    assert axe_violations() == []
    # On a phone nothing of the composer sticks out sideways and "send" is reachable. (The
    # site header's navigation is not part of the composer; the screens work fixes it.)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + '#' + e.id + '.' + e.className)"""
    )
    assert wide == [], wide
    page.get_by_role("button", name="Aanmelding versturen").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Aanmelding versturen")).to_be_in_viewport()
    page.set_viewport_size(size)
    # Fixing the text: the preview follows as the coordinator types (htmx), the mark goes.
    page.locator("#id_safety_risks").fill("Loopt weg bij spanning; vraagt dan om een vaste begeleider.")
    expect(preview).to_contain_text("vraagt dan om een vaste begeleider")
    expect(mark).to_have_count(0)
    expect(page.locator("#check-result")).to_contain_text("geen herkenbare gegevens")
    # Only the zorgvraag goes along; the deadline is three working days on, at noon.
    page.get_by_label("Veiligheidsplan (bijlage)").uncheck()
    expect(preview.locator("[data-part=documents]")).not_to_contain_text("Veiligheidsplan")
    chosen = timezone.localtime(deadline_after(timezone.now(), 3), AMSTERDAM).replace(hour=12, minute=0, second=0)
    page.get_by_label("Antwoord uiterlijk").fill(chosen.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("De aanmelding is verstuurd")).to_be_visible()
    offer = Offer.objects.get()
    assert offer.deadline == chosen
    assert [d["kind"] for d in offer.referral["documents"]] == ["zorgvraag"]
    logout()

    # The provider reads what it needs to decide, in words, and nothing identifying.
    login("provider", PASSWORD)
    page.goto(f"{live_server.url}/provider/offers/{offer.pk}/")
    end = placement_request.youth.machtiging_end_date
    legal = page.locator("[data-part=legal-status]")
    expect(legal).to_contain_text("Machtiging gesloten jeugdzorg")
    month = offer.referral["legal_status"]["machtiging_end"]
    assert month.endswith(str(end.year)) and str(end.day) not in month.split()
    expect(legal).to_contain_text(f"loopt af in {month}")
    expect(page.locator("[data-part=safety-plan]")).to_contain_text("vraagt dan om een vaste begeleider")
    expect(page.locator("[data-part=safety-plan]")).to_contain_text("Dagelijks contact met mentor")
    expect(page.locator("[data-part=perspective]")).to_contain_text("Terug naar huis")
    need = page.locator("[data-part=need-profile]")
    expect(need).to_contain_text("Behandelgroep, Kleinschalige woonvoorziening (open); intensiteit M")
    expect(need).not_to_contain_text("kwv-open")
    expect(page.locator("[data-part=documents]")).to_have_text("Zorgvraagdossier")
    expect(page.get_by_text("Zoë")).to_have_count(0)
    expect(page.get_by_text(end.strftime("%d-%m-%Y"))).to_have_count(0)
    expect(page.get_by_text(f"antwoord uiterlijk {chosen.day}", exact=False)).to_be_visible()
    assert axe_violations() == []


@pytest.fixture
def strict_page(browser, live_server):
    """A page whose context enforces the CSP (the other tests bypass it for axe-core)."""
    context = browser.new_context(locale="nl-NL", bypass_csp=False)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    yield page
    context.close()


@pytest.mark.e2e
def test_the_live_preview_works_under_the_content_security_policy(strict_page, live_server, setup):
    page = strict_page
    placement_request, facility = setup["request"], setup["facility"]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    second_factor_in_browser(page, "coordinator")
    page.goto(f"{live_server.url}/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/")
    expect(page.locator("#preview mark.finding")).to_have_count(1)
    page.locator("#id_goals").fill("Terug naar huis met steun van een mentor.")
    expect(page.locator("#preview")).to_contain_text("met steun van een mentor")
    assert page.violations == []
