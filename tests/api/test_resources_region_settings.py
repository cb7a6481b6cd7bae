"""Issue 14 point 6: GET /regions/{code}/settings for the region's members (any role that
sees the region; administrators any region), PATCH and PUT for a coordinator of the
region and for administrators. Another role 403, a region the caller does not see 404,
bad input 422 naming every setting; nothing is written on a refusal."""

import pytest

from accounts.models import Region, Role
from core.events import events_for
from tests.accounts.factories import member
from tests.api.documented import documented

URL = "/api/v1/regions/{code}/settings"


def fresh(region):
    return Region.objects.get(pk=region.pk)


def _full(region, **changes):
    from placement.services.region_settings import EDITABLE

    values = {name: getattr(region, name) for name in EDITABLE}
    values.update(changes)
    return values


@pytest.mark.django_db
def test_every_member_of_the_region_reads_its_settings(api, twente, coordinator, contract_manager):
    referrer = member(Role.REFERRER, regions=[twente])
    scientist = member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])
    provider = member(Role.PROVIDER, regions=[twente])
    admin = member(Role.ADMIN)
    for user in (coordinator, contract_manager, referrer, scientist, provider, admin):
        response = api.as_user(user).get(URL.format(code=twente.code))
        assert response.status_code == 200, (user.memberships.get().role, response.content)
        documented(response)
        assert response.json()["code"] == twente.code
        assert response.json()["offer_response_working_days"] == twente.offer_response_working_days


@pytest.mark.django_db
def test_a_region_the_caller_does_not_see_is_404(api, twente, drenthe, contract_manager, coordinator):
    for user in (contract_manager, coordinator, member(Role.PROVIDER, regions=[twente])):
        response = api.as_user(user).get(URL.format(code=drenthe.code))
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert api.as_user(member(Role.ADMIN)).get(URL.format(code="JZ99")).status_code == 404


@pytest.mark.django_db
def test_an_administrator_changes_any_region_with_patch_and_put(api, twente, drenthe):
    admin = member(Role.ADMIN)
    response = api.as_user(admin).patch(URL.format(code=drenthe.code), {"freshness_days": 3}, format="json")
    assert response.status_code == 200, response.content
    assert fresh(drenthe).freshness_days == 3
    event = [e for e in events_for(fresh(drenthe)) if e.event_type == "region.settings_changed"][-1]
    assert event.details["changed"] == {"freshness_days": {"old": drenthe.freshness_days, "new": 3}}
    body = _full(twente, offer_response_working_days=6, decline_parking_reasons=["no_place"], decline_parking_days=4)
    response = api.as_user(admin).put(URL.format(code=twente.code), body, format="json")
    documented(response)
    after = fresh(twente)
    assert (after.offer_response_working_days, after.decline_parking_days) == (6, 4)
    assert after.decline_parking_reasons == ["no_place"]


@pytest.mark.django_db
def test_the_coordinator_of_the_region_may_put_too(api, twente, coordinator):
    body = _full(twente, freshness_days=5)
    response = api.as_user(coordinator).put(URL.format(code=twente.code), body, format="json")
    assert response.status_code == 200 and fresh(twente).freshness_days == 5


@pytest.mark.django_db
def test_put_needs_every_setting_and_names_each_missing_one(api, twente):
    admin = member(Role.ADMIN)
    response = api.as_user(admin).put(URL.format(code=twente.code), {"freshness_days": 3}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert "freshness_days" not in names and {"offer_response_working_days", "group_fit_hard"} <= names
    assert fresh(twente).freshness_days == twente.freshness_days


@pytest.mark.django_db
def test_bad_values_are_422_naming_every_setting_and_nothing_is_written(api, twente):
    admin = member(Role.ADMIN)
    body = _full(twente, freshness_days="seven", machtiging_warning_days=999)
    response = api.as_user(admin).put(URL.format(code=twente.code), body, format="json")
    assert response.status_code == 422
    assert {p["name"] for p in response.json()["invalid_params"]} == {"freshness_days", "machtiging_warning_days"}
    relation = api.as_user(admin).patch(
        URL.format(code=twente.code), {"offer_response_working_days_urgent": 9}, format="json"
    )
    assert relation.status_code == 422
    assert [p["name"] for p in relation.json()["invalid_params"]] == ["offer_response_working_days_urgent"]
    assert fresh(twente).offer_response_working_days_urgent == twente.offer_response_working_days_urgent


@pytest.mark.django_db
def test_other_roles_may_read_but_not_write_403(api, twente, contract_manager):
    referrer = member(Role.REFERRER, regions=[twente])
    provider = member(Role.PROVIDER, regions=[twente])
    scientist = member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])
    for user in (contract_manager, referrer, provider, scientist):
        for method in ("patch", "put"):
            response = getattr(api.as_user(user), method)(
                URL.format(code=twente.code), _full(twente, freshness_days=3), format="json"
            )
            assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert fresh(twente).freshness_days == twente.freshness_days
