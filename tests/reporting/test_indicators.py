"""The field's indicators (issue 12, point 3) against a hand-worked extension of the Q1 2025
Twente scenario (conftest.scenario). Every number is worked out in the comments."""

import csv
import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organisation, Role
from accounts.selectors import membership_with_role
from intake.models import PlacementRequest
from placement.models import Offer, Placement, PlacementChange, WaitingPeriod
from reporting.models import ExportJob
from reporting.registry import build_report
from reporting.reports import REPORT_MODULES, indicators
from reporting.reports.common import Scope
from reporting.services import export_directory, export_request, export_run
from reporting.suppression import HIDDEN, SUPPRESSED
from tests.accounts.factories import OrganisationFactory
from tests.reporting.conftest import Q1, q1_scope, table
from tests.reporting.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(scenario, drenthe):
    """The Q1 scenario plus (all in Twente, JZ14, unless said):

    R7: crisis registration (no offer) at F2 (Assen, Drenthe: out of the home region),
        request made 3 Feb 00:00, started 3 Feb 22:00 (within 24 h); ended 20 Mar with
        reason 03 (unilaterally by the client), to lighter care: 45 days (25 in Feb + 20).
    R8: urgency crisis, from a referrer organisation with CBS code 04, submitted 1 Mar
        10:00; its first offer (F3, B, 2 Mar) accepted; placed 4 Mar (more than 24 h).
    R3: (waiting since 1 Feb) offer to F1 on 10 Feb accepted, then fell through (the youth
        refused after the introduction visit); offer to F1 on 5 Mar accepted, placed at F1
        10 Mar (37 days after referral).
    R4: (the transfer request after R2's placement at B) offered to F1 (A) 20 Mar, accepted,
        placed 25 Mar (9 days): a change of provider, B -> A.
    R9: R5's youth again, referred 20 Mar (R5's placement ended 10 Feb): a re-entry.
    R10: referred 14 Feb, still waiting on 31 Mar (45 days).
    P1 (R1) gets a change in place (care type): never a change of provider.
    R11: in Drenthe (JZ04), placed at F2 on 1 Feb: outside the Twente scope.
    """
    s, f1, f2, f3 = scenario["s"], scenario["f1"], scenario["f2"], scenario["f3"]

    r7 = s.request(referral=dt.date(2025, 2, 3), status="ended")
    p7 = Placement.objects.create(
        request=r7,
        offer=None,
        kind="crisis",
        started_at=at(dt.date(2025, 2, 3), 22),
        youth=r7.youth,
        facility=f2,
        provider=f2.provider,
        start_date=dt.date(2025, 2, 3),
        created_at=at(dt.date(2025, 2, 3), 23),
        created_by=s.user,
        end_date=dt.date(2025, 3, 20),
        end_reason="03",
        aftercare_destination="lighter_care",
    )

    r8 = s.request(referral=dt.date(2025, 3, 1), status="placed")
    other_referrer = OrganisationFactory(kind=Organisation.Kind.REFERRER, referrer_code="04")
    PlacementRequest.objects.filter(pk=r8.pk).update(
        urgency="crisis", submitted_at=at(dt.date(2025, 3, 1), 10), referrer_organisation=other_referrer
    )
    r8.refresh_from_db()
    o8 = s.offer(r8, f3, created=dt.date(2025, 3, 2), status="accepted")
    s.placement(r8, o8, start=dt.date(2025, 3, 4))

    r3 = scenario["r3"]
    fell = s.offer(r3, f1, created=dt.date(2025, 2, 10), status="accepted")
    Offer.objects.filter(pk=fell.pk).update(
        status="fallen_through",
        fall_through_party="youth",
        fall_through_reason="introduction_mismatch",
        motivation="Klikte niet",
    )
    o3 = s.offer(r3, f1, created=dt.date(2025, 3, 5), status="accepted")
    s.placement(r3, o3, start=dt.date(2025, 3, 10))
    WaitingPeriod.objects.filter(request=r3).update(ended_at=at(dt.date(2025, 3, 10)))
    PlacementRequest.objects.filter(pk=r3.pk).update(status="placed")

    r4 = scenario["r4"]
    o4 = s.offer(r4, f1, created=dt.date(2025, 3, 20), status="accepted")
    s.placement(r4, o4, start=dt.date(2025, 3, 25))
    PlacementRequest.objects.filter(pk=r4.pk).update(status="placed")

    r9 = s.request(referral=dt.date(2025, 3, 20), previous=scenario["r5"])
    r10 = s.request(referral=dt.date(2025, 2, 14), status="waiting")

    p1 = Placement.objects.get(request=scenario["r1"])
    PlacementChange.objects.create(
        placement=p1,
        field="care_type",
        old_value="kwv-open",
        new_value="behandelgroep",
        effective_date=dt.date(2025, 3, 1),
        reason="Meer behandeling nodig",
        created_by=s.user,
        organisation=scenario["a"],
    )

    r11 = s.request(referral=dt.date(2025, 1, 10), region="JZ04", home="GM0106", status="placed")
    s.placement(r11, s.offer(r11, f2, created=dt.date(2025, 1, 20), status="accepted"), start=dt.date(2025, 2, 1))
    return {**scenario, "r7": r7, "p7": p7, "r8": r8, "r9": r9, "r10": r10, "r11": r11, "drenthe": drenthe}


def _rows(tables, key="indicators"):
    return {r["code"]: r for r in table(tables, key).rows}


def _figure(row):
    return (row["value"], row["numerator"], row["denominator"])


def test_every_indicator_of_the_hand_worked_quarter(field):
    rows = _rows(indicators.build(_with_norm(q1_scope(field["twente"]))))
    # Waiting on 31 March: R9 (20 Mar, 11 days) and R10 (14 Feb, 45 days); R1, R2, R3, R4,
    # R5, R7, R8 have started placements, R6 was closed. Over 28 days: R10.
    assert _figure(rows["waiting_over_norm"]) == (50, 1, 2)
    assert rows["waiting_over_norm"]["norm"] == "28 dagen"
    # Started in Q1 (Twente): P1 20 Jan, P7 3 Feb (crisis), P2 11 Feb, P8 4 Mar, P3 10 Mar,
    # P4 25 Mar: six. Crisis: P7 (within 24 h of its registration) and P8 (urgency crisis,
    # submitted 1 Mar 10:00, started 4 Mar): 1 of 2.
    assert _figure(rows["crisis_within_24h"]) == (50, 1, 2)
    # Regular: P1 (50 days), P2 (27), P3 (37), P4 (9): within 28 days P2 and P4.
    assert _figure(rows["regular_within_4w"]) == (50, 2, 4)
    # After an offer: P1 (B declined first), P2 (B expired first), P8 (first offer), P3
    # (first offer fell through after acceptance), P4 (first offer): 2 of 5.
    assert _figure(rows["first_provider"]) == (40, 2, 5)
    # Ended in Q1: P5 (10 Feb, 01, 113 days: 11 + 30 + 31 + 31 + 10), P2 (15 Mar, 04, 32
    # days: 17 + 15), P7 (20 Mar, 03, 45 days, to lighter care).
    assert _figure(rows["dropout"]) == (66.7, 2, 3)  # 03 and 04
    # P5 is followed by R9 (same youth, 38 days later); P2 only by its transfer request R4.
    assert _figure(rows["repeat_request"]) == (33.3, 1, 3)
    assert _figure(rows["stay_mean"]) == (63.3, None, 3)  # 190 / 3
    assert _figure(rows["stay_median"]) == (45, None, 3)
    assert _figure(rows["outflow_lighter"]) == (33.3, 1, 3)  # P7; P5 and P2 went to "unknown"
    # P4 follows the transfer from P2 (provider B) and is at F1 (provider A); P1's change in
    # place is not counted.
    assert _figure(rows["provider_change"]) == (1, 1, 1)
    assert _figure(rows["crisis_share"]) == (16.7, 1, 6)  # P7
    assert _figure(rows["outside_home_region"]) == (33.3, 2, 6)  # P2 and P7 at F2 in Assen
    # Youth with a placement running in Q1: R5's, R1's, R2's (P2 and P4), R7's, R8's, R3's.
    assert _figure(rows["youth_with_stay"]) == (6, 6, None)
    assert all(r["definition"] for r in rows.values())


def _with_norm(scope, days=28):
    scope.threshold_days = days
    return scope


def test_the_quarter_table_and_the_period_agree_and_split_by_quarter(field):
    scope = Scope(region_ids=[field["twente"].pk], start=dt.date(2025, 2, 15), end=dt.date(2025, 4, 30), suppress=False)
    tables = indicators.build(_with_norm(scope))
    by_quarter = {(r["code"], r["quarter"]): r for r in table(tables, "indicators_by_quarter").rows}
    assert {q for _c, q in by_quarter} == {"2025-K1", "2025-K2"}
    # 15 Feb - 31 Mar: started P8, P3, P4 (regular within 28 days: P4 of P3, P4; P8 is crisis).
    assert _figure(by_quarter[("regular_within_4w", "2025-K1")]) == (50, 1, 2)
    assert by_quarter[("regular_within_4w", "2025-K1")]["first"] == "2025-02-15"
    # 1 April - 30 April: nothing started; on 30 April R9 (41 days) and R10 (75) wait.
    assert _figure(by_quarter[("regular_within_4w", "2025-K2")]) == (None, 0, 0)
    assert _figure(by_quarter[("waiting_over_norm", "2025-K2")]) == (100, 2, 2)
    # The whole period's waiting list is taken on its last day, like Q2's.
    assert _figure(_rows(tables)["waiting_over_norm"]) == (100, 2, 2)


def test_the_waiting_norm_is_the_threshold_given_and_28_days_otherwise(field, make_member):
    coordinator = membership_with_role(make_member(Role.COORDINATOR, regions=[field["twente"]]), Role.COORDINATOR)
    default = _rows(build_report("indicators", membership=coordinator, params=Q1))
    assert _figure(default["waiting_over_norm"]) == (50, 1, 2)
    # A norm of 10 days: R9 (11) and R10 (45) both wait longer; 50 days: neither.
    ten = _rows(build_report("indicators", membership=coordinator, params={**Q1, "threshold": "10"}))
    assert _figure(ten["waiting_over_norm"]) == (100, 2, 2) and ten["waiting_over_norm"]["norm"] == "10 dagen"
    fifty = _rows(build_report("indicators", membership=coordinator, params={**Q1, "threshold": "50"}))
    assert _figure(fifty["waiting_over_norm"]) == (0, 0, 2)


def test_referral_flows_per_cbs_referrer_code_and_quarter(field):
    tables = indicators.build(q1_scope(field["twente"]))
    flows = {r["code"]: r for r in table(tables, "referral_flows").rows}
    # Referred in Q1 (Twente): R2, R3, R6, R7, R10, R4, R9 by the scenario's organisation
    # (code 01), R8 by the organisation with code 04. R1 and R5 were referred in 2024.
    assert (flows["01"]["2025-K1"], flows["01"]["all"]) == (7, 7)
    assert flows["04"]["all"] == 1 and flows["02"]["all"] == 0
    total = flows[""]
    assert total["_total"] and total["all"] == 8


def test_youth_with_a_stay_by_care_form(field):
    tables = indicators.build(q1_scope(field["twente"]))
    care = {r["code"]: r["youth"] for r in table(tables, "youth_by_care_type").rows}
    # kwv-open: F1 (R5's, R1's, R3's youth, R2's youth in P4) and F3 (R8's): 5 youth;
    # behandelgroep: F2 (R2's youth in P2, R7's): 2. R2's youth counts in both.
    assert care == {"kwv-open": 5, "behandelgroep": 2}


def test_nationally_every_region_counts(field):
    scope = q1_scope(field["twente"])
    scope.region_ids = [field["twente"].pk, field["drenthe"].pk]
    rows = _rows(indicators.build(scope))
    # R11's placement in Drenthe (at F2, Assen: inside the home region) joins the six.
    assert _figure(rows["crisis_share"]) == (14.3, 1, 7)
    assert _figure(rows["outside_home_region"]) == (28.6, 2, 7)


def test_drill_down_lists_the_requests_behind_each_part(field):
    scope = _with_norm(q1_scope(field["twente"]))

    def ids(**query):
        return indicators.drill(scope, query)

    assert ids(indicator="crisis_within_24h", part="numerator") == [field["r7"].pk]
    assert ids(indicator="crisis_within_24h") == sorted([field["r7"].pk, field["r8"].pk])
    assert ids(indicator="repeat_request", part="numerator") == [field["r5"].pk]
    assert ids(indicator="provider_change", part="numerator") == [field["r4"].pk]
    assert ids(indicator="waiting_over_norm", part="numerator") == [field["r10"].pk]
    assert ids(indicator="waiting_over_norm", part="numerator", period="2025-K1") == [field["r10"].pk]
    assert ids(indicator="nonsense") == [] and ids(indicator="dropout", period="1999-K1") == []


def test_drill_down_page_for_a_coordinator(field, client, coordinator):
    client.force_login(coordinator)
    figures = client.get(reverse("reporting:coordinator-report", args=["indicators"]), Q1).content.decode()
    assert "indicator=crisis_within_24h&amp;period=all&amp;part=numerator" in figures
    response = client.get(
        reverse("reporting:drill-down", args=["indicators"]),
        {**Q1, "indicator": "crisis_within_24h", "part": "numerator"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert field["r7"].reference in html and field["r8"].reference not in html and "Geheim" not in html


def test_indicators_are_a_registered_drillable_report():
    from reporting.reports import DRILLABLE

    assert REPORT_MODULES["indicators"] is indicators and "indicators" in DRILLABLE
    assert str(indicators.TITLE) == "Indicatoren"
    assert len({i.code for i in indicators.INDICATORS}) == len(indicators.INDICATORS)


def test_exported_as_csv_and_xlsx_with_the_same_figures(field, coordinator):
    membership = membership_with_role(coordinator, Role.COORDINATOR)
    files = {}
    for fmt in ("csv", "xlsx"):
        job = export_request(membership=membership, report="indicators", params=dict(Q1), fmt=fmt, by=coordinator)
        assert export_run(job.pk) is True
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE
        files[fmt] = export_directory() / job.file_name
    with open(files["csv"], encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    crisis = next(r for r in rows if r and r[0] == "Crisis binnen 24 uur geplaatst")
    assert crisis[1:5] == ["50", "1", "2", "24 uur"]
    assert ["Verwijsstromen per soort verwijzer"] in rows
    workbook = load_workbook(files["xlsx"])
    # Sheet names are cut at Excel's 31 characters.
    assert {"Indicatoren", "Indicatoren per kwartaal", "Verwijsstromen per soort verwij"} <= set(workbook.sheetnames)
    sheet = [[c.value for c in row] for row in workbook["Indicatoren"].iter_rows()]
    assert sheet[0][:5] == ["Indicator", "Waarde", "Teller", "Noemer", "Norm"]
    assert next(r for r in sheet if r[0] == "Uitval")[1:4] == [66.7, 2, 3]


def test_bad_input_is_named_and_other_regions_are_404(api, client, field, contract_manager, coordinator, referrer):
    url = "/api/v1/reports/indicators"
    assert api.as_user(coordinator).get(url, Q1).status_code == 200
    assert api.as_user(referrer).get(url, Q1).status_code == 403
    manager = api.as_user(contract_manager)
    assert manager.get(url, Q1).status_code == 200
    for params, name in (
        ({"from": "2025-04-01", "to": "2025-01-01"}, "to"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
        ({**Q1, "threshold": "0"}, "threshold"),
        ({**Q1, "threshold": "veel"}, "threshold"),
        ({"region": "XX99"}, "region"),
    ):
        response = manager.get(url, params)
        assert response.status_code == 400, params  # a bad query parameter on a read (issue 14)
        assert name in {p["name"] for p in response.json()["invalid_params"]}  # every bad field at once
    assert manager.get(url, {**Q1, "region": "JZ04"}).status_code == 404  # Drenthe is not theirs
    # The drill-down is for coordinators only.
    client.force_login(contract_manager)
    assert client.get(reverse("reporting:drill-down", args=["indicators"]), Q1).status_code == 403


def test_administrators_see_the_nation_or_one_region(field, make_member):
    admin = membership_with_role(make_member(Role.ADMIN), Role.ADMIN)
    national = _rows(build_report("indicators", membership=admin, params=Q1))
    # Administrators see suppressed figures (reporting.registry): the one crisis placement is
    # "<5", and the share computed from it is hidden with it.
    assert _figure(national["crisis_share"]) == (HIDDEN, SUPPRESSED, 7)  # Twente's six and Drenthe's R11
    drenthe = _rows(build_report("indicators", membership=admin, params={**Q1, "region": "JZ04"}))
    assert _figure(drenthe["crisis_share"]) == (HIDDEN, 0, SUPPRESSED)  # 0 of 1: the share of fewer than 5


def test_the_indicator_chart_draws_each_share_quarter_by_quarter(field):
    from reporting.charts import charts_for

    tables = indicators.build(_with_norm(q1_scope(field["twente"])))
    (line,) = charts_for("indicators", tables)
    assert line["type"] == "line" and line["unit"] == "%" and line["empty"] is None
    assert line["labels"] == ["2025-K1"]  # Q1 only: one quarter
    data = {d["label"]: d["data"] for d in line["datasets"]}
    # The same figures as the indicator table (hand-worked above): dropout 2 of 3, crisis 1 of 2.
    assert data["Uitval"] == [66.7] and data["Crisis binnen 24 uur geplaatst"] == [50]
    assert "Verblijfsduur, gemiddeld (dagen)" not in data  # days, not a percentage: not on this chart
