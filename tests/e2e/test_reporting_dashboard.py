"""A contract manager opens the dashboard (charts drawn, no personal data) and downloads
the quarterly report."""

import pytest
from openpyxl import load_workbook

from reporting.services import quarterly_report_build
from tests.reporting.conftest import private_media, scenario  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_contract_manager_dashboard_and_quarterly_report(
    private_media,  # noqa: F811 - the fixture imported above
    scenario,  # noqa: F811
    contract_manager,
    password,
    login,
    live_server,
    tmp_path,
):
    quarterly_report_build(region=scenario["twente"], year=2025, quarter=1)
    page = login(contract_manager.username, password)
    page.goto(f"{live_server.url}/contract-manager/?from=2025-01-01&to=2025-03-31")
    assert page.get_by_role("heading", level=1).inner_text() == "Cijfers contractmanagement"
    # Places are not children: the occupancy chart is drawn; the others rest on counts
    # below 5 and say so instead of showing an empty grid.
    page.wait_for_selector("#chart-occupancy_over_time[data-rendered='true']")
    for chart in ("unmet_by_step", "waiting_by_month", "refusals_by_reason", "transfers_by_provider"):
        assert page.locator(f"[data-chart-empty='{chart}']").inner_text().startswith("Aantallen onder 5")
    content = page.content()
    assert "Geheim" not in content and "&lt;5" in content
    page.get_by_role("link", name="Capaciteit en bezetting").first.click()
    assert page.locator("#table-by_facility caption").inner_text() == "Bezettingsgraad per locatie"
    page.get_by_role("link", name="Kwartaalrapportages").click()
    assert page.get_by_role("cell", name="2025 Q1").count() == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    path = tmp_path / "q.xlsx"
    info.value.save_as(path)
    workbook = load_workbook(path)
    cells = [str(c) for ws in workbook for r in ws.iter_rows(values_only=True) for c in r]
    assert "<5" in cells and not any("Geheim" in c for c in cells)
