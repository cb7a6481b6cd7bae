"""The overview and the page per report: roles, scope, previous-period comparison, filters."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from reporting.headlines import difference, headline_rows, previous_period
from reporting.reports import REPORT_MODULES
from reporting.tables import Column, Table
from tests.reporting.conftest import Q1

pytestmark = pytest.mark.django_db
CM_REPORT = "reporting:contract-manager-report"
CO_REPORT = "reporting:coordinator-report"


@pytest.mark.parametrize("code", list(REPORT_MODULES))
def test_every_report_has_a_page_for_both_roles(client, scenario, contract_manager, coordinator, referrer, code):
    client.force_login(contract_manager)
    page = client.get(reverse(CM_REPORT, args=[code]), Q1)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="report-charts"' in html and 'aria-label="Op deze pagina"' in html
    assert ('data-chart="' in html) or ("data-chart-empty=" in html)
    assert "Geheim" not in html and "/requests?" not in html
    assert client.get(reverse(CM_REPORT, args=[code]), {**Q1, "region": "JZ04"}).status_code == 404  # Drenthe
    assert client.get(reverse(CO_REPORT, args=[code]), Q1).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse(CO_REPORT, args=[code]), Q1).status_code == 200
    assert client.get(reverse(CO_REPORT, args=[code]), {**Q1, "region": "JZ04"}).status_code == 404
    assert client.get(reverse(CM_REPORT, args=[code]), Q1).status_code == 403
    client.force_login(referrer)
    assert client.get(reverse(CM_REPORT, args=[code]), Q1).status_code == 403
    assert client.get(reverse(CO_REPORT, args=[code]), Q1).status_code == 403


def test_unknown_report_is_404(client, scenario, contract_manager):
    client.force_login(contract_manager)
    assert client.get(reverse(CM_REPORT, args=["no-such-report"])).status_code == 404


def test_jump_menu_links_every_report_and_every_section(client, scenario, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse(CO_REPORT, args=["unmet-need"]), Q1).content.decode()
    for code in REPORT_MODULES:
        assert reverse(CO_REPORT, args=[code]) + "?from=2025-01-01&amp;to=2025-03-31" in html
    for anchor in ("#headlines", "#figure-unmet_by_care_type", "#table-waiting_by_age_band", "#export"):
        assert f'href="{anchor}"' in html and f'id="{anchor[1:]}"' in html
    assert 'aria-current="page">Onvervulde vraag' in html
    # Coordinators keep their drill-down to the requests behind a figure.
    assert "figure=waiting&amp;dim=age_band&amp;value=16-17" in html


def test_a_table_description_is_shown(client, scenario, contract_manager, monkeypatch):
    from reporting.reports import refusals

    original = refusals.build

    def described(scope):
        tables = original(scope)
        tables[1].description = "Geteld: plaatsingen gestart in de periode."
        return tables

    monkeypatch.setattr(refusals, "build", described)
    client.force_login(contract_manager)
    html = client.get(reverse(CM_REPORT, args=["refusals"]), Q1).content.decode()
    assert 'aria-describedby="desc-offers_per_placement"' in html
    assert "Geteld: plaatsingen gestart in de periode." in html


def test_overview_shows_headlines_of_every_report_with_the_previous_period(client, scenario, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("reporting:coordinator-figures"), Q1)
    html = page.content.decode()
    assert page.status_code == 200
    for code in REPORT_MODULES:
        assert reverse(CO_REPORT, args=[code]) in html
    # Q1 2025 is 90 days: the previous period is the 90 days before it.
    assert "Vergeleken met 03-10-2024 tot en met 31-12-2024." in html
    cards = page.context["cards"]
    refusals = next(c for c in cards if c["code"] == "refusals")
    offers = next(r for r in refusals["headlines"] if r["figure"] == "Aanmeldingen gedaan")
    # Q1: 4 offers; Q4 2024: R5's offer of 10 October.
    assert (offers["value"], offers["previous"], offers["difference"]) == (4, 1, 3)
    assert "+3" in html


def test_contract_manager_comparison_keeps_suppression(client, scenario, contract_manager):
    client.force_login(contract_manager)
    page = client.get(reverse(CM_REPORT, args=["refusals"]), Q1)
    rows = {r["figure"]: r for r in page.context["headlines"]}
    offers = rows["Aanmeldingen gedaan"]
    # Q1's four offers are hidden to protect a small count beside them ("x"), Q4's one is small.
    assert (offers["value"], offers["previous"], offers["difference"]) == ("x", "<5", None)


def test_previous_period_and_differences():
    assert previous_period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == (dt.date(2024, 10, 3), dt.date(2024, 12, 31))
    assert previous_period(dt.date(2025, 3, 1), dt.date(2025, 3, 1)) == (dt.date(2025, 2, 28), dt.date(2025, 2, 28))
    assert previous_period(dt.date(1, 1, 1), dt.date(1, 12, 31)) is None
    assert difference(12, 5) == 7 and difference(38.5, 40) == -1.5
    assert difference("<5", 3) is None and difference(3, None) is None
    summary = Table("summary", "s", [Column("figure", "Cijfer"), Column("value", "Waarde", True)])
    summary.rows = [{"figure": "Wachtend op 31-03-2025", "value": 8}, {"figure": "Mediaan", "value": 12.5}]
    before = Table(
        "summary",
        "s",
        summary.columns,
        [{"figure": "Wachtend op 31-12-2024", "value": "<5"}, {"figure": "Mediaan", "value": 10}],
    )
    rows = headline_rows([summary], [before])
    assert [(r["value"], r["previous"], r["difference"]) for r in rows] == [(8, "<5", None), (12.5, 10, 2.5)]


def test_bad_filter_values_show_a_message_next_to_each_field(client, scenario, contract_manager):
    client.force_login(contract_manager)
    for url in (reverse("reporting:contract-manager-home"), reverse(CM_REPORT, args=["waiting-times"])):
        page = client.get(url, {"from": "gisteren", "threshold": "veel", "region": "XX99"})
        html = page.content.decode()
        assert page.status_code == 200
        assert 'id="id_from-error">Geef een datum als JJJJ-MM-DD.' in html
        assert 'id="id_threshold-error">Geef een aantal dagen van 1 tot en met 3650.' in html
        assert 'id="id_region-error">Onbekende regio: XX99' in html
        assert 'aria-describedby="id_from-error"' in html and 'aria-invalid="true"' in html
        assert 'id="report-charts"' not in html  # nothing is built from a bad filter
        reversed_period = client.get(url, {"from": "2025-04-01", "to": "2025-01-01"}).content.decode()
        assert 'id="id_to-error">De einddatum ligt voor de begindatum.' in reversed_period
        assert 'id="id_threshold"' in reversed_period


def test_the_waiting_norm_field_changes_the_figures(client, scenario, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse(CO_REPORT, args=["unmet-need"]), {**Q1, "threshold": "30"})
    figures = [r["figure"] for r in page.context["headlines"]]
    assert "Langer dan 30 dagen wachtend" in figures
    assert 'name="threshold" value="30"' in page.content.decode()
    default = client.get(reverse(CO_REPORT, args=["unmet-need"]), Q1)
    assert "Langer dan 28 dagen wachtend" in [r["figure"] for r in default.context["headlines"]]  # H10 norm


def test_export_buttons_carry_the_filters(client, scenario, contract_manager):
    client.force_login(contract_manager)
    html = client.get(reverse(CM_REPORT, args=["occupancy"]), Q1).content.decode()
    assert '<input type="hidden" name="report" value="occupancy">' in html
    assert '<input type="hidden" name="from" value="2025-01-01">' in html
    assert 'name="format" value="xlsx"' in html and Role.CONTRACT_MANAGER


def test_occupancy_headlines_are_its_rates_per_care_type(client, scenario, contract_manager):
    """The capacity report has no summary table: its headline figures are the occupancy
    rate per care type, this period beside the previous one (matched by care type)."""
    from accounts.selectors import membership_with_role
    from reporting.registry import build_report
    from tests.reporting.conftest import table

    client.force_login(contract_manager)
    page = client.get(reverse(CM_REPORT, args=["occupancy"]), Q1)
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    by_type = table(build_report("occupancy", membership=membership, params=Q1), "by_care_type").rows
    q4 = table(
        build_report("occupancy", membership=membership, params={"from": "2024-10-03", "to": "2024-12-31"}),
        "by_care_type",
    ).rows
    rows = page.context["headlines"]
    assert [(r["figure"], r["value"]) for r in rows] == [
        (f"Bezettingsgraad %: {r['care_type']}", r["rate"]) for r in by_type
    ]
    assert rows[0]["previous"] == q4[0]["rate"] and isinstance(rows[0]["previous"], (int, float))
    assert rows[0]["difference"] == round(rows[0]["value"] - rows[0]["previous"], 2)
