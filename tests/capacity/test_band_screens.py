"""Issue 12 point 1: the region's bands screen and GET/PUT /api/v1/regions/{code}/bands:
a coordinator or contract manager of the region changes tariffs from a date, sees the
history, gets every error at once; another region is a 404, another role a 403."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from capacity.models import RegionBandTariff
from capacity.selectors import band_tariff

TODAY = timezone.localdate
PAGE = "/regions/{code}/bands/"
API = "/api/v1/regions/{code}/bands"


def _logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["coordinator", "contract_manager"])
def test_the_screen_shows_bands_and_saves_a_tariff_from_a_date(client, twente, who, request):
    user = request.getfixturevalue(who)
    client = _logged_in(client, user)
    page = client.get(PAGE.format(code="JZ14"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "R (8-8,5 uur per etmaal)" in html and "872,39" in html and 'for="id_tariff_R"' in html
    start = TODAY() + dt.timedelta(days=30)
    response = client.post(PAGE.format(code="JZ14"), {"valid_from": start.isoformat(), "tariff_R": "880,50"})
    assert response.status_code == 302
    assert band_tariff(region_id=twente.pk, code="R", day=start) == Decimal("880.50")
    html = client.get(PAGE.format(code="JZ14")).content.decode()
    assert "880,50" in html and "gepland" in html  # history shows the planned tariff


def test_the_screen_reports_every_error_next_to_its_field_and_writes_nothing(client, coordinator):
    client = _logged_in(client, coordinator)
    before = RegionBandTariff.objects.count()
    response = client.post(PAGE.format(code="JZ14"), {"valid_from": "9999-12-31", "tariff_K": "0", "tariff_L": "x"})
    assert response.status_code == 422
    html = response.content.decode()
    for field in ("id_valid_from", "id_tariff_K", "id_tariff_L"):
        assert f'id="{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert RegionBandTariff.objects.count() == before


def test_other_region_is_404_and_other_roles_403(client, coordinator, coordinator_drenthe, make_member, drenthe):
    assert _logged_in(client, coordinator).get(PAGE.format(code="JZ04")).status_code == 404
    assert (
        client.post(PAGE.format(code="JZ04"), {"valid_from": TODAY().isoformat(), "tariff_K": "1"}).status_code == 404
    )
    assert client.get(PAGE.format(code="XX99")).status_code == 404
    for role in (Role.REFERRER, Role.PROVIDER, Role.ADMIN, Role.BEHAVIOURAL_SCIENTIST):
        assert _logged_in(client, make_member(role)).get(PAGE.format(code="JZ14")).status_code == 403


def test_links_from_region_settings_and_contract_manager_home(client, coordinator, contract_manager):
    html = _logged_in(client, coordinator).get("/coordinator/regions/JZ14/settings/").content.decode()
    assert 'href="/regions/JZ14/bands/"' in html
    html = _logged_in(client, contract_manager).get("/contract-manager/").content.decode()
    assert 'href="/regions/JZ14/bands/"' in html


def test_api_get_and_put(api, twente, contract_manager):
    api.as_user(contract_manager)
    body = api.get(API.format(code="JZ14")).json()
    assert body["region"] == "JZ14" and len(body["bands"]) == 16
    k = body["bands"][0]
    assert (k["code"], k["hours_from"], k["hours_to"], k["tariff_eur_per_day"]) == ("K", "4.50", "5.00", "582.27")
    response = api.put(
        API.format(code="JZ14"),
        {"valid_from": TODAY().isoformat(), "tariffs": {"K": 600, "Z": "1250.00"}},
        format="json",
    )
    assert response.status_code == 200
    bands = {b["code"]: b for b in response.json()["bands"]}
    assert bands["K"]["tariff_eur_per_day"] == "600.00" and bands["Z"]["tariff_eur_per_day"] == "1250.00"
    assert [row["tariff_eur_per_day"] for row in bands["K"]["history"]] == ["600.00", "582.27"]


def test_api_bad_input_is_problem_json_naming_every_field(api, coordinator):
    api.as_user(coordinator)
    before = RegionBandTariff.objects.count()
    response = api.put(
        API.format(code="JZ14"), {"valid_from": "0001-01-01", "tariffs": {"K": -1, "Q": "abc", "A": 5}}, format="json"
    )
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert {p["name"] for p in response.json()["invalid_params"]} == {
        "valid_from",
        "tariffs.K",
        "tariffs.Q",
        "tariffs.A",
    }
    response = api.put(API.format(code="JZ14"), {"valid_from": TODAY().isoformat(), "extra": 1}, format="json")
    assert response.status_code == 422 and "extra" in {p["name"] for p in response.json()["invalid_params"]}
    assert RegionBandTariff.objects.count() == before


def test_api_other_region_404_other_role_403(api, coordinator, make_member, drenthe):
    api.as_user(coordinator)
    assert api.get(API.format(code="JZ04")).status_code == 404
    assert (
        api.put(API.format(code="JZ04"), {"valid_from": "2026-01-01", "tariffs": {"K": 1}}, format="json").status_code
        == 404
    )
    api.as_user(make_member(Role.PROVIDER))
    assert api.get(API.format(code="JZ14")).status_code == 403
