"""The quarterly report: on demand (idempotent, bad input named per field), draft ->
commentary -> publish (read-only after, in the service and in the database), PDF and XLSX
in Dutch and English with the previous quarter beside this one, roles and regions."""

import datetime as dt
import io

import pytest
from django.db import IntegrityError, ProgrammingError, transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Conflict, Invalid, NotFound
from reporting import quarterly_render
from reporting.models import QuarterlyReport
from reporting.quarterly_sections import QUARTERLY_SECTIONS
from reporting.reports import REPORT_MODULES
from reporting.services import (
    quarterly_commentary_save,
    quarterly_publish,
    quarterly_report_build,
    quarterly_request,
    quarterly_run,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 5, 10)  # the last quarter that has ended is 2025 Q1
COMMENTARY = {code: f"Toelichting bij {code}: de regio bouwt af in Hengelo." for code in REPORT_MODULES}


def _cm(user):
    return membership_with_role(user, Role.CONTRACT_MANAGER)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def built(scenario, twente):
    report, _created = quarterly_report_build(region=twente, year=2025, quarter=1)
    return report


# --- on demand ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "fields"),
    [
        ("2025", "0", ["quarter"]),
        ("2025", "5", ["quarter"]),
        ("1", "1", ["year"]),
        ("9999", "1", ["year"]),
        ("abc", "", ["year", "quarter"]),
        ("2025", "2", ["quarter"]),  # the running quarter has not ended
        ("2026", "1", ["year"]),  # a future year
        ("2014", "4", ["year"]),  # before the Jeugdwet
    ],
)
def test_bad_year_or_quarter_is_named_and_nothing_is_made(contract_manager, twente, year, quarter, fields):
    with pytest.raises(Invalid) as caught:
        quarterly_request(
            membership=_cm(contract_manager),
            region="JZ14",
            year=year,
            quarter=quarter,
            by=contract_manager,
            today=TODAY,
        )
    assert [p["name"] for p in caught.value.invalid_params] == fields
    assert not QuarterlyReport.objects.exists()


def test_every_bad_field_at_once_and_another_region_is_not_found(contract_manager, twente, drenthe):
    membership = _cm(contract_manager)
    with pytest.raises(Invalid) as caught:
        quarterly_request(membership=membership, region="", year="1", quarter="9", by=contract_manager, today=TODAY)
    assert [p["name"] for p in caught.value.invalid_params] == ["region", "year", "quarter"]
    with pytest.raises(Invalid, match="Onbekende regio"):
        quarterly_request(membership=membership, region="XX99", year="2025", quarter="1", by=contract_manager)
    with pytest.raises(NotFound):
        quarterly_request(membership=membership, region="JZ04", year="2025", quarter="1", by=contract_manager)
    assert not QuarterlyReport.objects.exists()


def test_on_demand_is_idempotent_and_the_task_runs_once(
    scenario, contract_manager, twente, django_capture_on_commit_callbacks
):
    membership = _cm(contract_manager)
    with django_capture_on_commit_callbacks() as first:
        report = quarterly_request(membership=membership, region="JZ14", year=2025, quarter="1", by=contract_manager)
    with django_capture_on_commit_callbacks() as second:
        again = quarterly_request(membership=membership, region="JZ14", year="2025", quarter=1, by=contract_manager)
    assert again.pk == report.pk and QuarterlyReport.objects.count() == 1
    assert (len(first), len(second)) == (1, 1)  # queued: scheduling again is harmless (only a queued one runs)
    assert report.status == QuarterlyReport.Status.QUEUED and report.requested_by == contract_manager
    assert quarterly_run(report.pk) is True
    assert quarterly_run(report.pk) is False  # a second delivery of the task does nothing
    report.refresh_from_db()
    assert (report.status, report.progress) == (QuarterlyReport.Status.DONE, 100)
    assert set(report.content) == {"nl", "en"}
    # the reports, then the sections registered by apps above reporting (issue 16.3: planning)
    assert [s["code"] for s in report.content["nl"]["sections"]] == list(REPORT_MODULES) + list(QUARTERLY_SECTIONS)
    with django_capture_on_commit_callbacks() as third:
        done = quarterly_request(membership=membership, region="JZ14", year=2025, quarter=1, by=contract_manager)
    assert done.pk == report.pk and third == []  # a finished one is not built again
    # Beat for the same quarter makes nothing new either.
    assert quarterly_report_build(region=twente, year=2025, quarter=1)[1] is False


def test_a_failed_build_can_be_asked_for_again(contract_manager, twente, django_capture_on_commit_callbacks):
    report = QuarterlyReport.objects.create(region=twente, year=2024, quarter=4, status="failed", error="boom")
    with django_capture_on_commit_callbacks() as scheduled:
        again = quarterly_request(
            membership=_cm(contract_manager), region="JZ14", year=2024, quarter=4, by=contract_manager
        )
    assert again.pk == report.pk and len(scheduled) == 1
    report.refresh_from_db()
    assert (report.status, report.error, report.progress) == ("queued", "", 0)


def test_request_form_shows_messages_next_to_the_fields(client, contract_manager, twente):
    client.force_login(contract_manager)
    response = client.post(reverse("reporting:quarterly-request"), {"region": "JZ14", "year": "9999", "quarter": "5"})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_year-error"' in body and 'id="id_quarter-error"' in body
    assert 'aria-describedby="id_year-error"' in body
    assert "Kies kwartaal 1, 2, 3 of 4." in body
    htmx = client.post(
        reverse("reporting:quarterly-request"), {"region": "JZ14", "year": "1", "quarter": "1"}, HTTP_HX_REQUEST="true"
    )
    # htmx swaps no 4xx answer: the form with its messages comes back as 200
    assert htmx.status_code == 200 and "<html" not in htmx.content.decode() and "id_year-error" in htmx.content.decode()
    assert (
        client.post(
            reverse("reporting:quarterly-request"), {"region": "JZ04", "year": "2025", "quarter": "1"}
        ).status_code
        == 404
    )
    assert not QuarterlyReport.objects.exists()


def test_request_form_starts_the_build_and_polls_its_progress(client, contract_manager, twente):
    client.force_login(contract_manager)
    response = client.post(
        reverse("reporting:quarterly-request"),
        {"region": "JZ14", "year": "2025", "quarter": "1"},
        HTTP_HX_REQUEST="true",
    )
    report = QuarterlyReport.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and f'hx-get="{reverse("reporting:quarterly-status", args=[report.pk])}"' in body
    assert "<progress" in body
    status = client.get(reverse("reporting:quarterly-status", args=[report.pk])).content.decode()
    assert "<progress" in status and "hx-trigger" in status


def test_api_on_demand_problem_json_roles_and_regions(api, contract_manager, coordinator, twente, drenthe):
    url = "/api/v1/reports/quarterly"
    bad = api.as_user(contract_manager).post(url, {"region": "JZ14", "year": 1, "quarter": 0}, format="json")
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert [p["name"] for p in bad.json()["invalid_params"]] == ["year", "quarter"]
    assert (
        api.as_user(contract_manager)
        .post(url, {"region": "JZ04", "year": 2025, "quarter": 1}, format="json")
        .status_code
        == 404
    )
    assert (
        api.as_user(coordinator).post(url, {"region": "JZ14", "year": 2025, "quarter": 1}, format="json").status_code
        == 403
    )
    made = api.as_user(contract_manager).post(url, {"region": "JZ14", "year": 2025, "quarter": 1}, format="json")
    assert made.status_code == 202 and made.json()["status"] == "queued"
    status = api.as_user(contract_manager).get(f"{url}/{made.json()['id']}")
    assert status.status_code == 200 and status.json()["region"] == "JZ14"
    other = QuarterlyReport.objects.create(region=drenthe, year=2025, quarter=1)
    assert api.as_user(contract_manager).get(f"{url}/{other.pk}").status_code == 404


# --- draft, commentary, publish ----------------------------------------------------------


def test_publish_needs_every_commentary_then_the_report_is_read_only(built, contract_manager):
    membership = _cm(contract_manager)
    quarterly_commentary_save(
        membership=membership, report_id=built.pk, texts={"refusals": "Alleen dit"}, by=contract_manager
    )
    with pytest.raises(Invalid) as caught:
        quarterly_publish(membership=membership, report_id=built.pk, by=contract_manager)
    assert {p["name"] for p in caught.value.invalid_params} == set(REPORT_MODULES) - {"refusals"}
    quarterly_commentary_save(membership=membership, report_id=built.pk, texts=COMMENTARY, by=contract_manager)
    published = quarterly_publish(membership=membership, report_id=built.pk, by=contract_manager)
    assert published.published_by == contract_manager and published.published_at is not None
    with pytest.raises(Conflict):
        quarterly_commentary_save(
            membership=membership, report_id=built.pk, texts={"refusals": "later"}, by=contract_manager
        )
    with pytest.raises(Conflict):
        quarterly_publish(membership=membership, report_id=built.pk, by=contract_manager)
    built.refresh_from_db()
    assert built.commentary == COMMENTARY


def test_the_database_refuses_to_change_or_delete_a_published_report(built, contract_manager):
    QuarterlyReport.objects.filter(pk=built.pk).update(commentary=COMMENTARY)  # a draft may change
    quarterly_publish(membership=_cm(contract_manager), report_id=built.pk, by=contract_manager)
    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        QuarterlyReport.objects.filter(pk=built.pk).update(commentary={"refusals": "achteraf"})
    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        QuarterlyReport.objects.filter(pk=built.pk).delete()
    built.refresh_from_db()
    assert built.commentary == COMMENTARY


def test_the_database_refuses_a_publication_without_publisher_or_before_done(twente, contract_manager):
    report = QuarterlyReport.objects.create(region=twente, year=2024, quarter=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.filter(pk=report.pk).update(published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.filter(pk=report.pk).update(
            published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), published_by=contract_manager
        )


def test_commentary_too_long_is_named_and_nothing_is_saved(client, built, contract_manager):
    client.force_login(contract_manager)
    texts = {**COMMENTARY, "occupancy": "x" * 4001, "transfers": "y" * 5000}
    response = client.post(reverse("reporting:quarterly-commentary", args=[built.pk]), texts)
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_occupancy-error"' in body and 'id="id_transfers-error"' in body
    assert "hoogstens 4000 tekens" in body
    built.refresh_from_db()
    assert built.commentary == {}


def test_screens_commentary_publish_and_read_only_page(client, built, contract_manager):
    client.force_login(contract_manager)
    page = client.get(reverse("reporting:quarterly-page", args=[built.pk])).content.decode()
    assert 'name="occupancy"' in page and "Publiceren" in page
    early = client.post(reverse("reporting:quarterly-publish", args=[built.pk]))
    assert early.status_code == 422 and 'id="id_waiting-times-error"' in early.content.decode()
    assert client.post(reverse("reporting:quarterly-commentary", args=[built.pk]), COMMENTARY).status_code == 302
    assert client.post(reverse("reporting:quarterly-publish", args=[built.pk])).status_code == 302
    page = client.get(reverse("reporting:quarterly-page", args=[built.pk])).content.decode()
    assert "Gepubliceerd op" in page and 'name="occupancy"' not in page and COMMENTARY["occupancy"] in page
    late = client.post(reverse("reporting:quarterly-commentary", args=[built.pk]), {"occupancy": "nieuw"})
    assert late.status_code == 409 and "gepubliceerd" in late.content.decode()


def test_other_region_is_404_and_other_roles_403(client, built, make_member, drenthe, coordinator):
    urls = [
        ("get", reverse("reporting:quarterly-page", args=[built.pk])),
        ("get", reverse("reporting:quarterly-status", args=[built.pk])),
        ("get", reverse("reporting:quarterly-print", args=[built.pk])),
        ("get", reverse("reporting:quarterly-pdf", args=[built.pk])),
        ("get", reverse("reporting:quarterly-download", args=[built.pk])),
        ("post", reverse("reporting:quarterly-commentary", args=[built.pk])),
        ("post", reverse("reporting:quarterly-publish", args=[built.pk])),
    ]
    client.force_login(make_member(Role.CONTRACT_MANAGER, regions=[drenthe]))
    assert [getattr(client, method)(url).status_code for method, url in urls] == [404] * len(urls)
    client.force_login(coordinator)
    assert [getattr(client, method)(url).status_code for method, url in urls] == [403] * len(urls)
    assert client.get(reverse("reporting:quarterly-list")).status_code == 403
    built.refresh_from_db()
    assert built.commentary == {} and built.published_at is None


# --- what the reader gets ----------------------------------------------------------------


def test_pdf_has_region_quarter_commentary_and_the_previous_quarters_figure(client, built, contract_manager):
    quarterly_commentary_save(
        membership=_cm(contract_manager), report_id=built.pk, texts=COMMENTARY, by=contract_manager
    )
    client.force_login(contract_manager)
    response = client.get(reverse("reporting:quarterly-pdf", args=[built.pk]) + "?lang=nl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Kwartaalrapportage Twente 2025 Q1" in text
    assert "Periode 01-01-2025 tot en met 31-03-2025" in text
    assert COMMENTARY["occupancy"] in " ".join(text.split())
    # Occupancy of kleinschalig open (F1 + F3) per quarter, by hand. Q4 2024 (92 days):
    # F1 4 places, one occupied from 20 October (73 days); F3 6 places, none occupied:
    # 73 / (4*92 + 6*92) = 7.9%. Q1 2025 (90 days): F1 4 places to 1 March, then 2
    # (59*4 + 31*2 = 298 place-days), occupied 1 to 20 Jan, 2 to 10 Feb, 1 after
    # (19 + 2*21 + 50 = 111 days); F3 6*90 = 540: 111 / 838 = 13.2%.
    assert "% (2024 Q4)" in text
    assert "13,2 7,9" in text  # this quarter and the previous one, side by side
    assert "Norm: 90%" in text  # the occupancy chart (SVG) with its norm
    assert "Aantallen van 1 tot en met 4" in text  # the suppression rule in words


def test_pdf_and_xlsx_downloads_are_access_logged(client, built, contract_manager):
    from core.models import AccessLogEntry

    client.force_login(contract_manager)
    client.get(reverse("reporting:quarterly-pdf", args=[built.pk]) + "?lang=en")
    entry = AccessLogEntry.objects.get(subject_type="reporting.quarterlyreport", subject_id=built.pk)
    assert (entry.action, entry.user, entry.details) == (
        "download",
        contract_manager,
        {"region": "JZ14", "year": 2025, "quarter": 1},
    )


def test_english_pdf_and_page_are_english(client, built, contract_manager):
    client.force_login(contract_manager)
    text = _pdf_text(client.get(reverse("reporting:quarterly-pdf", args=[built.pk]) + "?lang=en").content)
    assert "Quarterly report Twente 2025 Q1" in text and "Kwartaalrapportage" not in text
    assert "Occupancy rate" in text and "13.2 7.9" in text
    page = client.get(reverse("reporting:quarterly-print", args=[built.pk]) + "?lang=en").content.decode()
    assert '<html lang="en">' in page and "Back" in page
    back = reverse("reporting:quarterly-page", args=[built.pk])
    assert f'href="{back}"' in page


def test_printable_page_has_a_way_back_and_print_css(client, built, contract_manager):
    client.force_login(contract_manager)
    page = client.get(reverse("reporting:quarterly-print", args=[built.pk])).content.decode()
    assert '<html lang="nl">' in page and ">Terug</a>" in page
    assert "reporting/quarterly.css" in page and 'role="img"' in page


def test_xlsx_has_the_cover_sheet_a_sheet_per_section_and_the_charts_data(client, built, contract_manager):
    quarterly_commentary_save(
        membership=_cm(contract_manager), report_id=built.pk, texts=COMMENTARY, by=contract_manager
    )
    client.force_login(contract_manager)
    response = client.get(reverse("reporting:quarterly-download", args=[built.pk]) + "?lang=nl")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Toelichting",
        "Onvervulde vraag",
        "Weigeringen",
        "Doorplaatsingen",
        "Capaciteit en bezetting",
        "Wachttijd en afstand",
        "Indicatoren",
        "Contracten en kosten",
        "Uitkomst van plaatsingen",  # issue 16 (fit-outcome)
        "Wat te contracteren",  # issue 16.3: registered by planning (reporting.quarterly_sections)
        "Grafiekgegevens",
    ]
    cover = {row[0]: row[1] for row in workbook["Toelichting"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Regio('s)"] == "Twente" and cover["Periode"] == "01-01-2025 tot en met 31-03-2025"
    assert cover["Vergeleken met"] == "2024 Q4" and cover["Status"].startswith("Concept")
    assert "Aantallen van 1 tot en met 4" in cover["Afscherming kleine aantallen"]
    occupancy = list(workbook["Capaciteit en bezetting"].iter_rows(values_only=True))
    assert occupancy[1] == ("Toelichting van de regio", COMMENTARY["occupancy"]) + (None,) * (len(occupancy[1]) - 2)
    assert any(row[0] == "Kleinschalige woonvoorziening (open)" and 13.2 in row and 7.9 in row for row in occupancy)
    assert any(row[0] == "Vorig kwartaal: 2024 Q4" for row in occupancy)
    chart_rows = [row[0] for row in workbook["Grafiekgegevens"].iter_rows(values_only=True)]
    assert "Bezettingsgraad in de tijd tegen de norm van 90%" in chart_rows
    assert "Wachttijd per maand tegen de norm van 28 dagen" in chart_rows
    english = load_workbook(
        io.BytesIO(client.get(reverse("reporting:quarterly-download", args=[built.pk]) + "?lang=en").content)
    )
    assert english.sheetnames[0] == "Explanation"


def test_reader_language_is_the_asked_one_or_the_users(rf):
    from django.utils import translation

    assert quarterly_render.reader_language(rf.get("/?lang=en")) == "en"
    with translation.override("en"):
        assert quarterly_render.reader_language(rf.get("/")) == "en"
        assert quarterly_render.reader_language(rf.get("/?lang=xx")) == "en"
    with translation.override("nl"):
        assert quarterly_render.reader_language(rf.get("/")) == "nl"
