"""Issue 12 "Done when": as contract manager and as coordinator, open every report page at
1366 and at 390 px; each chart is drawn (its canvas has pixels and the chart has numbers)
or says why it is empty; the period is switched with the form; the jump menus work; axe-core
finds nothing serious; on the phone the page never scrolls sideways."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from reporting.reports import REPORT_MODULES
from tests.reporting.conftest import private_media, scenario  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PATHS = {"contract_manager": "/contract-manager/reports/{code}/", "coordinator": "/coordinator/figures/{code}/"}

CANVAS_STATE = """(canvas) => {
    const ctx = canvas.getContext('2d');
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
    const chart = Chart.getChart(canvas);
    const numbers = chart ? chart.data.datasets.reduce(
        (n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0) : 0;
    return {painted, numbers, width: canvas.width};
}"""


@pytest.fixture
def report_data(scenario):  # noqa: F811 - the fixture imported above
    """The Q1 2025 scenario plus seven refusals for lack of a place and five offers left
    unanswered, so that a contract manager too sees a drawn chart of counts: with every
    reason at 5 or more no cell is "<5", so the complementary pass hides no other ("x")."""
    s = scenario["s"]
    for day in range(3, 10):
        r = s.request(referral=dt.date(2025, 2, day), status="matching")
        s.offer(r, scenario["f1"], created=dt.date(2025, 2, day + 1), status="declined", reason="no_place")
    for day in range(12, 17):
        r = s.request(referral=dt.date(2025, 2, day), status="matching")
        s.offer(r, scenario["f1"], created=dt.date(2025, 2, day + 1), status="expired", reason="no_answer")
    return scenario


def check_charts(page, code):
    figures = page.locator("figure.report-chart")
    assert figures.count() >= 1, code
    drawn = 0
    for i in range(figures.count()):
        figure = figures.nth(i)
        canvas = figure.locator("canvas")
        if canvas.count():
            expect(canvas).to_have_attribute("data-rendered", "true")
            state = canvas.evaluate(CANVAS_STATE)
            assert state["painted"] > 0 and state["numbers"] > 0, (code, i, state)
            drawn += 1
        else:
            empty = figure.locator(".report-chart__empty")
            expect(empty).to_be_visible()
            assert len(empty.inner_text().strip()) > 10
    return drawn


def no_sideways_scroll(page):
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{page.url}: scrollWidth {sizes[0]} > innerWidth {sizes[1]}"


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("role", ["contract_manager", "coordinator"])
def test_every_report_page(
    report_data, contract_manager, coordinator, password, login, live_server, axe_violations, role, size
):
    user = {"contract_manager": contract_manager, "coordinator": coordinator}[role]
    page = login(user.username, password)
    page.set_viewport_size(SIZES[size])
    drawn = {}
    for code in REPORT_MODULES:
        page.goto(live_server.url + PATHS[role].format(code=code) + "?from=2025-01-01&to=2025-03-31")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        drawn[code] = check_charts(page, code)
        assert axe_violations() == [], (code, size)
        if size == "phone":
            no_sideways_scroll(page)
    # Places are not children: the occupancy charts are drawn for both roles, and so is the
    # refusals chart of the seven refusals; the coordinator sees every report's numbers.
    assert drawn["occupancy"] >= 1 and drawn["refusals"] >= 1
    if role == "coordinator":
        assert all(drawn.values()), drawn
    else:
        assert "Geheim" not in page.content()

    # Switch the period with the form: the figures and the previous period follow.
    page.goto(live_server.url + PATHS[role].format(code="waiting-times") + "?from=2025-01-01&to=2025-03-31")
    page.get_by_label("Van", exact=True).fill("2025-02-01")
    page.get_by_label("Tot en met").fill("2025-02-28")
    page.get_by_role("button", name="Toon cijfers").click()
    page.wait_for_url(re.compile(r"from=2025-02-01.*to=2025-02-28"))
    status = page.locator(".report-period")
    expect(status).to_contain_text("Periode 01-02-2025 tot en met 28-02-2025.")
    expect(status).to_contain_text("Vergeleken met 04-01-2025 tot en met 31-01-2025.")
    check_charts(page, "waiting-times")

    # The jump menu: to a section of this report, then to another report (same period).
    toc = page.get_by_role("navigation", name="Op deze pagina")
    toc.get_by_role("link", name="Kerncijfers").click()
    page.wait_for_url(re.compile(r"#headlines$"))
    expect(page.locator("#headlines")).to_be_in_viewport()
    page.get_by_role("navigation", name="Rapporten").get_by_role("link", name="Weigeringen").click()
    page.wait_for_url(re.compile(r"/refusals/\?from=2025-02-01&to=2025-02-28"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Weigeringen")
    expect(page.get_by_role("navigation", name="Rapporten").get_by_role("link", name="Weigeringen")).to_have_attribute(
        "aria-current", "page"
    )
    check_charts(page, "refusals")
    if size == "phone":
        no_sideways_scroll(page)

    # And back to the overview with every report's headline figures.
    page.get_by_role("navigation", name="Rapporten").get_by_role("link", name="Overzicht").click()
    expect(page.locator(".report-card")).to_have_count(len(REPORT_MODULES))
    check_charts(page, "overview")
    assert axe_violations() == []


def test_an_export_refused_shows_its_message_beside_the_form(report_data, coordinator, password, login, live_server):
    """htmx 2 does not swap 4xx answers by default: without the responseHandling in base.html
    the 422 of a refused export never reaches the page."""
    page = login(coordinator.username, password)
    page.goto(live_server.url + PATHS["coordinator"].format(code="waiting-times") + "?from=2025-01-01&to=2025-03-31")
    button = page.locator("form.export-form button[name=format]").first
    button.evaluate("(b) => { b.value = 'doc'; }")  # a format the service refuses
    button.click()
    alert = page.locator("#exports-waiting-times [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Kies CSV of XLSX.")
