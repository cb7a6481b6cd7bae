"""Issue 14 point 6: exports (POST /exports, GET /exports/{id}, GET /exports/{id}/download)
and quarterly reports (GET /reports/quarterly, GET /reports/quarterly/{id}/pdf|xlsx) in the
API. The job runs as the worker runs it (the service, called here); the requester alone
sees its export; downloads are access-logged; wrong role 403, outsider 404, not ready 409,
bad input 422 naming the field."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from core.models import AccessLogEntry
from reporting.models import ExportJob, QuarterlyReport
from reporting.services import export_run, quarterly_report_build
from tests.accounts.factories import member
from tests.api.documented import documented


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _start(api, user, **body):
    return api.as_user(user).post("/api/v1/exports", {"report": "unmet-need", "format": "csv", **body}, format="json")


@pytest.mark.django_db
def test_an_export_starts_runs_and_downloads_for_its_owner_only(api, contract_manager, twente):
    response = _start(api, contract_manager, region=twente.code, **{"from": "2025-01-01", "to": "2025-03-31"})
    data = documented(response, 202)
    assert data["status"] == "queued" and data["download"] is None
    assert data["params"] == {"region": twente.code, "from": "2025-01-01", "to": "2025-03-31"}
    assert response["Location"] == f"/api/v1/exports/{data['id']}"
    job = ExportJob.objects.get(pk=data["id"])
    assert (job.requested_by, job.report, job.format) == (contract_manager, "unmet-need", "csv")
    # Not ready yet: 409, nothing logged.
    early = api.as_user(contract_manager).get(f"/api/v1/exports/{job.pk}/download")
    assert early.status_code == 409 and early["Content-Type"] == "application/problem+json"
    assert not AccessLogEntry.objects.filter(subject_type="reporting.exportjob").exists()
    assert export_run(job.pk) is True
    status = documented(api.as_user(contract_manager).get(f"/api/v1/exports/{job.pk}"))
    assert (status["status"], status["progress"]) == ("done", 100)
    assert status["download"] == f"/api/v1/exports/{job.pk}/download"
    download = api.as_user(contract_manager).get(f"/api/v1/exports/{job.pk}/download")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and download["Cache-Control"] == "private, no-store"
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert content.startswith("#") and "01-01-2025" in content  # the cover states the period
    entry = AccessLogEntry.objects.get(subject_type="reporting.exportjob", subject_id=job.pk)
    assert (entry.action, entry.user_id, entry.purpose) == ("export", contract_manager.pk, "export")


@pytest.mark.django_db
def test_someone_elses_export_is_404_and_a_wrong_role_403(api, contract_manager, twente, provider_user, referrer):
    job_id = _start(api, contract_manager).json()["id"]
    export_run(job_id)
    colleague = member(Role.CONTRACT_MANAGER, regions=[twente])
    for path in (f"/api/v1/exports/{job_id}", f"/api/v1/exports/{job_id}/download", "/api/v1/exports/999999999"):
        response = api.as_user(colleague).get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json", path
    for user in (provider_user, referrer):
        assert _start(api, user).status_code == 403
        assert api.as_user(user).get(f"/api/v1/exports/{job_id}").status_code == 403
        assert api.as_user(user).get(f"/api/v1/exports/{job_id}/download").status_code == 403
    # A report this role may not make (the row-level CBS export): 403, nothing queued.
    assert _start(api, contract_manager, report="cbs-placements").status_code == 403
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db
def test_bad_export_input_is_422_naming_each_field_and_nothing_is_queued(api, contract_manager, drenthe):
    cases = [
        ({"report": "nope"}, ["report"]),
        ({"format": "pdf"}, ["format"]),
        ({"from": "2025-13-01", "threshold": 0}, ["from", "threshold"]),
        ({"to": "2025-01-01", "from": "2025-02-01"}, ["to"]),
        ({"colour": "red"}, ["colour"]),
        ({"region": "JZ99"}, ["region"]),
    ]
    for body, names in cases:
        response = _start(api, contract_manager, **body)
        assert response.status_code == 422, (body, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert sorted(p["name"] for p in response.json()["invalid_params"]) == names, body
    # A region the caller does not see: 404.
    assert _start(api, contract_manager, region=drenthe.code).status_code == 404
    assert not ExportJob.objects.exists()


# --- quarterly reports --------------------------------------------------------------------


@pytest.fixture
def built(twente):
    report, _created = quarterly_report_build(region=twente, year=2025, quarter=1)
    return report


@pytest.mark.django_db
def test_a_contract_manager_lists_the_reports_of_its_regions(api, built, contract_manager, drenthe):
    other, _ = quarterly_report_build(region=drenthe, year=2025, quarter=1)
    response = api.as_user(contract_manager).get("/api/v1/reports/quarterly")
    rows = documented(response)["results"]
    assert [(r["id"], r["region"], r["status"]) for r in rows] == [(built.pk, "JZ14", "done")]
    assert other.pk not in [r["id"] for r in rows]


@pytest.mark.django_db
def test_pdf_and_xlsx_download_in_the_asked_language_and_logged(api, built, contract_manager):
    pdf = api.as_user(contract_manager).get(f"/api/v1/reports/quarterly/{built.pk}/pdf?lang=en")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="kwartaalrapportage-JZ14-2025-Q1-en.pdf"'
    assert "Quarterly" in "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    xlsx = api.as_user(contract_manager).get(f"/api/v1/reports/quarterly/{built.pk}/xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('-nl.xlsx"')
    assert len(load_workbook(io.BytesIO(xlsx.content)).sheetnames) > 1
    entries = AccessLogEntry.objects.filter(subject_type="reporting.quarterlyreport", subject_id=built.pk)
    assert [e.action for e in entries.order_by("id")] == ["download", "download"]


@pytest.mark.django_db
def test_quarterly_not_ready_409_outsider_404_wrong_role_403(api, built, contract_manager, drenthe, coordinator):
    queued = QuarterlyReport.objects.create(region=built.region, year=2024, quarter=4)
    for ext in ("pdf", "xlsx"):
        response = api.as_user(contract_manager).get(f"/api/v1/reports/quarterly/{queued.pk}/{ext}")
        assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
        outsider = member(Role.CONTRACT_MANAGER, regions=[drenthe])
        response = api.as_user(outsider).get(f"/api/v1/reports/quarterly/{built.pk}/{ext}")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
        assert api.as_user(coordinator).get(f"/api/v1/reports/quarterly/{built.pk}/{ext}").status_code == 403
    assert api.as_user(coordinator).get("/api/v1/reports/quarterly").status_code == 403
    assert not AccessLogEntry.objects.filter(subject_type="reporting.quarterlyreport", action="download").exists()
