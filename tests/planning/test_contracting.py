"""What to contract (issue 16.3) on generated data where the answer is known by
construction: arrivals and stays -> the Erlang C number of places, priced and set against
the contract; coarser profiles for small groups; suppression; nothing identifying; the
page, CSV and method page (bad input, roles, regions); the quarterly report section."""

import csv
import datetime as dt
import io
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from capacity.models import Contract
from planning import contracting
from planning.queueing import places_needed, wait_longer_than
from reporting import quarterly_render
from reporting.reports.common import Scope
from reporting.services import quarterly_report_build
from reporting.suppression import published, suppress_tables
from tests.capacity.factories import care_type, provider_org
from tests.planning.test_queueing import erlang_c_factorial
from tests.reporting.factories import Scenario, facility

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)  # 90 days
PERIOD = {"from": "2025-01-01", "to": "2025-03-31"}


def add_stays(s, f, n, *, days, care_types=("kwv-open",), start=dt.date(2024, 5, 1)):
    """n placements, each of `days` days, inside the 365-day stay window of the period."""
    for _i in range(n):
        r = s.request(referral=start - dt.timedelta(days=30), status="ended", care_types=care_types)
        o = s.offer(r, f, created=start - dt.timedelta(days=10), status="accepted")
        s.placement(r, o, start=start, end=start + dt.timedelta(days=days), reason="01")


def add_arrivals(s, n, *, day, status, care_types=("kwv-open",), specialisations=(), closed_after=5):
    out = []
    for i in range(n):
        referral = day + dt.timedelta(days=i)
        changed = referral + dt.timedelta(days=closed_after) if status == "closed" else None
        out.append(
            s.request(
                referral=referral,
                status=status,
                care_types=care_types,
                specialisations=specialisations,
                outcome="help_at_home" if status == "closed" else "",
                status_changed=changed,
            )
        )
    return out


@pytest.fixture
def queue(twente, drenthe):
    """Twente, kwv-open, band M. Period 1 Jan - 31 Mar 2025 (90 days).
    Stays: 10 placements of 50 days each (May-June 2024): mean stay 50 days.
    Arrivals in the period: 12 still waiting (referred 5-16 Jan), 6 closed 5 days after their
    referral (10-15 Jan): 18 / 90 = 0.2 per day, a = 0.2 x 50 = 10 places busy on average.
    The period before (3 Oct - 31 Dec 2024): 9 arrivals, closed after 5 days: 0.1 per day.
    Contract: 8 places of kwv-open from 2024, day tariff 300."""
    s = Scenario()
    f = facility(provider=provider_org(name="Aanbieder A"), name="F1", places_contracted=8, places_staffed=8)
    add_stays(s, f, 10, days=50)
    add_arrivals(s, 12, day=dt.date(2025, 1, 5), status="waiting")
    add_arrivals(s, 6, day=dt.date(2025, 1, 10), status="closed")
    add_arrivals(s, 9, day=dt.date(2024, 10, 10), status="closed")
    Contract.objects.create(
        provider=f.provider,
        region=twente,
        care_type=care_type("kwv-open"),
        reference="K1",
        start_date=dt.date(2024, 1, 1),
        funding_form="inspanningsgericht",
        places_contracted=8,
        day_tariff=Decimal("300.00"),
    )
    return {"s": s, "f": f, "twente": twente}


def _scope(region, *, suppress=False, start=START, end=END):
    return Scope(region_ids=[region.pk], start=start, end=end, suppress=suppress)


def _rows(tables, key):
    return next(t for t in tables if t.key == key).rows


def test_known_arrivals_and_stay_give_the_textbook_number_of_places(queue):
    data = contracting.compute(_scope(queue["twente"]), contracting.Targets())
    (row,) = data["rows"]
    assert row["arrivals"] == 18 and row["waiting"] == 12
    assert row["rate"] == pytest.approx(0.2) and row["stay"] == pytest.approx(50)
    need = row["need"]
    assert need.load == pytest.approx(10)
    # the smallest c with P(W > 28 days) <= 10% and 10 / c <= 85%, checked with the
    # factorial form: at c the share is met, at c - 1 it is not (or the occupancy is not)
    c = need.places
    share = float(erlang_c_factorial(c, Fraction(10))) * math.exp(-(c - 10) * 28 / 50)
    assert share <= 0.10 and 10 / c <= 0.85
    before = float(erlang_c_factorial(c - 1, Fraction(10))) * math.exp(-(c - 11) * 28 / 50)
    assert before > 0.10 or 10 / (c - 1) > 0.85
    assert c == places_needed(lam=0.2, stay=50, norm_days=28, target_share=0.1, target_occupancy=0.85).places
    (kwv,) = data["care_types"]
    assert kwv["contracted"] == 8 and kwv["gap"] == c - 8
    assert kwv["tariff"] == pytest.approx(300) and kwv["cost"] == pytest.approx(c * 300 * 365)
    assert kwv["gap_cost"] == pytest.approx((c - 8) * 300 * 365)


def test_more_arrivals_need_more_places(queue):
    before = contracting.compute(_scope(queue["twente"]), contracting.Targets())["rows"][0]["need"].places
    add_arrivals(queue["s"], 18, day=dt.date(2025, 2, 1), status="waiting")
    after = contracting.compute(_scope(queue["twente"]), contracting.Targets())["rows"][0]["need"].places
    assert after > before


def test_a_stricter_norm_and_a_lower_occupancy_need_more_places(queue):
    scope = _scope(queue["twente"])
    base = contracting.compute(scope, contracting.Targets())["rows"][0]["need"].places
    strict = contracting.compute(scope, contracting.Targets(norm_days=7, share=5))["rows"][0]["need"].places
    low = contracting.compute(scope, contracting.Targets(occupancy=50))["rows"][0]["need"].places
    assert strict > base and low == 20  # 10 / 0.5: the occupancy binds


def test_specialisations_split_only_when_every_group_has_five(queue):
    add_arrivals(queue["s"], 3, day=dt.date(2025, 1, 20), status="waiting", specialisations=["trauma"])
    rows = contracting.compute(_scope(queue["twente"]), contracting.Targets())["rows"]
    assert [(r["specialisation"], r["arrivals"]) for r in rows] == [("Alle", 21)]
    add_arrivals(queue["s"], 3, day=dt.date(2025, 1, 25), status="waiting", specialisations=["trauma"])
    rows = contracting.compute(_scope(queue["twente"]), contracting.Targets())["rows"]
    assert sorted(r["arrivals"] for r in rows) == [6, 18]
    trauma = next(r for r in rows if r["arrivals"] == 6)
    assert trauma["specialisation"] != "Alle" and trauma["stay"] == pytest.approx(50)  # its care type's stays


def test_small_groups_are_suppressed_for_contract_managers(queue):
    f2 = facility(provider=provider_org(), name="F2", care="behandelgroep")
    add_stays(queue["s"], f2, 1, days=30, care_types=["behandelgroep"])
    add_arrivals(queue["s"], 3, day=dt.date(2025, 1, 5), status="waiting", care_types=["behandelgroep"])
    exact = [published(t) for t in contracting.tables(_scope(queue["twente"]), contracting.Targets())]
    small = next(r for r in _rows(exact, "needed") if r["arrivals"] == 3)
    assert isinstance(small["needed"], int) and small["needed"] > 0
    hidden = suppress_tables(contracting.tables(_scope(queue["twente"], suppress=True), contracting.Targets()))
    rows = _rows(hidden, "needed")
    assert len(rows) == 2
    small = next(r for r in rows if not isinstance(r["arrivals"], int))
    assert not isinstance(small["needed"], int) and not isinstance(small["rate"], (int, float))
    big = next(r for r in rows if isinstance(r["arrivals"], int))
    assert big["arrivals"] == 18 and isinstance(big["needed"], int)


def test_backtest_predicts_with_last_periods_fit_and_shows_the_error(queue):
    (row,) = contracting.backtest(_scope(queue["twente"]), contracting.Targets())
    assert row["fit_arrivals"] == 9 and row["stay"] == pytest.approx(50) and row["places"] == 8
    expected = 100 * wait_longer_than(8, 9 / 90, 50, 28)
    assert row["predicted"] == pytest.approx(expected)
    # 12 of the 18 requests of this period still waited 28 days after their referral
    assert row["requests"] == 18 and row["over"] == 12
    assert row["observed"] == pytest.approx(100 * 12 / 18)
    assert row["error"] == pytest.approx(expected - 100 * 12 / 18)


# --- screens -------------------------------------------------------------------------------


def test_page_shows_table_chart_and_assumptions_without_identifying_data(client, queue, contract_manager):
    client.force_login(contract_manager)
    response = client.get(reverse("planning:contracting"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Benodigde plaatsen per behoefteprofiel" in html and "Benodigd tegen gecontracteerd" in html
    assert "<svg" in html and "Poisson" in html and "Erlang C" in html
    need = places_needed(lam=0.2, stay=50, norm_days=28, target_share=0.1, target_occupancy=0.85).places
    needed_row = response.context["tables"][1].rows[0]
    assert needed_row["needed"] == need and needed_row["arrivals"] == 18
    for secret in ("Geheim", "Sam", "PS-"):
        assert secret not in html


def test_csv_download_has_the_tables_and_nothing_identifying(client, queue, contract_manager):
    client.force_login(contract_manager)
    response = client.get(reverse("planning:contracting-csv"), PERIOD)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Benodigde plaatsen" in text and "Geheim" not in text
    assert any("Totaal" in row for row in csv.reader(io.StringIO(text), delimiter=";"))


def test_every_bad_field_is_named_at_once(client, queue, contract_manager):
    client.force_login(contract_manager)
    params = {"from": "gisteren", "to": "2025-02-30", "threshold": "0", "share": "100", "occupancy": "veel"}
    response = client.get(reverse("planning:contracting"), params)
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"from", "to", "threshold", "share", "occupancy"}
    html = response.content.decode()
    for name in ("share", "occupancy", "threshold"):
        assert f'id="id_{name}-error"' in html
    assert response.context["tables"] == []
    response = client.get(reverse("planning:contracting-csv"), params)
    assert response.status_code == 422


def test_roles_and_regions(client, queue, make_member, drenthe, coordinator, contract_manager):
    url = reverse("planning:contracting")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(coordinator)
    for name in ("planning:contracting", "planning:contracting-csv", "planning:contracting-method"):
        assert client.get(reverse(name), PERIOD).status_code == 403
    client.force_login(make_member(Role.CONTRACT_MANAGER, regions=[drenthe]))
    for name in ("planning:contracting", "planning:contracting-csv", "planning:contracting-method"):
        assert client.get(reverse(name), {**PERIOD, "region": "JZ14"}).status_code == 404
    response = client.get(url, PERIOD)  # their own region: nothing of Twente
    assert response.status_code == 200 and response.context["tables"][1].rows == []
    client.force_login(contract_manager)
    assert client.get(url, {**PERIOD, "region": "JZ14"}).status_code == 200


def test_method_page_in_dutch_and_english_with_the_backtest(client, queue, contract_manager):
    client.force_login(contract_manager)
    response = client.get(reverse("planning:contracting-method"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Terugtoets" in html and "Aannames" in html and "Beperkingen" in html
    (row,) = response.context["tables"][0].rows
    assert row["requests"] == 18 and row["error"] is not None
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("planning:contracting-method"), PERIOD)
    english = response.content.decode()
    assert "Backtest" in english and "Assumptions" in english and "Limits" in english


# --- the quarterly report section -------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_section_appears_in_the_quarterly_page_pdf_and_xlsx(client, queue, contract_manager):
    report, _created = quarterly_report_build(region=queue["twente"], year=2025, quarter=1)
    assert report.status == "done"
    codes = [s["code"] for s in report.content["nl"]["sections"]]
    assert codes[-1] == contracting.SECTION_CODE
    section = report.content["nl"]["sections"][-1]
    needed = next(t for t in section["tables"] if t["key"] == "needed")
    assert needed["rows"][0][3] == 18  # arrivals of the quarter, as on the page
    client.force_login(contract_manager)
    html = client.get(reverse("reporting:quarterly-page", args=[report.pk])).content.decode()
    assert "Wat te contracteren" in html and "Benodigde plaatsen per behoefteprofiel" in html
    text = _pdf_text(quarterly_render.render_pdf(report, "nl"))
    assert "Wat te contracteren" in text and "Benodigde plaatsen per behoefteprofiel" in text
    book = load_workbook(io.BytesIO(quarterly_render.render_xlsx(report, "nl")))
    assert "Wat te contracteren" in book.sheetnames
    cells = [c for row in book["Wat te contracteren"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Benodigde plaatsen per behoefteprofiel" in cells and "Geheim" not in " ".join(map(str, cells))
    english = _pdf_text(quarterly_render.render_pdf(report, "en"))
    assert "What to contract" in english
