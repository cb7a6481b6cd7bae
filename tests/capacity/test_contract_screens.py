"""Screens and API of contracts and planned capacity changes (issue 12 point 2): the
create/edit form (every error at once, "(verplicht)"), the contract page with history and
occupancy, the list filters, afbouw/opbouw planned, changed (with history) and cancelled
by contract managers; 404 for another region, 403 for other roles; problem+json."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality, Role
from capacity.models import Contract, PlannedCapacityChange
from tests.capacity.factories import FacilityFactory, provider_org
from tests.reporting.factories import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def horst(twente):
    return provider_org(name="Horst")


@pytest.fixture
def kwartel(horst, twente):
    return FacilityFactory(provider=horst, name="Groep Kwartel", places_contracted=4, places_staffed=4)


@pytest.fixture
def assen(drenthe, horst):
    return FacilityFactory(provider=horst, name="Groep Assen", municipality=Municipality.objects.get(code="GM0106"))


@pytest.fixture
def contract(horst, twente, kwartel):
    return Contract.objects.create(
        provider=horst,
        region=twente,
        facility=kwartel,
        reference="K-1",
        start_date=dt.date(2024, 1, 1),
        funding_form="inspanningsgericht",
        places_contracted=4,
        day_tariff=Decimal("250.00"),
    )


@pytest.fixture
def drenthe_contract(horst, drenthe):
    return Contract.objects.create(
        provider=horst,
        region=drenthe,
        start_date=dt.date(2024, 1, 1),
        funding_form="outputgericht",
        places_contracted=2,
        day_tariff=Decimal("100"),
    )


def form_data(horst, twente, **extra):
    return {
        "provider": horst.pk,
        "region": twente.pk,
        "start_date": "2025-01-01",
        "end_date": "",
        "funding_form": "inspanningsgericht",
        "places_contracted": "4",
        "day_tariff": "245.50",
        "tariff_M": "300",
        **extra,
    }


def test_create_form_marks_required_fields(client, contract_manager):
    client.force_login(contract_manager)
    html = client.get(reverse("capacity:contract-create")).content.decode()
    for label in ("Zorgaanbieder", "Regio", "Ingangsdatum", "Financieringsvorm", "Gecontracteerde plaatsen"):
        assert f'{label} <span class="required-mark">(verplicht)</span>' in html, label
    assert 'Einddatum <span class="required-mark">' not in html


def test_create_shows_every_error_at_once_and_writes_nothing(client, contract_manager, horst, twente):
    client.force_login(contract_manager)
    response = client.post(
        reverse("capacity:contract-create"),
        {
            "provider": "",
            "region": twente.pk,
            "start_date": "2025-05-01",
            "end_date": "2025-01-01",
            "funding_form": "taakgericht",
            "places_contracted": "veel",
            "guaranteed_places": "2",
            "tariff_M": "-5",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert sorted(form.errors) == sorted(
        ["provider", "end_date", "places_contracted", "budget", "guaranteed_places", "tariff_M"]
    )
    assert "Kies de zorgaanbieder." in form.errors["provider"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Contract.objects.exists()


def test_create_then_edit_keeps_history_on_the_contract_page(client, contract_manager, horst, twente, kwartel):
    client.force_login(contract_manager)
    response = client.post(reverse("capacity:contract-create"), form_data(horst, twente, facility=kwartel.pk))
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "capacity:contract-detail", args=[contract.pk]
    )
    response = client.post(
        reverse("capacity:contract-edit", args=[contract.pk]),
        form_data(horst, twente, facility=kwartel.pk, places_contracted="6", tariff_M="310"),
    )
    assert response.status_code == 302
    page = client.get(reverse("capacity:contract-detail", args=[contract.pk]))
    html = page.content.decode()
    assert [h.version for h in page.context["history"]] == [2, 1]
    assert "places_contracted: 4 → 6" in html
    assert "tariffs: M: 300.00 → M: 310.00" in html
    assert page.context["occupancy"] is not None


def test_contract_page_shows_occupancy_against_the_norm(client, contract_manager, contract, kwartel):
    from capacity.models import ContractChange

    ContractChange.objects.create(contract=contract, version=1, changes={"notes": [None, "x"]})  # by nobody (demo)
    now = timezone.now()
    history(kwartel, timezone.localdate(now) - dt.timedelta(days=200), contracted=4, staffed=4, occupied=2)
    client.force_login(contract_manager)
    page = client.get(reverse("capacity:contract-detail", args=[contract.pk]))
    occupancy = page.context["occupancy"]
    # 2 of 4 places occupied throughout the last 90 days: 50%.
    assert occupancy["rate"] == 50 and occupancy["below_norm"]
    assert "Onder de norm." in page.content.decode()


def test_list_filters(client, contract_manager, contract, horst, twente):
    other = Contract.objects.create(
        provider=provider_org(name="Zon"),
        region=twente,
        start_date=dt.date(2030, 1, 1),
        funding_form="outputgericht",
        places_contracted=1,
        day_tariff=Decimal("10"),
    )
    client.force_login(contract_manager)
    url = reverse("capacity:contract-list")
    assert list(client.get(url).context["contracts"]) == [contract, other]
    assert list(client.get(url, {"funding_form": "outputgericht"}).context["contracts"]) == [other]
    assert list(client.get(url, {"provider": horst.pk}).context["contracts"]) == [contract]
    assert list(client.get(url, {"active_on": "2025-06-01"}).context["contracts"]) == [contract]
    bad = client.get(url, {"active_on": "2025-02-30", "funding_form": "per_uur"})
    assert bad.status_code == 422 and sorted(bad.context["form"].errors) == ["active_on", "funding_form"]


def test_another_regions_contract_is_404_and_other_roles_403(
    client, contract_manager, coordinator, make_member, drenthe_contract, contract
):
    client.force_login(contract_manager)
    for name in ("capacity:contract-detail", "capacity:contract-edit"):
        assert client.get(reverse(name, args=[drenthe_contract.pk])).status_code == 404
    assert client.get(reverse("capacity:contract-detail", args=[99999])).status_code == 404
    client.force_login(make_member(Role.PROVIDER))
    assert client.get(reverse("capacity:contract-list")).status_code == 403
    assert client.get(reverse("capacity:contract-detail", args=[contract.pk])).status_code == 403
    # Coordinators read their regions' contracts, but do not change them.
    client.force_login(coordinator)
    assert client.get(reverse("capacity:contract-detail", args=[contract.pk])).status_code == 200
    assert client.get(reverse("capacity:contract-edit", args=[contract.pk])).status_code == 403
    assert client.get(reverse("capacity:contract-create")).status_code == 403
    assert client.get(reverse("capacity:change-list")).status_code == 403


def test_contract_manager_home_and_navigation_link_to_contracts(client, contract_manager):
    client.force_login(contract_manager)
    html = client.get(reverse("reporting:contract-manager-home")).content.decode()
    assert reverse("capacity:contract-list") in html and reverse("capacity:change-list") in html


# --- Planned capacity changes -------------------------------------------------------------------


def test_plan_change_and_cancel_a_capacity_change(client, contract_manager, kwartel):
    client.force_login(contract_manager)
    day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("capacity:change-list"),
        {"facility": kwartel.pk, "effective_date": day.isoformat(), "places_contracted": "2", "note": "Afbouw"},
    )
    assert response.status_code == 302
    change = PlannedCapacityChange.objects.get()
    assert (change.places_contracted, change.effective_date, change.created_by) == (2, day, contract_manager)
    later = day + dt.timedelta(days=10)
    response = client.post(
        reverse("capacity:change-detail", args=[change.pk]),
        {"effective_date": later.isoformat(), "places_contracted": "3", "note": "Minder afbouw"},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.places_contracted, change.effective_date) == (3, later)
    page = client.get(reverse("capacity:change-detail", args=[change.pk]))
    types = [e.event_type for e in page.context["history"]]
    assert types == ["capacity_change.changed", "capacity_change.planned"]
    changed = page.context["history"][0].details
    assert changed["before"]["places_contracted"] == 2 and changed["after"]["places_contracted"] == 3
    assert client.post(reverse("capacity:change-cancel", args=[change.pk])).status_code == 302
    change.refresh_from_db()
    assert change.status == PlannedCapacityChange.Status.CANCELLED
    # A cancelled change cannot be changed any more: the message is next to the form, nothing changes.
    response = client.post(
        reverse("capacity:change-detail", args=[change.pk]),
        {"effective_date": later.isoformat(), "places_contracted": "1"},
    )
    assert response.status_code == 422
    change.refresh_from_db()
    assert change.places_contracted == 3


def test_change_form_shows_all_errors_at_once(client, contract_manager, kwartel):
    client.force_login(contract_manager)
    response = client.post(
        reverse("capacity:change-list"),
        {"facility": "", "effective_date": "gisteren", "places_contracted": "-1"},
    )
    assert response.status_code == 422
    assert sorted(response.context["form"].errors) == ["effective_date", "facility", "places_contracted"]
    past = client.post(
        reverse("capacity:change-list"),
        {"facility": kwartel.pk, "effective_date": "2020-01-01", "places_contracted": "2"},
    )
    assert past.status_code == 422 and "effective_date" in past.context["form"].errors
    assert not PlannedCapacityChange.objects.exists()


def test_another_regions_facility_and_change_are_404(client, contract_manager, assen):
    change = PlannedCapacityChange.objects.create(
        facility=assen, effective_date=timezone.localdate() + dt.timedelta(days=5), places_contracted=1
    )
    client.force_login(contract_manager)
    assert client.get(reverse("capacity:change-detail", args=[change.pk])).status_code == 404
    assert client.post(reverse("capacity:change-cancel", args=[change.pk])).status_code == 404
    response = client.post(
        reverse("capacity:change-list"),
        {
            "facility": assen.pk,
            "effective_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "places_contracted": "1",
        },
    )
    assert response.status_code == 422 and "facility" in response.context["form"].errors
    assert PlannedCapacityChange.objects.count() == 1


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_and_shows_contracts_of_the_region(api, contract_manager, contract, drenthe_contract):
    api.as_user(contract_manager)
    body = api.get("/api/v1/contracts").json()
    assert [c["id"] for c in body["results"]] == [contract.pk]
    assert body["results"][0]["region"] == "JZ14" and body["results"][0]["day_tariff"] == "250.00"
    assert api.get(f"/api/v1/contracts/{contract.pk}").json()["reference"] == "K-1"
    missing = api.get(f"/api/v1/contracts/{drenthe_contract.pk}")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert api.get("/api/v1/contracts/abc").status_code == 404
    assert api.get("/api/v1/contracts", {"funding_form": "outputgericht"}).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"active_on": "2025-13-01"}, "active_on"),
        ({"active_on": "0001-01-01"}, "active_on"),
        ({"funding_form": "per_uur"}, "funding_form"),
        ({"provider": "x"}, "provider"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_api_bad_filter_is_problem_json_naming_it(api, contract_manager, query, field):
    response = api.as_user(contract_manager).get("/api/v1/contracts", query)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"  # a read (issue 14)
    assert [p["name"] for p in response.json()["invalid_params"]] == [field]


def test_api_other_roles_are_403(api, make_member, contract):
    response = api.as_user(make_member(Role.PROVIDER)).get("/api/v1/contracts")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
