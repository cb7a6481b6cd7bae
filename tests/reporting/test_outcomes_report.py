"""Issue 16 (fit-outcome): the outcomes report per provider and care type, Twente's
transfer figure per region and year, suppression, roles and regions, the method page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from placement.outcomes import wilson
from reporting.registry import build_report
from reporting.services import export_request, export_run
from tests.placement.factories import fitting_facility
from tests.placement.outcome_data import Outcomes
from tests.reporting.conftest import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcome_data(twente, drenthe):
    """Provider A's facility: 12 placements that held 180 days and 3 that ended early;
    provider B's: 6 that were followed by a transfer within 90 days and 2 still young
    (censored). Drenthe: 5 placements that held. All started in the last 400 days."""
    o = Outcomes()
    a, b = fitting_facility(), fitting_facility()
    o.many(a, 12, started_days_ago=300)
    o.many(a, 3, started_days_ago=300, ended_after=20, reason="03")
    o.many(b, 6, started_days_ago=250, transfer_after=40, reason="02")
    o.many(b, 2, started_days_ago=20)
    o.many(a, 5, started_days_ago=300, region="JZ04")
    return {"o": o, "a": a, "b": b}


def _params(o):
    return {"from": (o.today - dt.timedelta(days=400)).isoformat(), "to": o.today.isoformat()}


def _rows(tables, key, label_key="provider"):
    return {str(r[label_key]): r for r in table(tables, key).rows}


def test_coordinator_sees_exact_outcomes_per_provider_and_care_type(outcome_data, coordinator):
    o, a, b = outcome_data["o"], outcome_data["a"], outcome_data["b"]
    tables = build_report("outcomes", membership=membership_with_role(coordinator, Role.COORDINATOR), params=_params(o))
    summary = {str(r["figure"]): r["value"] for r in table(tables, "summary").rows}
    assert summary["Plaatsingen gestart"] == 23  # Twente only: Drenthe's 5 are not in this scope
    assert summary["Geteld voor 180 dagen (niet te jong en nog lopend)"] == 21  # 2 censored
    assert summary["Hielden 180 dagen stand"] == 12
    rows = _rows(tables, "by_provider")
    row_a, row_b = rows[a.provider.name], rows[b.provider.name]
    assert (row_a["n180"], row_a["held180"], row_a["n90"], row_a["held90"]) == (15, 12, 15, 12)
    assert (row_b["placements"], row_b["n180"], row_b["held180"], row_b["n90"]) == (8, 6, 0, 6)
    low, high = wilson(12, 15)
    assert (row_a["low180"], row_a["high180"]) == (round(100 * low, 1), round(100 * high, 1))
    assert row_a["share180"] == 80
    trauma = _rows(tables, "by_specialisation", "specialisation")["trauma"]
    assert (trauma["n180"], trauma["held180"]) == (21, 12)


def test_twentes_transfer_figure_is_live_per_region_and_year(outcome_data, coordinator, make_member, twente, drenthe):
    o = outcome_data["o"]
    admin = make_member(Role.ADMIN)
    tables = build_report("outcomes", membership=membership_with_role(admin, Role.ADMIN), params=_params(o))
    by_year = table(tables, "transfers_by_year").rows
    years = {(r["region"], r["year"]) for r in by_year}
    twente_rows = [r for r in by_year if r["region"] == twente.name]
    assert sum(r["placements"] for r in twente_rows) == 23 or "<5" in str(twente_rows)
    assert {r for r, _y in years} == {twente.name, drenthe.name}
    coordinator_tables = build_report(
        "outcomes", membership=membership_with_role(coordinator, Role.COORDINATOR), params=_params(o)
    )
    exact = [r for r in table(coordinator_tables, "transfers_by_year").rows]
    assert sum(r["placements"] for r in exact) == 23 and sum(r["transferred"] for r in exact) == 6
    for r in exact:
        assert r["rate"] == (round(100 * r["transferred"] / r["placements"], 1) if r["placements"] else None)


def test_contract_manager_sees_small_counts_suppressed(outcome_data, contract_manager):
    o, b = outcome_data["o"], outcome_data["b"]
    tables = build_report(
        "outcomes", membership=membership_with_role(contract_manager, Role.CONTRACT_MANAGER), params=_params(o)
    )
    row_a = _rows(tables, "by_provider")[outcome_data["a"].provider.name]
    assert row_a["n180"] == 15 and row_a["held180"] == 12  # 5 or more: shown
    row_b = _rows(tables, "by_provider")[b.provider.name]
    assert row_b["placements"] == 8 and row_b["n180"] == 6 and row_b["held180"] == 0  # zero reveals nobody
    assert row_b["n90"] == 6
    # Fewer than five: hidden; and a measure over fewer than five is hidden with it.
    o.many(b, 2, started_days_ago=300, specialisations=("lvb",))
    tables = build_report(
        "outcomes", membership=membership_with_role(contract_manager, Role.CONTRACT_MANAGER), params=_params(o)
    )
    lvb = _rows(tables, "by_specialisation", "specialisation")["lvb"]
    assert lvb["n180"] == "<5" and lvb["share180"] == "x" and lvb["low180"] == "x"


def test_roles_and_regions(
    api, outcome_data, contract_manager, coordinator, referrer, provider_user, make_member, drenthe
):
    params = _params(outcome_data["o"])
    url = "/api/v1/reports/outcomes"
    assert api.as_user(contract_manager).get(url, params).status_code == 200
    assert api.as_user(coordinator).get(url, params).status_code == 200
    assert api.as_user(referrer).get(url, params).status_code == 403
    assert api.as_user(provider_user).get(url, params).status_code == 403
    assert api.as_user(contract_manager).get(url, {**params, "region": "JZ04"}).status_code == 404  # not theirs
    response = api.as_user(contract_manager).get(url, {**params, "from": "gisteren"})
    assert response.status_code == 400 and response.json()["invalid_params"][0]["name"] == "from"
    drenthe_cm = make_member(Role.CONTRACT_MANAGER, regions=[drenthe])
    body = api.as_user(drenthe_cm).get(url, params).json()
    assert outcome_data["b"].provider.name not in str(body)  # B placed only in Twente


def test_report_page_links_the_method_and_the_method_page(
    client, outcome_data, contract_manager, referrer, provider_user
):
    client.force_login(contract_manager)
    page = client.get(reverse("reporting:contract-manager-report", args=["outcomes"]), _params(outcome_data["o"]))
    html = page.content.decode()
    assert page.status_code == 200 and reverse("reporting:method-outcomes") in html
    assert "Uitkomst per aanbieder en zorgvorm" in html and "outcomes_transfers_by_year" in html
    method = client.get(reverse("reporting:method-outcomes"))
    text = method.content.decode()
    assert method.status_code == 200 and "Wilson" in text and "censurering" in text and "&lt;5" in text
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("reporting:method-outcomes")).content.decode()
    assert "Censoring" in english and "how far you can trust it" in english
    for outsider in (referrer, provider_user):
        client.force_login(outsider)
        assert client.get(reverse("reporting:method-outcomes")).status_code == 403
        assert client.get(reverse("reporting:contract-manager-report", args=["outcomes"])).status_code == 403


def test_matching_page_shows_the_outcome_and_links_the_method(client, referrer, coordinator):
    from tests.placement.factories import in_matching

    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    Outcomes().many(facility, 6, started_days_ago=300)
    client.force_login(coordinator)
    html = client.get(reverse("placement:matching", args=[placement_request.pk])).content.decode()
    assert 'data-criterion="outcome"' in html
    assert "van de 6 plaatsingen van jeugdigen met dit profiel hier hielden er 6 180 dagen stand" in html
    assert reverse("reporting:method-outcomes") in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export(outcome_data, contract_manager, private_media, fmt):
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    job = export_request(
        membership=membership, report="outcomes", params=_params(outcome_data["o"]), fmt=fmt, by=contract_manager
    )
    assert export_run(job.pk)
    job.refresh_from_db()
    assert (private_media / "exports" / job.file_name).stat().st_size > 0
    assert timezone.localdate() == outcome_data["o"].today
