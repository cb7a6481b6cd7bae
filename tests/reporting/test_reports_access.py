"""API, screens, exports and quarterly reports: roles, scoping, bad input, suppression."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.models import OutboxMessage
from reporting.models import ExportJob, QuarterlyReport
from reporting.quarterly_sections import QUARTERLY_SECTIONS
from reporting.registry import build_report
from reporting.reports import REPORT_MODULES
from reporting.services import (
    export_request,
    export_run,
    previous_quarter,
    quarterly_report_build,
    quarterly_reports_build_all,
)
from tests.reporting.conftest import Q1, table

pytestmark = pytest.mark.django_db
# Figures about facilities and places, not people (shown exactly, like the capacity board).
PLACE_FIGURES = {"fitting_full": ("facilities", "full_now", "free_now", "free_stale")}
CODES = ["unmet-need", "refusals", "transfers", "occupancy", "waiting-times"]


def _numbers_about_people(tables_json):
    """Every numeric cell except the capacity report's place figures (not about people)."""
    for t in tables_json:
        for row in t["rows"]:
            for key, value in row.items():
                if key in PLACE_FIGURES.get(t["key"], ()):
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    yield t["key"], key, value


@pytest.mark.parametrize("code", CODES)
def test_api_roles(api, scenario, contract_manager, coordinator, referrer, provider_user, code):
    url = f"/api/v1/reports/{code}"
    assert api.as_user(contract_manager).get(url, Q1).status_code == 200
    assert api.as_user(coordinator).get(url, Q1).status_code == 200
    assert api.as_user(referrer).get(url, Q1).status_code == 403
    assert api.as_user(provider_user).get(url, Q1).status_code == 403


@pytest.mark.parametrize("code", [c for c in CODES if c != "occupancy"])
def test_contract_manager_never_sees_a_small_number_in_the_api(api, scenario, contract_manager, code):
    # Every figure of the scenario rests on fewer than five requests, placements or offers,
    # so the contract manager sees only zeros and "<5".
    body = api.as_user(contract_manager).get(f"/api/v1/reports/{code}", Q1).json()
    numbers = [n for n in _numbers_about_people(body["tables"]) if n[2] != 0]
    assert numbers == []
    assert "<5" in str(body)
    assert "Geheim" not in str(body) and "drill" not in str(body)


def test_coordinator_sees_exact_figures_and_drill_links(api, scenario, coordinator):
    body = api.as_user(coordinator).get("/api/v1/reports/unmet-need", Q1).json()
    summary = next(t for t in body["tables"] if t["key"] == "summary")
    assert summary["rows"][0]["value"] == 2
    assert "<5" not in str(body)


def test_bad_parameters_are_named_and_foreign_regions_are_404(api, scenario, contract_manager, make_member, twente):
    client = api.as_user(contract_manager)
    response = client.get("/api/v1/reports/refusals", {"from": "31-12-2025"})
    assert response.status_code == 400 and response.json()["invalid_params"][0]["name"] == "from"
    response = client.get("/api/v1/reports/refusals", {"from": "2025-04-01", "to": "2025-01-01"})
    assert response.status_code == 400 and response.json()["invalid_params"][0]["name"] == "to"
    response = client.get("/api/v1/reports/refusals", {"region": "XX99"})
    assert response.status_code == 400 and response.json()["invalid_params"][0]["name"] == "region"
    assert client.get("/api/v1/reports/refusals", {"region": "JZ04"}).status_code == 404  # Drenthe
    assert client.get("/api/v1/reports/refusals", {"region": "JZ14", **Q1}).status_code == 200
    admin = make_member(Role.ADMIN)
    national = api.as_user(admin).get("/api/v1/reports/waiting-times", Q1).json()
    by_region = next(t for t in national["tables"] if t["key"] == "by_region")
    assert [r["label"] for r in by_region["rows"]] == ["Twente", "Totaal"]
    assert by_region["rows"][0]["n"] == "<5"  # administrators get suppressed figures too


def test_complementary_suppression_in_a_table_with_a_total(scenario, contract_manager):
    s = scenario["s"]
    for outcome, n in (("help_at_home", 5), ("withdrawn", 2)):
        for _ in range(n):
            s.request(
                referral=dt.date(2025, 1, 2), status="closed", outcome=outcome, status_changed=dt.date(2025, 1, 3)
            )
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    closed = {
        r["label"]: r["count"]
        for r in table(build_report("unmet-need", membership=membership, params=Q1), "closed_without_place").rows
    }
    # 6 help at home (incl. R6), 2 withdrawn, total 8: the 2 is hidden, and so is the 6,
    # which would otherwise give it away (8 - 6). Issue 12: the 6 shows as "x", not as a
    # false "<5".
    assert closed["Opgelost met hulp thuis"] == "x" and closed["Ingetrokken"] == "<5" and closed["Totaal"] == 8
    coordinator_view = table(unmet_need_exact(scenario), "closed_without_place").rows
    assert {r["label"]: r["count"] for r in coordinator_view}["Opgelost met hulp thuis"] == 6


def unmet_need_exact(scenario):
    from reporting.reports import unmet_need
    from tests.reporting.conftest import q1_scope

    return unmet_need.build(q1_scope(scenario["twente"]))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_suppressed_for_contract_managers(scenario, contract_manager, private_media, fmt):
    """The file holds exactly the suppressed tables the contract manager sees (checked for
    small numbers by the API test above), never a small count or a name."""
    from reporting.exports import _cell

    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    for code in CODES:
        job = export_request(membership=membership, report=code, params=Q1, fmt=fmt, by=contract_manager)
        assert export_run(job.pk)
        job.refresh_from_db()
        path = private_media / "exports" / job.file_name
        tables = build_report(code, membership=membership, params=Q1)
        expected = [[str(_cell(v)) for v in values] for t in tables for values in t.values()]
        if fmt == "csv":
            lines = [line.split(";") for line in path.read_text(encoding="utf-8-sig").splitlines()]
        else:
            lines = [
                ["" if c is None else str(c) for c in r]
                for ws in load_workbook(path)
                for r in ws.iter_rows(values_only=True)
            ]
        for row in expected:
            assert row in lines, (code, row)
        if code != "occupancy":
            assert "<5" in str(lines)
            small = [
                (t.key, c.key, r[c.key])
                for t in tables
                for r in t.rows
                for c in t.columns
                if c.key not in PLACE_FIGURES.get(t.key, ()) and r.get(c.key) in (1, 2, 3, 4)
            ]
            assert small == [], code
        assert "Geheim" not in str(lines)


def test_dashboard_and_coordinator_figures(client, scenario, contract_manager, coordinator, referrer, password):
    client.force_login(contract_manager)
    page = client.get(reverse("reporting:contract-manager-home"), Q1)
    html = page.content.decode()
    assert page.status_code == 200 and "Cijfers contractmanagement" in html and "chart-occupancy" in html
    assert "Geheim" not in html and "&lt;5" in html and "/requests?" not in html
    assert client.get(reverse("reporting:contract-manager-home"), {"region": "JZ04"}).status_code == 404
    bad = client.get(reverse("reporting:contract-manager-home"), {"from": "gisteren"})
    assert bad.status_code == 200 and 'id="id_from-error"' in bad.content.decode()
    assert client.get(reverse("reporting:coordinator-figures")).status_code == 403
    assert client.get(reverse("reporting:drill-down", args=["unmet-need"])).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("reporting:coordinator-figures"), Q1).status_code == 200
    html = client.get(reverse("reporting:coordinator-report", args=["unmet-need"]), Q1).content.decode()
    assert "figure=waiting&amp;dim=age_band&amp;value=16-17" in html
    drill = client.get(
        reverse("reporting:drill-down", args=["unmet-need"]),
        {**Q1, "figure": "waiting", "dim": "age_band", "value": "16-17"},
    ).content.decode()
    assert scenario["r3"].reference in drill and scenario["r4"].reference not in drill and "Geheim" not in drill
    assert client.get(reverse("reporting:drill-down", args=["unmet-need"]), {"region": "JZ04"}).status_code == 404
    client.force_login(referrer)
    assert client.get(reverse("reporting:contract-manager-home")).status_code == 403


def test_export_screens_only_the_owner_downloads(client, scenario, contract_manager, make_member, twente):
    client.force_login(contract_manager)
    response = client.post(reverse("reporting:export-create"), {"report": "refusals", "format": "csv", **Q1})
    assert response.status_code == 200 and "progress" in response.content.decode()
    job = ExportJob.objects.get()
    assert client.post(reverse("reporting:export-create"), {"report": "refusals", "format": "pdf"}).status_code == 422
    assert (
        client.post(
            reverse("reporting:export-create"), {"report": "refusals", "format": "csv", "region": "JZ04"}
        ).status_code
        == 404
    )
    export_run(job.pk)
    status = client.get(reverse("reporting:export-status", args=[job.pk])).content.decode()
    assert reverse("reporting:export-download", args=[job.pk]) in status
    download = client.get(reverse("reporting:export-download", args=[job.pk]))
    assert download.status_code == 200 and b"<5" in b"".join(download.streaming_content)
    client.force_login(make_member(Role.CONTRACT_MANAGER, regions=[twente]))
    assert client.get(reverse("reporting:export-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reporting:export-status", args=[job.pk])).status_code == 404


def test_an_export_error_echoing_the_input_is_escaped_and_starts_nothing(client, scenario, contract_manager):
    client.force_login(contract_manager)
    attack = "<script>alert(1)</script>"
    response = client.post(
        reverse("reporting:export-create"), {"report": "refusals", "format": "csv", "region": attack}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert attack not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Onbekende regio" in body and 'role="alert"' in body
    assert not ExportJob.objects.exists()


def test_quarterly_report_built_once_notified_and_downloadable(
    client, scenario, contract_manager, make_member, drenthe, twente, private_media
):
    assert previous_quarter(dt.date(2025, 4, 1)) == (2025, 1) and previous_quarter(dt.date(2025, 1, 1)) == (2024, 4)
    report, created = quarterly_report_build(region=twente, year=2025, quarter=1)
    again, created_again = quarterly_report_build(region=twente, year=2025, quarter=1)
    assert created and not created_again and again.pk == report.pk
    assert QuarterlyReport.objects.count() == 1
    notes = OutboxMessage.objects.filter(recipient=contract_manager, channel=OutboxMessage.Channel.IN_APP)
    assert notes.count() == 1 and "2025 Q1" in notes.get().subject
    assert report.status == QuarterlyReport.Status.DONE and report.published_at is None  # a draft
    assert "Geheim" not in str(report.content) and "<5" in str(report.content)
    client.force_login(contract_manager)
    listing = client.get(reverse("reporting:quarterly-list")).content.decode()
    assert "2025 Q1" in listing
    download = client.get(reverse("reporting:quarterly-download", args=[report.pk]))
    workbook = load_workbook(io.BytesIO(download.content))
    # cover, a sheet per report and per registered section (issue 16.3), charts
    sections = len(REPORT_MODULES) + len(QUARTERLY_SECTIONS)
    assert workbook.sheetnames[0] == "Toelichting" and len(workbook.sheetnames) == 2 + sections
    page = client.get(reverse("reporting:quarterly-page", args=[report.pk]))
    assert page.status_code == 200 and "Geheim" not in page.content.decode() and "&lt;5" in page.content.decode()
    client.force_login(make_member(Role.CONTRACT_MANAGER, regions=[drenthe]))
    assert client.get(reverse("reporting:quarterly-download", args=[report.pk])).status_code == 404
    # The beat task makes the previous quarter for every region, once.
    made = quarterly_reports_build_all(today=dt.date(2025, 4, 1))
    assert made == 41 and QuarterlyReport.objects.count() == 42
    assert quarterly_reports_build_all(today=dt.date(2025, 4, 1)) == 0
