"""Export and quarterly-report downloads are access-logged (NEN 7513), and so is a refused one."""

import pytest
from django.urls import reverse

from accounts.models import Role
from core.access_log import Purpose
from core.models import AccessLogEntry
from reporting.services import export_run, quarterly_report_build
from tests.reporting.conftest import Q1

pytestmark = pytest.mark.django_db


def test_an_export_download_is_logged_with_action_export(client, scenario, contract_manager, make_member, twente):
    client.force_login(contract_manager)
    client.post(reverse("reporting:export-create"), {"report": "refusals", "format": "csv", **Q1})
    from reporting.models import ExportJob

    job = ExportJob.objects.get()
    assert not AccessLogEntry.objects.filter(subject_type="reporting.exportjob").exists()  # not yet downloaded
    export_run(job.pk)
    job.refresh_from_db()
    download = client.get(reverse("reporting:export-download", args=[job.pk]), REMOTE_ADDR="203.0.113.20")
    assert download.status_code == 200
    entry = AccessLogEntry.objects.get(subject_type="reporting.exportjob", subject_id=job.pk)
    assert (entry.user, entry.action, entry.outcome, entry.purpose, entry.source_address) == (
        contract_manager,
        "export",
        "allowed",
        Purpose.EXPORT,
        "203.0.113.20",
    )
    assert entry.role == Role.CONTRACT_MANAGER and entry.details["report"] == "refusals"
    assert entry.details["format"] == "csv" and entry.details["file"] == job.file_name
    other = make_member(Role.CONTRACT_MANAGER, regions=[twente])
    client.force_login(other)
    assert client.get(reverse("reporting:export-download", args=[job.pk])).status_code == 404
    denied = AccessLogEntry.objects.get(user=other)
    assert (denied.action, denied.subject_type, denied.subject_id) == ("denied", "reporting.exportjob", job.pk)


def test_a_quarterly_download_and_page_are_logged(client, scenario, contract_manager, make_member, twente, drenthe):
    report, _ = quarterly_report_build(region=twente, year=2025, quarter=1)
    client.force_login(contract_manager)
    assert client.get(reverse("reporting:quarterly-download", args=[report.pk])).status_code == 200
    assert client.get(reverse("reporting:quarterly-page", args=[report.pk])).status_code == 200
    entries = list(
        AccessLogEntry.objects.filter(subject_type="reporting.quarterlyreport", subject_id=report.pk).order_by(
            "chain_seq"
        )
    )
    assert [(e.action, e.purpose, e.user) for e in entries] == [
        ("download", Purpose.QUARTERLY_REPORT, contract_manager),
        ("view", Purpose.QUARTERLY_REPORT, contract_manager),
    ]
    assert entries[0].details == {"region": "JZ14", "year": 2025, "quarter": 1}
    outsider = make_member(Role.CONTRACT_MANAGER, regions=[drenthe])
    client.force_login(outsider)
    assert client.get(reverse("reporting:quarterly-download", args=[report.pk])).status_code == 404
    assert AccessLogEntry.objects.get(user=outsider).action == "denied"
