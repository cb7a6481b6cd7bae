"""Issue 14 (api-behaviour): PATCH is really partial; ETag / If-Match / If-None-Match on
requests and facilities (core/conditional.py).

Right role, wrong role (403) and outsider (404) for each; a stale If-Match is 412 and
changes nothing; a concurrent change between GET and PATCH is caught.
"""

import pytest

from accounts.models import Role
from capacity.models import Facility
from intake.models import PlacementRequest
from tests.api.test_conventions import assert_problem
from tests.capacity.test_api import world  # noqa: F401 - the facilities fixture
from tests.placement.factories import make_request


def _youth(pk):
    youth = PlacementRequest.objects.select_related("youth").get(pk=pk).youth
    return {
        "given_names": youth.given_names,
        "family_name": youth.family_name,
        "birth_date": youth.birth_date,
        "legal_status": youth.legal_status,
        "school": youth.school,
        "city": youth.city,
        "guardians": list(youth.guardians.values_list("name", flat=True)),
    }


# --- partial PATCH -------------------------------------------------------------------------


@pytest.mark.django_db
def test_patch_with_one_youth_field_changes_only_that_field(api, referrer):
    placement_request = make_request(referrer)
    before = _youth(placement_request.pk)
    response = api.as_user(referrer).patch(
        f"/api/v1/requests/{placement_request.pk}", {"youth": {"school": "Het Bonhoeffer College"}}, format="json"
    )
    assert response.status_code == 200, response.content
    after = _youth(placement_request.pk)
    assert after == {**before, "school": "Het Bonhoeffer College"}
    assert response.json()["youth"]["school"] == "Het Bonhoeffer College"


@pytest.mark.django_db
def test_patch_with_one_wish_or_the_urgency_changes_only_that(api, referrer):
    placement_request = make_request(referrer)
    client = api.as_user(referrer)
    path = f"/api/v1/requests/{placement_request.pk}"
    youth_before = _youth(placement_request.pk)
    assert client.patch(path, {"wishes": {"parents": "Graag dichtbij"}}, format="json").status_code == 200
    assert client.patch(path, {"urgency": "urgent"}, format="json").status_code == 200
    placement_request.refresh_from_db()
    assert (placement_request.wishes_parents, placement_request.urgency) == ("Graag dichtbij", "urgent")
    assert _youth(placement_request.pk) == youth_before


@pytest.mark.django_db
def test_partial_patch_still_refuses_bad_fields_naming_them(api, referrer):
    placement_request = make_request(referrer)
    before = _youth(placement_request.pk)
    response = api.as_user(referrer).patch(
        f"/api/v1/requests/{placement_request.pk}",
        {"youth": {"birth_date": "gisteren", "gender": "nope"}},
        format="json",
    )
    body = assert_problem(response, 422)
    assert {p["name"] for p in body["invalid_params"]} == {"youth.birth_date", "youth.gender"}
    assert _youth(placement_request.pk) == before


@pytest.mark.django_db
def test_patch_wrong_role_403_outsider_404(api, referrer, coordinator, make_member):
    placement_request = make_request(referrer, submit=True)
    path = f"/api/v1/requests/{placement_request.pk}"
    assert_problem(api.as_user(coordinator).patch(path, {"youth": {"school": "X"}}, format="json"), 403)
    assert_problem(api.as_user(make_member(Role.REFERRER)).patch(path, {"youth": {"school": "X"}}, format="json"), 404)
    assert _youth(placement_request.pk)["school"] != "X"


@pytest.mark.django_db
def test_facility_patch_with_one_field_changes_only_that_field(api, world):  # noqa: F811
    facility = world["enschede"]
    before = Facility.objects.filter(pk=facility.pk).values().get()
    response = api.as_user(world["admin"]).patch(
        f"/api/v1/facilities/{facility.pk}", {"address": "Nieuwe weg 1"}, format="json"
    )
    assert response.status_code == 200, response.content
    after = Facility.objects.filter(pk=facility.pk).values().get()
    changed = {k for k in after if after[k] != before[k]}
    assert "address" in changed and changed <= {"address", "updated_at"}


# --- ETag on requests ------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_detail_has_a_strong_etag_and_304_for_if_none_match(api, referrer):
    placement_request = make_request(referrer)
    client = api.as_user(referrer)
    path = f"/api/v1/requests/{placement_request.pk}"
    first = client.get(path)
    tag = first["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert client.get(path)["ETag"] == tag  # same representation, same tag
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=tag)
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified["ETag"] == tag
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
def test_request_patch_with_current_if_match_applies_stale_is_412(api, referrer):
    placement_request = make_request(referrer)
    client = api.as_user(referrer)
    path = f"/api/v1/requests/{placement_request.pk}"
    tag = client.get(path)["ETag"]
    applied = client.patch(path, {"urgency": "urgent"}, format="json", HTTP_IF_MATCH=tag)
    assert applied.status_code == 200, applied.content
    assert applied["ETag"] != tag and applied["ETag"] == client.get(path)["ETag"]
    # the first tag is stale now: someone (here: we) changed it in between
    body = assert_problem(client.patch(path, {"urgency": "crisis"}, format="json", HTTP_IF_MATCH=tag), 412)
    assert body["type"].endswith("#precondition_failed")
    placement_request.refresh_from_db()
    assert placement_request.urgency == "urgent"
    assert client.patch(path, {"urgency": "regular"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    # a weak tag never matches If-Match
    weak = "W/" + client.get(path)["ETag"]
    assert_problem(client.patch(path, {"urgency": "urgent"}, format="json", HTTP_IF_MATCH=weak), 412)


@pytest.mark.django_db
def test_request_etag_wrong_role_403_outsider_404(api, referrer, make_member):
    placement_request = make_request(referrer)
    path = f"/api/v1/requests/{placement_request.pk}"
    tag = api.as_user(referrer).get(path)["ETag"]
    assert_problem(api.as_user(make_member(Role.PROVIDER)).get(path, HTTP_IF_NONE_MATCH=tag), 403)
    assert_problem(api.as_user(make_member(Role.REFERRER)).get(path, HTTP_IF_NONE_MATCH=tag), 404)
    assert_problem(
        api.as_user(make_member(Role.REFERRER)).patch(path, {"urgency": "urgent"}, format="json", HTTP_IF_MATCH=tag),
        404,
    )


# --- ETag on facilities ----------------------------------------------------------------------


@pytest.mark.django_db
def test_facility_get_etag_304_and_patch_if_match(api, world):  # noqa: F811
    facility = world["enschede"]
    client = api.as_user(world["admin"])
    path = f"/api/v1/facilities/{facility.pk}"
    tag = client.get(path)["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert client.patch(path, {"name": "Enschede A"}, format="json", HTTP_IF_MATCH=tag).status_code == 200
    assert_problem(client.patch(path, {"name": "Enschede B"}, format="json", HTTP_IF_MATCH=tag), 412)
    facility.refresh_from_db()
    assert facility.name == "Enschede A"


@pytest.mark.django_db
def test_availability_with_a_stale_if_match_is_412_and_changes_nothing(api, world):  # noqa: F811
    """The provider's system read the figures, a colleague changed them, the stale write is refused."""
    facility = world["enschede"]
    staff = api.as_user(world["horst_staff"])
    path = f"/api/v1/facilities/{facility.pk}"
    tag = staff.get(path)["ETag"]
    colleague = api.__class__().as_user(world["horst_staff"])
    assert colleague.post(f"{path}/availability", {"places_staffed": 4}, format="json").status_code == 200
    stale = staff.post(f"{path}/availability", {"places_staffed": 5}, format="json", HTTP_IF_MATCH=tag)
    assert_problem(stale, 412)
    facility.refresh_from_db()
    assert facility.places_staffed == 4
    fresh = staff.get(path)["ETag"]
    ok = staff.post(f"{path}/availability", {"places_staffed": 5}, format="json", HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == staff.get(path)["ETag"]


@pytest.mark.django_db
def test_facility_etag_wrong_role_403_outsider_404(api, world, coordinator_drenthe, make_member, twente):  # noqa: F811
    facility = world["enschede"]
    path = f"/api/v1/facilities/{facility.pk}"
    tag = api.as_user(world["admin"]).get(path)["ETag"]
    coordinator = make_member(Role.COORDINATOR, regions=[twente])
    assert_problem(api.as_user(coordinator).patch(path, {"name": "x"}, format="json", HTTP_IF_MATCH=tag), 403)
    assert_problem(api.as_user(coordinator_drenthe).get(path, HTTP_IF_NONE_MATCH=tag), 404)
    assert_problem(
        api.as_user(world["esch_staff"]).post(f"{path}/availability", {}, format="json", HTTP_IF_MATCH=tag), 404
    )


@pytest.mark.django_db
def test_conditional_headers_are_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/requests/{id}", "/facilities/{id}"):  # relative to `servers`
        get_names = {p["name"] for p in paths[path]["get"]["parameters"]}
        patch_names = {p["name"] for p in paths[path]["patch"]["parameters"]}
        assert "If-None-Match" in get_names and "If-Match" in patch_names, path
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"]
        assert "304" in paths[path]["get"]["responses"] and "412" in paths[path]["patch"]["responses"]
