"""Capacity API: who sees which facility, the availability update with its bad inputs,
filters and pagination, and the administrator's endpoints."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Municipality, Role
from capacity.models import AvailabilityChange, Facility
from core.models import Event
from tests.capacity.factories import FacilityFactory, care_type, provider_org, specialisation


@pytest.fixture
def world(twente, drenthe, make_member):
    """Horst (Twente) and Esch (Drenthe) with facilities that are relevant to Twente or not."""
    horst, esch = provider_org(name="Horst"), provider_org(name="Esch")
    assen = Municipality.objects.get(code="GM0106")
    w = {
        "horst": horst,
        "esch": esch,
        "enschede": FacilityFactory(
            provider=horst, name="Enschede KWV", regions_served=[twente], specialisations=[specialisation("trauma")]
        ),
        "hengelo": FacilityFactory(
            provider=horst,
            name="Hengelo gesloten",
            security_level="closed",
            municipality=Municipality.objects.get(code="GM0164"),
            care_type=care_type("kwv-gesloten"),
            age_min=14,
            age_max=18,
            genders=["male"],
            places_staffed=3,
            occupied_external=3,
        ),
        "assen": FacilityFactory(
            provider=esch,
            name="Assen woongroep",
            municipality=assen,
            regions_served=[drenthe],
            care_type=care_type("woongroep"),
        ),
        "assen_serves_twente": FacilityFactory(
            provider=esch, name="Assen voor Twente", municipality=assen, regions_served=[twente]
        ),
        "national": FacilityFactory(
            provider=esch,
            name="Meppel JeugdzorgPlus",
            municipality=Municipality.objects.get(code="GM0119"),
            serves_nationally=True,
            care_type=care_type("jeugdzorgplus"),
            security_level="closed",
        ),
        "ended": FacilityFactory(
            provider=horst,
            name="Oude groep",
            active_from=timezone.localdate() - timedelta(days=400),
            active_until=timezone.localdate() - timedelta(days=1),
        ),
    }
    w["horst_staff"] = make_member(Role.PROVIDER, organisation=horst)
    w["esch_staff"] = make_member(Role.PROVIDER, organisation=esch)
    w["admin"] = make_member(Role.ADMIN)
    return w


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


@pytest.mark.django_db
def test_coordinator_sees_facilities_in_or_serving_their_region_and_national(
    api, world, coordinator, coordinator_drenthe
):
    assert _names(api.as_user(coordinator).get("/api/v1/facilities")) == [
        "Assen voor Twente",
        "Enschede KWV",
        "Hengelo gesloten",
        "Meppel JeugdzorgPlus",
    ]
    assert _names(api.as_user(coordinator_drenthe).get("/api/v1/facilities")) == [
        "Assen voor Twente",
        "Assen woongroep",
        "Meppel JeugdzorgPlus",
    ]


@pytest.mark.django_db
def test_provider_sees_its_own_facilities_including_ended_ones_and_admin_sees_all(api, world):
    assert _names(api.as_user(world["horst_staff"]).get("/api/v1/facilities")) == [
        "Enschede KWV",
        "Hengelo gesloten",
        "Oude groep",
    ]
    assert len(_names(api.as_user(world["admin"]).get("/api/v1/facilities"))) == 6


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERRER, Role.BEHAVIOURAL_SCIENTIST])
def test_roles_without_capacity_access_get_403(api, world, make_member, twente, role):
    user = make_member(role, regions=[twente])
    assert api.as_user(user).get("/api/v1/facilities").status_code == 403
    assert api.as_user(user).get(f"/api/v1/facilities/{world['enschede'].pk}").status_code == 403


@pytest.mark.django_db
def test_anonymous_gets_401(api, world):
    response = api.get("/api/v1/facilities")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_facility_detail_has_the_figures_and_freshness(api, world, coordinator):
    facility = world["hengelo"]
    data = api.as_user(coordinator).get(f"/api/v1/facilities/{facility.pk}").json()
    assert data["care_type"] == {
        "code": "kwv-gesloten",
        "label": "Kleinschalige woonvoorziening (gesloten)",
        "cbs_care_form": "13",
        "requires_authorisation": True,
    }
    assert data["municipality"]["name"] == "Hengelo (O.)" and data["region"]["code"] == "JZ14"
    assert (data["age_min"], data["age_max"], data["genders"], data["security_level"]) == (14, 18, ["male"], "closed")
    assert {
        k: data[k] for k in ("places_contracted", "places_staffed", "places_occupied", "places_held", "places_free")
    } == {"places_contracted": 6, "places_staffed": 3, "places_occupied": 3, "places_held": 0, "places_free": 0}
    assert data["last_confirmed_at"] is None and data["is_stale"] is True


@pytest.mark.django_db
def test_outsiders_get_404_for_a_facility(api, world, coordinator_drenthe):
    assert api.as_user(coordinator_drenthe).get(f"/api/v1/facilities/{world['enschede'].pk}").status_code == 404
    response = api.as_user(world["esch_staff"]).get(f"/api/v1/facilities/{world['enschede'].pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert api.as_user(world["admin"]).get("/api/v1/facilities/999999").status_code == 404
    assert api.as_user(world["admin"]).get("/api/v1/facilities/abc").status_code == 404


# --- POST /facilities/{id}/availability ----------------------------------------------------


@pytest.mark.django_db
def test_provider_updates_availability_and_gets_the_new_figures(api, world):
    facility = world["enschede"]
    response = api.as_user(world["horst_staff"]).post(
        f"/api/v1/facilities/{facility.pk}/availability", {"places_staffed": 5, "occupied_external": 3}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["places_staffed"], data["occupied_external"], data["places_free"], data["is_stale"]) == (
        5,
        3,
        2,
        False,
    )
    assert data["last_confirmed_at"] is not None
    facility.refresh_from_db()
    assert facility.last_confirmed_by == world["horst_staff"]


@pytest.mark.django_db
def test_empty_body_confirms_the_figures_unchanged(api, world):
    facility = world["enschede"]
    response = api.as_user(world["horst_staff"]).post(
        f"/api/v1/facilities/{facility.pk}/availability", {}, format="json"
    )
    assert response.status_code == 200 and response.json()["is_stale"] is False
    assert response.json()["places_staffed"] == 6
    assert AvailabilityChange.objects.get(facility=facility).kind == "confirmed"


def _unchanged(facility, before):
    facility.refresh_from_db()
    return facility.figures() == before and facility.last_confirmed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"places_staffed": -1}, "places_staffed"),
        ({"occupied_external": -1}, "occupied_external"),
        ({"places_staffed": 7}, "places_staffed"),  # contracted 6
        ({"occupied_external": 7}, "occupied_external"),  # staffed 6
        ({"places_staffed": 2, "occupied_external": 3}, "occupied_external"),
        ({"places_staffed": 2.5}, "places_staffed"),
        ({"places_staffed": "4"}, "places_staffed"),
        ({"occupied_external": None}, "occupied_external"),
        ({"occupied_external": True}, "occupied_external"),
        ({"places_free": 3}, "places_free"),  # unknown field
    ],
)
def test_bad_availability_is_422_naming_the_field_and_changes_nothing(api, world, body, field):
    facility = world["enschede"]
    before = facility.figures()
    response = api.as_user(world["horst_staff"]).post(
        f"/api/v1/facilities/{facility.pk}/availability", body, format="json"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == [field]
    assert _unchanged(facility, before)


@pytest.mark.django_db
def test_another_providers_staff_gets_404_and_nothing_changes(api, world):
    facility = world["enschede"]
    before = facility.figures()
    response = api.as_user(world["esch_staff"]).post(
        f"/api/v1/facilities/{facility.pk}/availability", {"places_staffed": 1}, format="json"
    )
    assert response.status_code == 404
    assert _unchanged(facility, before) and not Event.objects.filter(subject_id=facility.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERRER, Role.CONTRACT_MANAGER, Role.COORDINATOR, Role.ADMIN])
def test_other_roles_cannot_update_availability(api, world, make_member, twente, role):
    facility = world["enschede"]
    before = facility.figures()
    user = make_member(role, regions=[twente])
    response = api.as_user(user).post(
        f"/api/v1/facilities/{facility.pk}/availability", {"places_staffed": 1}, format="json"
    )
    assert response.status_code == 403
    assert _unchanged(facility, before)


@pytest.mark.django_db
def test_unknown_facility_is_404_problem_json(api, world):
    response = api.as_user(world["horst_staff"]).post("/api/v1/facilities/999999/availability", {}, format="json")
    assert response.status_code == 404 and response.json()["status"] == 404


# --- Filters and pagination -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("care_type=kwv-gesloten", ["Hengelo gesloten"]),
        ("care_type=kwv-gesloten&care_type=jeugdzorgplus", ["Hengelo gesloten", "Meppel JeugdzorgPlus"]),
        ("specialisation=trauma", ["Enschede KWV"]),
        ("age=13", ["Assen voor Twente", "Enschede KWV", "Meppel JeugdzorgPlus"]),
        ("gender=female", ["Assen voor Twente", "Enschede KWV", "Meppel JeugdzorgPlus"]),
        ("security_level=closed", ["Hengelo gesloten", "Meppel JeugdzorgPlus"]),
        ("region=JZ04", ["Assen voor Twente", "Meppel JeugdzorgPlus"]),
        ("has_free=true", ["Assen voor Twente", "Enschede KWV", "Meppel JeugdzorgPlus"]),
        ("has_free=false", ["Hengelo gesloten"]),
        ("q=assen", ["Assen voor Twente"]),
    ],
)
def test_filters_narrow_the_coordinators_list(api, world, coordinator, query, expected):
    assert _names(api.as_user(coordinator).get(f"/api/v1/facilities?{query}")) == expected


@pytest.mark.django_db
def test_fresh_only_and_ordering(api, world, coordinator):
    api.as_user(world["horst_staff"]).post(
        f"/api/v1/facilities/{world['enschede'].pk}/availability", {"occupied_external": 4}, format="json"
    )
    assert _names(api.as_user(coordinator).get("/api/v1/facilities?fresh_only=true")) == ["Enschede KWV"]
    ordered = api.as_user(coordinator).get("/api/v1/facilities?ordering=-free").json()["results"]
    assert [f["places_free"] for f in ordered] == [6, 6, 2, 0]


@pytest.mark.django_db
def test_list_is_paginated(api, world, coordinator):
    first = api.as_user(coordinator).get("/api/v1/facilities?page_size=3").json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
    second = api.as_user(coordinator).get("/api/v1/facilities?page_size=3&page=2").json()
    assert len(second["results"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ("age=abc", "age"),
        ("age=40", "age"),
        ("care_type=onbekend", "care_type"),
        ("gender=x", "gender"),
        ("region=JZ99", "region"),
        ("has_free=misschien", "has_free"),
        ("ordering=secret", "ordering"),
    ],
)
def test_bad_filters_are_400_naming_the_filter(api, world, coordinator, query, field):
    response = api.as_user(coordinator).get(f"/api/v1/facilities?{query}")
    assert response.status_code == 400  # a bad query parameter on a read (issue 14)
    assert [p["name"] for p in response.json()["invalid_params"]] == [field]


# --- Administrators and integrations --------------------------------------------------------


def _new_facility(provider, **overrides):
    body = {
        "provider": provider.pk,
        "name": "Nieuwe groep",
        "address": "Laan 1",
        "postcode": "7511 ab",
        "municipality": "GM0153",
        "care_type": "behandelgroep",
        "specialisations": ["trauma", "autisme"],
        "security_level": "open",
        "age_min": 12,
        "age_max": 17,
        "genders": ["female", "other"],
        "intensity_band": "P",
        "group_size": 6,
        "care_product_code": "45A52",
        "regions_served": ["JZ14"],
        "serves_nationally": False,
        "active_from": "2025-01-01",
        "places_contracted": 6,
        "places_staffed": 4,
    }
    return body | overrides


@pytest.mark.django_db
def test_admin_creates_a_facility_that_is_stale_until_confirmed(api, world):
    response = api.as_user(world["admin"]).post("/api/v1/facilities", _new_facility(world["horst"]), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["postcode"] == "7511 AB" and [s["code"] for s in data["specialisations"]] == ["trauma", "autisme"]
    assert (data["places_staffed"], data["places_free"], data["is_stale"]) == (4, 4, True)
    facility = Facility.objects.get(pk=data["id"])
    assert AvailabilityChange.objects.get(facility=facility).kind == "created"
    assert Event.objects.get(subject_id=facility.pk, subject_type="capacity.facility").event_type == "facility.created"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"age_min": 17, "age_max": 12}, "age_max"),
        ({"places_staffed": 8}, "places_staffed"),
        ({"places_contracted": -1}, "places_contracted"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"care_type": "nope"}, "care_type"),
        ({"genders": []}, "genders"),
        ({"postcode": "12345"}, "postcode"),
        ({"age_max": 30}, "age_max"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_admin_bad_facility_is_422_naming_the_field(api, world, overrides, field):
    response = api.as_user(world["admin"]).post(
        "/api/v1/facilities", _new_facility(world["horst"], **overrides), format="json"
    )
    assert response.status_code == 422, response.content
    assert field in [p["name"] for p in response.json()["invalid_params"]]
    assert not Facility.objects.filter(name="Nieuwe groep").exists()


@pytest.mark.django_db
def test_provider_must_be_a_provider_organisation(api, world, make_member):
    coordination = make_member(Role.COORDINATOR).memberships.get().organisation
    response = api.as_user(world["admin"]).post("/api/v1/facilities", _new_facility(coordination), format="json")
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "provider"


@pytest.mark.django_db
def test_admin_patches_a_facility_and_contract_changes_are_recorded(api, world):
    facility = world["hengelo"]  # 3 occupied
    client = api.as_user(world["admin"])
    response = client.patch(
        f"/api/v1/facilities/{facility.pk}", {"name": "Hengelo KWV", "places_contracted": 4}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["places_contracted"], response.json()["places_staffed"]) == (
        "Hengelo KWV",
        4,
        3,
    )
    assert AvailabilityChange.objects.get(facility=facility).kind == "contract_changed"
    refused = client.patch(f"/api/v1/facilities/{facility.pk}", {"places_contracted": 2}, format="json")
    assert refused.status_code == 422 and refused.json()["invalid_params"][0]["name"] == "places_contracted"
    facility.refresh_from_db()
    assert facility.places_contracted == 4
    staffed = client.patch(f"/api/v1/facilities/{facility.pk}", {"places_staffed": 1}, format="json")
    assert staffed.status_code == 422 and staffed.json()["invalid_params"][0]["name"] == "places_staffed"
    assert client.patch("/api/v1/facilities/999999", {"name": "x"}, format="json").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROVIDER, Role.CONTRACT_MANAGER])
def test_only_administrators_create_and_patch_facilities(api, world, make_member, twente, role):
    user = make_member(role, organisation=world["horst"] if role == Role.PROVIDER else None, regions=[twente])
    client = api.as_user(user)
    assert client.post("/api/v1/facilities", _new_facility(world["horst"]), format="json").status_code == 403
    assert client.patch(f"/api/v1/facilities/{world['enschede'].pk}", {"name": "x"}, format="json").status_code == 403
    assert not Facility.objects.filter(name__in=["Nieuwe groep", "x"]).exists()


@pytest.mark.django_db
def test_providers_and_taxonomies(api, world, coordinator, referrer):
    providers = api.as_user(coordinator).get("/api/v1/providers").json()["results"]
    horst = next(p for p in providers if p["name"] == "Horst")
    assert horst["facility_count"] == 3 and len(horst["agb_code"]) == 8
    assert api.as_user(referrer).get("/api/v1/providers").status_code == 403
    care_types = api.as_user(referrer).get("/api/v1/care-types").json()
    assert {
        "jeugdzorgplus",
        "driemilieu",
        "behandelgroep",
        "kwv-open",
        "kwv-gesloten",
        "gezinshuis",
        "woongroep",
        "kamertraining",
        "crisis",
        "lvb-woonvorm",
        "moeder-kindhuis",
    } <= {c["code"] for c in care_types}
    specialisations = {s["code"] for s in api.as_user(referrer).get("/api/v1/specialisations").json()}
    assert {
        "trauma",
        "lvb",
        "verslaving",
        "eetstoornis",
        "psychiatrie",
        "autisme",
        "sgg",
        "agressie",
        "uitbuiting",
    } <= specialisations


@pytest.mark.django_db
def test_openapi_documents_the_capacity_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/facilities",
        "/api/v1/facilities/{id}",
        "/api/v1/facilities/{id}/availability",
        "/api/v1/providers",
        "/api/v1/care-types",
        "/api/v1/specialisations",
    ]:
        path = path.removeprefix("/api/v1")  # the document's paths are relative to `servers`
        assert path in paths or path.replace("{id}", "{pk}") in paths, path
