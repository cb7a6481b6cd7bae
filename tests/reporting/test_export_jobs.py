"""Exports run on a real Celery worker; the requester sees progress and downloads the file."""

import pytest
from django.conf import settings

from accounts.models import Role
from accounts.selectors import membership_with_role
from reporting.models import ExportJob
from reporting.registry import REPORTS
from reporting.selectors import export_get
from reporting.services import export_request, export_run
from reporting.tables import Column, Table


def _big_report(*, membership, params):
    rows = [{"i": i, "region": ",".join(sorted(r.code for r in membership.regions.all()))} for i in range(params["n"])]
    return [Table("big", "Groot", [Column("i", "Nummer"), Column("region", "Regio")], rows)]


@pytest.fixture
def big_report(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    REPORTS["test-big"] = _big_report
    yield
    REPORTS.pop("test-big")


@pytest.mark.django_db
def test_export_runs_once_and_only_its_owner_sees_it(big_report, contract_manager, make_member, twente):
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    job = export_request(membership=membership, report="test-big", params={"n": 1200}, fmt="csv", by=contract_manager)
    assert export_run(job.pk) is True
    assert export_run(job.pk) is False  # a second run does nothing
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportJob.Status.DONE, 100)
    content = (settings.PRIVATE_MEDIA_ROOT / "exports" / job.file_name).read_text(encoding="utf-8-sig")
    lines = content.splitlines()
    cover = [line for line in lines if line.startswith("#")]
    assert len(lines) == len(cover) + 1 + 1202 and "1199;JZ14" in content  # cover, empty line, the table
    assert export_get(user=contract_manager, job_id=job.pk) == job
    other = make_member(Role.CONTRACT_MANAGER, regions=[twente])
    assert export_get(user=other, job_id=job.pk) is None


@pytest.mark.django_db
def test_unknown_report_or_format_is_refused(contract_manager):
    from core.errors import Invalid

    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    with pytest.raises(Invalid):
        export_request(membership=membership, report="nope", params={}, fmt="csv", by=contract_manager)
    assert not ExportJob.objects.exists()
