"""Every export states what it is before its figures: region(s), period, when made, by
whom (role and organisation), each table's definition and the suppression rule."""

import csv

import pytest
from django.conf import settings
from openpyxl import load_workbook

from accounts.models import Role
from accounts.selectors import membership_with_role
from reporting.models import ExportJob
from reporting.registry import REPORTS, build_report
from reporting.services import export_request, export_run
from reporting.tables import Column, Table
from tests.reporting.conftest import Q1

pytestmark = pytest.mark.django_db


def _defined(*, membership, params):
    return [
        Table(
            "placed",
            "Plaatsingen",
            [Column("n", "Aantal", True)],
            [{"n": 3}],
            description="Plaatsingen gestart in de periode, per startdatum.",
        )
    ]


@pytest.fixture
def defined_report():
    REPORTS["test-defined"] = _defined
    yield
    REPORTS.pop("test-defined")


def _run(user, role, fmt, report="test-defined"):
    membership = membership_with_role(user, role)
    job = export_request(membership=membership, report=report, params=dict(Q1), fmt=fmt, by=user)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    return settings.PRIVATE_MEDIA_ROOT / "exports" / job.file_name, membership


def test_xlsx_first_sheet_states_region_period_maker_definitions_and_suppression(defined_report, contract_manager):
    path, membership = _run(contract_manager, Role.CONTRACT_MANAGER, "xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Toelichting", "Plaatsingen"]
    cover = {row[0]: row[1] for row in workbook["Toelichting"].iter_rows(values_only=True) if row[0]}
    assert cover["Regio('s)"] == "Twente"
    assert cover["Periode"] == "01-01-2025 tot en met 31-03-2025"
    assert cover["Gemaakt door"] == f"Contractmanager, {membership.organisation.name}"
    assert contract_manager.username not in str(cover)  # the role, not the person
    assert cover["Afscherming kleine aantallen"].startswith("Aantallen van 1 tot en met 4")
    assert cover["Plaatsingen"] == "Plaatsingen gestart in de periode, per startdatum."
    assert cover["Gemaakt op"]


def test_csv_leads_with_the_cover_block_then_the_tables(defined_report, coordinator):
    path, _membership = _run(coordinator, Role.COORDINATOR, "csv")
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    block = [row for row in rows if row and row[0] == "#"]
    cover = {row[1]: row[2] for row in block if len(row) > 2}
    assert cover["Regio('s)"] == "Twente" and cover["Periode"] == "01-01-2025 tot en met 31-03-2025"
    assert cover["Afscherming kleine aantallen"].startswith("Exacte cijfers")  # coordinators see exact counts
    assert cover["Plaatsingen"] == "Plaatsingen gestart in de periode, per startdatum."
    after = rows[len(block) :]
    assert after[:4] == [[], ["Plaatsingen"], ["Aantal"], ["3"]]


def test_a_real_report_export_has_a_definition_row_per_table(scenario, contract_manager):
    path, membership = _run(contract_manager, Role.CONTRACT_MANAGER, "xlsx", report="refusals")
    workbook = load_workbook(path)
    cover_rows = list(workbook["Toelichting"].iter_rows(values_only=True))
    titles = cover_rows[[r[0] for r in cover_rows].index("Definities") + 1 :]
    tables = build_report("refusals", membership=membership, params=Q1)
    assert [r[0] for r in titles] == [str(t.title) for t in tables] and len(tables) == len(workbook.sheetnames) - 1
