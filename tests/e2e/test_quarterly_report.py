"""A contract manager makes the quarterly report on demand (a real Celery worker builds
it; the page shows its progress), writes the region's commentary, publishes, and
downloads the PDF and the XLSX. The PDF's text is read back with pypdf, the XLSX with
openpyxl."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from reporting.models import QuarterlyReport
from reporting.reports import REPORT_MODULES
from reporting.titles import report_title
from tests.reporting.conftest import private_media, scenario  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_contract_manager_makes_comments_publishes_and_downloads_the_quarterly_report(
    private_media,  # noqa: F811 - the fixture imported above
    scenario,  # noqa: F811
    celery_worker_process,
    contract_manager,
    password,
    login,
    live_server,
    axe_violations,
    tmp_path,
):
    page = login(contract_manager.username, password)
    page.goto(f"{live_server.url}/contract-manager/quarterly/")
    assert axe_violations() == []
    page.get_by_label("Regio", exact=True).select_option(label="Twente")
    page.get_by_label("Jaar", exact=True).fill("9999")
    page.get_by_role("button", name="Maak kwartaalrapportage").click()
    expect(page.locator("#id_year-error")).to_contain_text("Geef een jaar van 2015")  # next to the field
    assert not QuarterlyReport.objects.exists()

    page.get_by_label("Jaar", exact=True).fill("2025")
    page.get_by_label("Kwartaal", exact=True).select_option(label="Q1")
    page.get_by_role("button", name="Maak kwartaalrapportage").click()
    status = page.get_by_role("status").filter(has_text=re.compile("wachtrij|bezig|klaar"))
    expect(status.locator("progress").or_(status.get_by_role("link", name="Open de rapportage"))).to_be_visible()
    seen_progress = status.locator("progress").count() == 1
    page.get_by_role("link", name="Open de rapportage").click()  # htmx polled until the worker was done
    assert seen_progress

    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapportage Twente 2025 Q1")
    assert page.locator("svg[role='img']").count() >= 2  # the charts, drawn on the server
    # Issue 16: what to contract and the outcomes are sections of the quarterly report.
    contracting = page.locator("section", has=page.get_by_role("heading", level=2, name="Wat te contracteren"))
    expect(contracting.get_by_role("table").first).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Uitkomst van plaatsingen")).to_be_visible()
    assert axe_violations() == []
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Publiceren").click()  # too early: no commentary yet
    expect(page.locator("#id_occupancy-error")).to_contain_text("Schrijf een toelichting")
    texts = {code: f"De regio over {report_title(code)}: afbouw in Hengelo." for code in REPORT_MODULES}
    for code, text in texts.items():
        page.get_by_label(f"Toelichting: {report_title(code)}").fill(text)
    page.get_by_role("button", name="Toelichting opslaan").click()
    expect(page.get_by_text("De toelichting is opgeslagen.")).to_be_visible()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("De kwartaalrapportage is gepubliceerd.")).to_be_visible()
    assert page.get_by_role("button", name="Publiceren").count() == 0  # read-only now

    with page.expect_download() as info:
        page.get_by_role("link", name="PDF (Nederlands)").click()
    pdf_path = tmp_path / "q.pdf"
    info.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    flat = " ".join(text.split())
    assert "Kwartaalrapportage Twente 2025 Q1" in text and "Gepubliceerd op" in text
    assert "13,2 7,9" in text  # occupancy this quarter beside the previous one (see tests/reporting)
    assert texts["occupancy"] in flat
    assert "Wat te contracteren" in flat and "Uitkomst van plaatsingen" in flat

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX, Nederlands)").click()
    xlsx_path = tmp_path / "q.xlsx"
    info.value.save_as(xlsx_path)
    workbook = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    assert workbook.sheetnames[0] == "Toelichting"
    cover = {row[0]: row[1] for row in workbook["Toelichting"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Regio('s)"] == "Twente" and cover["Periode"] == "01-01-2025 tot en met 31-03-2025"
    assert cover["Status"].startswith("Gepubliceerd op")
    cells = [str(c) for ws in workbook for r in ws.iter_rows(values_only=True) for c in r]
    assert texts["transfers"] in cells and not any("Geheim" in c for c in cells)

    page.get_by_role("link", name="Afdrukbare pagina").click()
    page.get_by_role("link", name="Terug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapportage Twente 2025 Q1")
