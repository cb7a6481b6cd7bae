"""Issue 11 point 10 in the browser: the coordinator's work queue at 1366x768 and 390x844
without sideways scrolling (assign to me, filter on "mine"), and the request page with the
dossier beside the decision at 1366 px and below each other at 390 px; axe-core finds no
serious violation on either page at either size."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from placement.models import Offer
from tests.accounts.factories import PASSWORD, member, region
from tests.placement.factories import fitting_facility, in_matching, make_request, offer_to

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setup(transactional_db, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    twente = region("JZ14")
    coordinator = member(Role.COORDINATOR, regions=[twente], username="coordinator", first_name="Cora")
    member(Role.COORDINATOR, regions=[twente], username="coordinator2", first_name="Fleur", last_name="Kamp")
    referrer = member(Role.REFERRER, username="verwijzer")
    new = make_request(referrer, submit=True)
    matching = in_matching(referrer, coordinator)
    late = in_matching(referrer, coordinator)
    offer = offer_to(late, fitting_facility(), coordinator)
    past = timezone.now() - datetime.timedelta(days=4)
    Offer.objects.filter(pk=offer.pk).update(created_at=past - datetime.timedelta(days=1), deadline=past)
    return {"new": new, "matching": matching, "late": late}


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def too_wide(page, scope="main"):
    """What sticks out on the right of the viewport inside `scope` (not counting what a
    box that scrolls or clips on its own holds: that box itself must fit)."""
    return page.evaluate(
        """scope => {
             const clipped = e => {
               for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                 if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
               }
               return false;
             };
             return [...document.querySelectorAll(scope + ' *')]
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !clipped(e))
               .slice(0, 8)
               .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
           }""",
        scope,
    )


def content_fits(page):
    """The page's own content (everything in <main>) needs no sideways scrolling. The
    whole document is checked in test_queue_phone_document_needs_no_sideways_scrolling:
    the site header (base.html) is another part of issue 11."""
    assert page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth"), too_wide(page)
    assert too_wide(page) == []
    return True


def box(page, selector):
    return page.locator(selector).bounding_box()


@pytest.mark.e2e
def test_queue_and_request_page_at_desktop_and_phone_width(page, live_server, setup, login, axe_violations):
    page.set_viewport_size(DESKTOP)
    login("coordinator", PASSWORD)
    page.goto(f"{live_server.url}/coordinator/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad plaatsingscoördinatie")
    late_row = page.locator(f'tr[data-request-id="{setup["late"].pk}"]')
    expect(late_row).to_contain_text("Termijn verstreken")
    assert content_fits(page)
    assert axe_violations() == []

    # Assign to me, then show only mine.
    new_row = page.locator(f'tr[data-request-id="{setup["new"].pk}"]')
    new_row.get_by_role("button", name=f"Neem op mij {setup['new'].reference}").click()
    expect(page.get_by_text(f"is nu behandelaar van {setup['new'].reference}")).to_be_visible()
    expect(page.locator(f'tr[data-request-id="{setup["new"].pk}"]')).to_contain_text("(u)")
    page.get_by_label("Behandelaar").select_option("mine")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("tr[data-request-id]")).to_have_count(1)
    expect(page.locator(f'tr[data-request-id="{setup["new"].pk}"]')).to_be_visible()
    # Search on a name finds nothing and says why.
    page.goto(f"{live_server.url}/coordinator/")
    page.get_by_label("Verzoeknummer").fill(setup["new"].youth.family_name)
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("#search-hint")).to_contain_text("Op naam zoeken kan niet")
    expect(page.locator("tr[data-request-id]")).to_have_count(0)

    # The request page: dossier and decision side by side.
    page.goto(f"{live_server.url}/requests/{setup['new'].pk}/")
    dossier, side = box(page, ".request-dossier"), box(page, ".request-side")
    assert side["x"] >= dossier["x"] + dossier["width"], (dossier, side)
    assert abs(side["y"] - dossier["y"]) < 5
    expect(page.locator(".request-side").get_by_role("heading", name="Triage")).to_be_visible()
    expect(page.locator(".request-side")).to_contain_text("In behandeling bij Cora")
    assert content_fits(page)
    assert axe_violations() == []
    page.locator(".dossier-toc").get_by_role("link", name="Tijdlijn").click()
    expect(page.locator("#h-timeline")).to_be_in_viewport()

    # Phone: one column, nothing scrolls sideways, the main action is on screen.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/coordinator/")
    assert content_fits(page)
    button = page.locator(f'tr[data-request-id="{setup["matching"].pk}"]').get_by_role("button", name="Neem op mij")
    button.scroll_into_view_if_needed()
    right = button.bounding_box()
    assert right["x"] >= 0 and right["x"] + right["width"] <= PHONE["width"]
    expect(page.locator(f'tr[data-request-id="{setup["late"].pk}"]')).to_contain_text("Termijn verstreken")
    assert axe_violations() == []

    page.goto(f"{live_server.url}/requests/{setup['new'].pk}/")
    dossier, side = box(page, ".request-dossier"), box(page, ".request-side")
    assert side["y"] >= dossier["y"] + dossier["height"] - 1, (dossier, side)
    assert abs(side["x"] - dossier["x"]) < 5
    assert content_fits(page)
    page.get_by_role("link", name="Naar de volgende stap").click()
    expect(page.locator(".request-side").get_by_role("heading", name="Behandelaar")).to_be_in_viewport()
    assert axe_violations() == []


@pytest.mark.e2e
def test_queue_phone_document_needs_no_sideways_scrolling(page, live_server, setup, login):
    page.set_viewport_size(PHONE)
    login("coordinator", PASSWORD)
    for path in ("/coordinator/", f"/requests/{setup['new'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert no_sideways_scroll(page), (path, too_wide(page, "body"))
