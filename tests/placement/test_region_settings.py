"""The region's coordination settings (issue 11): a coordinator of the region changes
them on a screen and through the API; every error at once, nothing written on bad input,
each change an event with old and new values; the database refuses what the service
would refuse."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Region, Role
from core.errors import Forbidden, Invalid, NotFound
from core.events import events_for
from placement.services.region_settings import region_settings_update
from tests.accounts.factories import member
from tests.placement.factories import coordinator_membership

URL = "/api/v1/regions/{code}/settings"


def fresh(region):
    return Region.objects.get(pk=region.pk)


def post_data(region, **overrides):
    data = {
        name: getattr(region, name)
        for name in (
            "freshness_days",
            "offer_response_working_days",
            "offer_response_working_days_urgent",
            "offer_response_hours_crisis",
            "offer_deadline_min_hours",
            "offer_deadline_max_working_days",
            "crisis_dossier_working_days",
            "machtiging_warning_days",
            "decline_parking_days",
        )
    }
    data.update(overrides)
    return data


def test_coordinator_changes_settings_and_the_change_is_an_event_with_old_and_new(coordinator, twente):
    region_settings_update(
        region=twente,
        changes={
            "offer_response_working_days_urgent": 1,
            "decline_parking_reasons": ["no_place"],
            "decline_parking_days": 7,
        },
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    region = fresh(twente)
    assert (region.offer_response_working_days_urgent, region.decline_parking_reasons, region.decline_parking_days) == (
        1,
        ["no_place"],
        7,
    )
    event = events_for(region).get(event_type="region.settings_changed")
    assert event.details["changed"]["offer_response_working_days_urgent"] == {"old": 2, "new": 1}
    assert event.details["changed"]["decline_parking_days"] == {"old": 0, "new": 7}
    assert event.actor == coordinator


def test_every_broken_setting_is_named_at_once_and_nothing_is_written(coordinator, twente):
    with pytest.raises(Invalid) as caught:
        region_settings_update(
            region=twente,
            changes={
                "offer_response_working_days": 3,
                "offer_response_working_days_urgent": 4,  # more than the regular term
                "offer_response_hours_crisis": 100,  # over 72
                "offer_deadline_max_working_days": 2,  # shorter than the regular term
                "decline_parking_reasons": ["no_answer"],  # an expiry is no judgement
                "machtiging_warning_days": 0,
            },
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    names = {param["name"] for param in caught.value.invalid_params}
    assert names == {
        "offer_response_working_days_urgent",
        "offer_response_hours_crisis",
        "offer_deadline_max_working_days",
        "decline_parking_reasons",
        "machtiging_warning_days",
    }
    region = fresh(twente)
    assert (region.offer_response_working_days, region.offer_response_working_days_urgent) == (5, 2)
    assert not events_for(region).exists()


def test_parking_reasons_need_a_number_of_days(coordinator, twente):
    with pytest.raises(Invalid) as caught:
        region_settings_update(
            region=twente,
            changes={"decline_parking_reasons": ["staffing"]},
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    assert [param["name"] for param in caught.value.invalid_params] == ["decline_parking_days"]


def test_another_region_is_not_found_and_another_role_is_forbidden(coordinator_drenthe, twente, contract_manager):
    with pytest.raises(NotFound):
        region_settings_update(
            region=twente,
            changes={"freshness_days": 3},
            by=coordinator_drenthe,
            membership=coordinator_membership(coordinator_drenthe),
        )
    with pytest.raises(Forbidden):
        region_settings_update(
            region=twente,
            changes={"freshness_days": 3},
            by=contract_manager,
            membership=contract_manager.memberships.get(),
        )
    assert fresh(twente).freshness_days == 7


@pytest.mark.parametrize(
    "changes",
    [
        {"offer_response_working_days_urgent": 6},
        {"offer_response_hours_crisis": 73},
        {"offer_deadline_min_hours": 25},
        {"offer_deadline_max_working_days": 4},
        {"offer_deadline_max_working_days": 31},
        {"crisis_dossier_working_days": 0},
        {"machtiging_warning_days": 181},
        {"decline_parking_days": 91},
    ],
)
def test_the_database_refuses_settings_out_of_bounds(twente, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(pk=twente.pk).update(**changes)


def test_settings_screen_shows_every_error_next_to_its_field_and_saves_good_input(client, coordinator, twente):
    client.force_login(coordinator)
    url = reverse("placement:region-settings", args=[twente.code])
    page = client.get(reverse("placement:region-settings-list"))
    assert page.status_code == 302 and page.url == url
    bad = client.post(url, post_data(twente, offer_response_hours_crisis=0, machtiging_warning_days="x"))
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'id="id_offer_response_hours_crisis-error"' in html
    assert 'id="id_machtiging_warning_days-error"' in html
    assert fresh(twente).offer_response_hours_crisis == 24
    relation = client.post(url, post_data(twente, offer_response_working_days_urgent=5, offer_response_working_days=3))
    assert relation.status_code == 422
    assert 'id="id_offer_response_working_days_urgent-error"' in relation.content.decode()
    good = client.post(url, post_data(twente, offer_response_hours_crisis=12, group_fit_hard="on"))
    assert good.status_code == 302
    region = fresh(twente)
    assert (region.offer_response_hours_crisis, region.group_fit_hard) == (12, True)


def test_settings_screen_of_another_region_is_a_404_and_other_roles_get_403(client, coordinator, drenthe, referrer):
    client.force_login(coordinator)
    assert client.get(reverse("placement:region-settings", args=[drenthe.code])).status_code == 404
    client.force_login(referrer)
    assert client.get(reverse("placement:region-settings-list")).status_code == 403


def test_api_reads_and_patches_settings_with_problem_json_naming_the_fields(api, coordinator, twente):
    api.as_user(coordinator)
    read = api.get(URL.format(code=twente.code))
    assert read.status_code == 200 and read.json()["offer_response_hours_crisis"] == 24
    bad = api.patch(URL.format(code=twente.code), {"offer_response_hours_crisis": 0, "colour": "red"}, format="json")
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert [p["name"] for p in bad.json()["invalid_params"]] == ["colour"]
    out_of_range = api.patch(
        URL.format(code=twente.code), {"offer_response_hours_crisis": 0, "machtiging_warning_days": 999}, format="json"
    )
    assert out_of_range.status_code == 422
    names = {p["name"] for p in out_of_range.json()["invalid_params"]}
    assert names == {"offer_response_hours_crisis", "machtiging_warning_days"}
    relation = api.patch(URL.format(code=twente.code), {"offer_response_working_days_urgent": 9}, format="json")
    assert relation.status_code == 422
    assert [p["name"] for p in relation.json()["invalid_params"]] == ["offer_response_working_days_urgent"]
    good = api.patch(
        URL.format(code=twente.code),
        {"decline_parking_reasons": ["no_place"], "decline_parking_days": 5},
        format="json",
    )
    assert good.status_code == 200 and good.json()["decline_parking_reasons"] == ["no_place"]
    assert fresh(twente).decline_parking_days == 5


def test_api_other_region_404_other_role_403(api, coordinator, drenthe, twente):
    assert api.as_user(coordinator).get(URL.format(code=drenthe.code)).status_code == 404
    provider = member(Role.PROVIDER, regions=[twente])
    assert (
        api.as_user(provider).patch(URL.format(code=twente.code), {"freshness_days": 3}, format="json").status_code
        == 403
    )
    assert fresh(twente).freshness_days == 7
