"""Issue 11 point 10: every role's main page on a 390x844 phone. The page does not scroll
sideways (`document.documentElement.scrollWidth <= innerWidth`), the role's main action lies
inside the viewport width, the header is compact (the menu folds behind a "Menu" button,
static/js/site-menu.js, no inline script), and axe-core finds nothing serious on the pages
this part changed (the form pages, the confirmation step, the offer with its accept form)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, Role, User
from intake import services as intake_services
from intake.models import PlacementRequest, Status

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def demo_data(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("seed_demo", stdout=io.StringIO())
    # the behavioural scientist's main page lists help asked of the pool: ask for some
    coordinator = User.objects.get(username="coordinator")
    matching = PlacementRequest.objects.filter(status=Status.MATCHING).first()
    submitted = PlacementRequest.objects.filter(status=Status.SUBMITTED, referrer__username="referrer").first()
    intake_services.assignment_request(
        placement_request=submitted,
        question="Help bij het aanscherpen van de werkhypothesen.",
        by=coordinator,
        membership=Membership.objects.get(user=coordinator, role=Role.COORDINATOR),
    )
    return {"matching": matching}


def no_sideways_scroll(page):
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{page.url}: scrollWidth {sizes[0]} > innerWidth {sizes[1]}"


def inside_viewport_width(page, locator):
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.evaluate("() => window.innerWidth")
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (page.url, box, width)


@pytest.fixture
def logout(page):
    """Log out on a phone: the button sits in the folded menu."""

    def _logout():
        toggle = page.get_by_role("button", name="Menu")
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(re.compile(r"/login/"))

    return _logout


def header_height(page):
    return page.locator(".site-header").bounding_box()["height"]


# The main page of each role and the action that matters most on it.
MAIN_ACTIONS = {
    "referrer": lambda page: page.get_by_role("link", name="Nieuw plaatsingsverzoek"),
    "coordinator": lambda page: page.locator("main table a[href*='/requests/']").first,
    "provider": lambda page: page.get_by_role("button", name=re.compile("ongewijzigd bevestigen")).first,
    "behavioural_scientist": lambda page: page.locator("main table a[href*='/assignments/']").first,
    "contract_manager": lambda page: page.get_by_role("button", name="Toon cijfers"),
    "admin": lambda page: page.get_by_role("link", name="Rollen en rechten toekennen"),
}


@pytest.mark.e2e
def test_every_roles_main_action_is_on_a_390px_screen_without_sideways_scrolling(
    page, live_server, demo_data, login, logout, axe_violations
):
    for username, main_action in MAIN_ACTIONS.items():
        login(username, "demo")
        no_sideways_scroll(page)
        inside_viewport_width(page, main_action(page))
        # compact header: brand and the menu button; the menu opens and closes
        assert header_height(page) <= 80, (username, header_height(page))
        toggle = page.get_by_role("button", name="Menu")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("button", name=re.compile("Uitloggen"))).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("button", name=re.compile("Uitloggen"))).to_be_visible()
        no_sideways_scroll(page)
        assert axe_violations() == [], username
        logout()


@pytest.mark.e2e
def test_the_coordinators_aanmelden_and_the_providers_offer_fit_a_phone(
    page, live_server, demo_data, login, logout, axe_violations
):
    login("coordinator", "demo")
    page.goto(f"{live_server.url}/coordinator/requests/{demo_data['matching'].pk}/matching/")
    no_sideways_scroll(page)
    inside_viewport_width(page, page.get_by_role("link", name=re.compile("^Aanmelden bij")).first)
    assert axe_violations() == []
    logout()
    login("provider", "demo")
    page.goto(f"{live_server.url}/provider/offers/")
    page.locator("[data-offer-id] a").first.click()
    no_sideways_scroll(page)
    inside_viewport_width(page, page.get_by_role("button", name="Aanmelding accepteren"))
    expect(page.get_by_label(re.compile("Ik bevestig dat er nu echt een plek vrij is"))).to_be_visible()
    assert axe_violations() == []


@pytest.mark.e2e
def test_the_referrers_form_pages_and_the_withdraw_confirmation_fit_a_phone(
    page, live_server, demo_data, login, axe_violations
):
    login("referrer", "demo")
    # the youth step: the searchable municipality field, every error at once
    page.goto(f"{live_server.url}/referrer/requests/new/")
    no_sideways_scroll(page)
    expect(page.get_by_label(re.compile("^Woongemeente"))).to_have_attribute("list", re.compile("options"))
    page.get_by_label(re.compile("^Woongemeente")).fill("Atlantis")
    page.get_by_role("button", name=re.compile("Opslaan")).click()
    expect(page.locator("#id_municipality-error")).to_contain_text("Deze gemeente kennen we niet")
    expect(page.locator("#id_given_names-error")).to_be_visible()
    expect(page.locator("#id_birth_date-error")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_violations() == []
    # withdrawing a submitted request asks for confirmation first
    submitted = PlacementRequest.objects.filter(status=Status.SUBMITTED, referrer__username="referrer").first()
    page.goto(f"{live_server.url}/requests/{submitted.pk}/")
    page.get_by_role("button", name="Verzoek intrekken").click()
    expect(page.get_by_role("heading", name="Weet u het zeker?")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_violations() == []
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    page.get_by_role("link", name="Nee, terug zonder in te trekken").click()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    page.get_by_role("button", name="Verzoek intrekken").click()
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.get_by_text("Het verzoek is ingetrokken.")).to_be_visible()
    submitted.refresh_from_db()
    assert submitted.status == Status.CLOSED
