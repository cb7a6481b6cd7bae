"""Issue 12 point 6: the placements in the shape of CBS Beleidsinformatie Jeugd, one row per
placement that ran in the period, every code from data/cbs_codelijsten.csv, a pseudonym
instead of BSN or name; coordinators and administrators only; each download logged."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organisation, Role
from accounts.selectors import membership_with_role
from capacity.models import CareType
from core.code_lists import cbs_codes
from core.crypto import blind_index
from core.errors import Forbidden, NotFound
from core.models import AccessLogEntry
from placement.models import Placement
from reporting.models import ExportJob
from reporting.registry import ROW_LEVEL, build_report
from reporting.reports import REPORT_MODULES
from reporting.reports.cbs_placements import row_of
from reporting.services import export_directory, export_request, export_run
from tests.accounts.factories import OrganisationFactory
from tests.reporting.conftest import Q1
from tests.reporting.factories import at, facility

pytestmark = pytest.mark.django_db
CODE = "cbs-placements"
COLUMNS = [
    "Cliëntsleutel (pseudoniem)",
    "Gemeentecode woonplaats",
    "Begindatum",
    "Einddatum",
    "Hulpvorm",
    "Verwijzer",
    "Crisis",
    "Reden beëindiging",
    "Jeugdregio",
    "AGB-code aanbieder",
]


def key(youth_id):
    return blind_index(str(youth_id), purpose="cbs_client")[:32]


@pytest.fixture
def placements(scenario):
    """The Q1 2025 scenario's placements, plus: a crisis placement of R2's youth (again) on
    20 March in a JeugdzorgPlus place after a court referral; one that ended before the
    period; one in Drenthe."""
    s = scenario["s"]
    court = OrganisationFactory(kind=Organisation.Kind.REFERRER, referrer_code="08")
    crisis_request = s.request(referral=dt.date(2025, 3, 20), status="crisis", previous=scenario["r2"])
    crisis_request.referrer_organisation = court
    crisis_request.save(update_fields=["referrer_organisation"])
    closed = CareType.objects.get(code="jeugdzorgplus")
    crisis = Placement.objects.create(
        request=crisis_request,
        kind="crisis",
        started_at=at(dt.date(2025, 3, 20), 22),
        youth=crisis_request.youth,
        facility=scenario["f3"],
        provider=scenario["b"],
        start_date=dt.date(2025, 3, 20),
        care_type=closed,
        created_by=s.user,
    )
    old = s.request(referral=dt.date(2024, 10, 1), status="ended")
    s.placement(old, s.offer(old, scenario["f1"], created=dt.date(2024, 10, 5), status="accepted"),
                start=dt.date(2024, 11, 1), end=dt.date(2024, 12, 31), reason="02")  # fmt: skip
    drenthe_facility = facility(provider=scenario["b"], name="F4", code="GM0106")
    elsewhere = s.request(referral=dt.date(2025, 1, 2), status="placed", region="JZ04", home="GM0106")
    s.placement(elsewhere, s.offer(elsewhere, drenthe_facility, created=dt.date(2025, 1, 3), status="accepted"),
                start=dt.date(2025, 1, 10))  # fmt: skip
    return {**scenario, "crisis": crisis, "old": old, "elsewhere": elsewhere}


def _rows(tables):
    [table] = tables
    assert [str(c.label) for c in table.columns] == COLUMNS
    return [[row[c.key] for c in table.columns] for row in table.rows]


def test_one_row_per_placement_that_ran_in_the_period_with_cbs_codes(placements, coordinator):
    p = placements
    agb_a, agb_b = p["a"].agb_code, p["b"].agb_code
    rows = _rows(build_report(CODE, membership=membership_with_role(coordinator, Role.COORDINATOR), params=Q1))
    assert rows == [
        [key(p["r5"].youth_id), "GM0153", "2024-10-20", "2025-02-10", "12", "01", "02", "01", "JZ14", agb_a],
        [key(p["r1"].youth_id), "GM0153", "2025-01-20", "", "12", "01", "02", "", "JZ14", agb_a],
        [key(p["r2"].youth_id), "GM0153", "2025-02-11", "2025-03-15", "14", "01", "02", "04", "JZ14", agb_b],
        # the same youth again: the same key; the placement's own care type (closed: 13); court 08; crisis 01
        [key(p["r2"].youth_id), "GM0153", "2025-03-20", "", "13", "08", "01", "", "JZ14", agb_b],
    ]
    for row in rows:
        assert row[4] in cbs_codes("hulpvorm_verblijf") and row[5] in cbs_codes("verwijzer")
        assert row[6] in cbs_codes("crisis") and row[7] in ["", *cbs_codes("reden_beeindiging")]


def test_administrators_export_nationally_contract_managers_may_not(placements, make_member, contract_manager):
    admin = make_member(Role.ADMIN)
    rows = _rows(build_report(CODE, membership=membership_with_role(admin, Role.ADMIN), params=Q1))
    assert [row[8] for row in rows] == ["JZ14", "JZ04", "JZ14", "JZ14", "JZ14"]
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    with pytest.raises(Forbidden):
        build_report(CODE, membership=membership, params=Q1)
    with pytest.raises(Forbidden):
        export_request(membership=membership, report=CODE, params=Q1, fmt="csv", by=contract_manager)
    assert not ExportJob.objects.exists()


def test_a_coordinator_of_another_region_gets_nothing(placements, coordinator_drenthe):
    membership = membership_with_role(coordinator_drenthe, Role.COORDINATOR)
    with pytest.raises(NotFound):
        build_report(CODE, membership=membership, params={**Q1, "region": "JZ14"})
    rows = _rows(build_report(CODE, membership=membership, params=Q1))
    assert [row[8] for row in rows] == ["JZ04"]


def test_csv_and_xlsx_through_the_export_job_with_the_download_logged(client, placements, coordinator):
    client.force_login(coordinator)
    for fmt in ("csv", "xlsx"):
        response = client.post(reverse("reporting:export-create"), {"report": CODE, "format": fmt, **Q1})
        assert response.status_code == 200
    jobs = {job.format: job for job in ExportJob.objects.all()}
    for job in jobs.values():
        assert export_run(job.pk)
        job.refresh_from_db()
    text = (export_directory() / jobs["csv"].file_name).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    cover = [line for line in lines if line and line[0] == "#"]
    assert ["#", "Regio('s)", "Twente"] in cover  # the export cover comes first (issue 12 point 6)
    lines = lines[len(cover) + 1 :]  # the cover, one empty line, then the table
    assert lines[1] == COLUMNS and len(lines) == 2 + 4
    assert "Geheim" not in text and "Sam" not in text  # no names (nor BSN: the scenario has none to leak)
    book = load_workbook(export_directory() / jobs["xlsx"].file_name)
    assert book.sheetnames[0] == "Toelichting"
    sheet = book.worksheets[1]
    assert [c.value for c in sheet[1]] == COLUMNS and sheet.max_row == 1 + 4
    assert client.get(reverse("reporting:export-download", args=[jobs["csv"].pk])).status_code == 200
    entry = AccessLogEntry.objects.get(subject_type="reporting.exportjob", subject_id=jobs["csv"].pk)
    assert (entry.user, entry.action, entry.details["report"]) == (coordinator, "export", CODE)


def test_the_screens_refuse_contract_managers_and_offer_it_to_coordinators_and_admins(
    client, placements, contract_manager, coordinator, make_member
):
    client.force_login(contract_manager)
    response = client.post(reverse("reporting:export-create"), {"report": CODE, "format": "csv", **Q1})
    assert response.status_code == 403 and not ExportJob.objects.exists()
    assert client.get(reverse("reporting:cbs-export")).status_code == 403
    home = client.get(reverse("reporting:contract-manager-home")).content.decode()
    assert "cbs-placements" not in home and "Beleidsinformatie" not in home
    for user in (coordinator, make_member(Role.ADMIN)):
        client.force_login(user)
        page = client.get(reverse("reporting:cbs-export"))
        assert page.status_code == 200 and f'value="{CODE}"' in page.content.decode()
    client.force_login(coordinator)
    assert 'href="/reports/cbs-placements/"' in client.get(reverse("reporting:coordinator-figures")).content.decode()


def test_it_is_no_dashboard_report_and_has_no_api_figures(api, placements, coordinator):
    assert CODE not in REPORT_MODULES and CODE in ROW_LEVEL
    api.as_user(coordinator)
    assert api.get(f"/api/v1/reports/{CODE}").status_code == 404


def test_a_code_outside_the_cbs_lists_stops_the_export():
    record = {
        "youth_id": 1,
        "municipality": "GM0153",
        "start_date": dt.date(2025, 1, 1),
        "end_date": None,
        "kind": "regular",
        "end_reason": "",
        "region": "JZ14",
        "agb_code": "",
        "care_form": "12",
        "referrer_code": "07",  # the old "no referrer": not a CBS code
    }
    with pytest.raises(ValueError):
        row_of(record)
    assert row_of({**record, "referrer_code": ""})["referrer"] == "06"  # no CBS referrer: "geen verwijzer"
