"""Issue 11 point 7: the current group of a small home. The provider replaces the whole
group (formset on its facility page, PUT /api/v1/facilities/{id}/group); every bad field of
every row is named at once and nothing is written; another organisation's facility is a
404; the database refuses ages out of range and more residents than places."""

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.db.utils import DatabaseError

from accounts.models import Role
from capacity import services
from capacity.models import Facility, GroupResident
from core.errors import Forbidden, Invalid
from core.events import events_for
from tests.capacity.factories import FacilityFactory, provider_org

GROUP = [
    {"age": 14, "gender": "female", "level": "average", "machtiging": False},
    {"age": 15, "gender": "male", "level": "lvb", "machtiging": True},
]


@pytest.fixture
def home(twente):
    return FacilityFactory(provider=provider_org(name="Gezinshuis De Linde"), places_contracted=4, places_staffed=4)


@pytest.fixture
def staff(make_member, home):
    return make_member(Role.PROVIDER, organisation=home.provider)


def residents_of(facility):
    return list(
        GroupResident.objects.filter(facility=facility)
        .order_by("position")
        .values("age", "gender", "level", "machtiging")
    )


# --- the service -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_group_is_replaced_whole_with_a_timestamp_and_an_event(home, staff):
    services.group_replace(facility=home, residents=GROUP, by=staff)
    services.group_replace(facility=home, residents=GROUP[1:], by=staff)
    home.refresh_from_db()
    assert residents_of(home) == GROUP[1:]
    assert home.group_recorded_at is not None and home.group_recorded_by == staff
    events = [e for e in events_for(home) if e.event_type == "group_recorded"]
    assert [e.details for e in events] == [
        {"residents_before": 0, "residents": 2},
        {"residents_before": 2, "residents": 1},
    ]


@pytest.mark.django_db
def test_bad_rows_are_all_named_at_once_and_nothing_is_written(home, staff):
    services.group_replace(facility=home, residents=GROUP, by=staff)
    recorded_at = Facility.objects.get(pk=home.pk).group_recorded_at
    bad = [
        {"age": 31, "gender": "female", "level": "average", "machtiging": False},
        {"age": "vijftien", "gender": "unknown", "level": "genius", "machtiging": "ja", "name": "Sam"},
        *GROUP,
        GROUP[0],
    ]
    with pytest.raises(Invalid) as error:
        services.group_replace(facility=home, residents=bad, by=staff)
    assert {p["name"] for p in error.value.invalid_params} == {
        "residents.0.age",
        "residents.1.age",
        "residents.1.gender",
        "residents.1.level",
        "residents.1.machtiging",
        "residents.1.name",
        "residents",  # 5 rows for 4 places
    }
    assert residents_of(home) == GROUP
    assert Facility.objects.get(pk=home.pk).group_recorded_at == recorded_at


@pytest.mark.django_db
def test_only_the_providers_own_staff_record_its_group(home, make_member):
    stranger = make_member(Role.PROVIDER, organisation=provider_org())
    with pytest.raises(Forbidden):
        services.group_replace(facility=home, residents=GROUP, by=stranger)
    assert residents_of(home) == []


@pytest.mark.django_db
def test_the_database_refuses_an_age_out_of_range(home):
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupResident.objects.create(facility=home, position=0, age=28, gender="male", level="average")


@pytest.mark.django_db
def test_the_database_refuses_more_residents_than_places(home):
    rows = [GroupResident(facility=home, position=i, age=14, gender="male", level="average") for i in range(5)]
    with pytest.raises((IntegrityError, InternalError, DatabaseError)), transaction.atomic():
        GroupResident.objects.bulk_create(rows)
    GroupResident.objects.bulk_create(rows[:4])  # as many as places is fine
    assert GroupResident.objects.filter(facility=home).count() == 4


# --- the formset on the provider's facility page ------------------------------------------


def _post(client, facility, rows, *, initial=0):
    data = {"group-TOTAL_FORMS": str(len(rows)), "group-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "machtiging":
                if value:
                    data[f"group-{i}-machtiging"] = "on"
            elif key == "DELETE":
                if value:
                    data[f"group-{i}-DELETE"] = "on"
            else:
                data[f"group-{i}-{key}"] = str(value)
    return client.post(f"/provider/facilities/{facility.pk}/group/", data)


@pytest.mark.django_db
def test_the_formset_records_the_group_and_the_page_shows_it(client, home, staff):
    client.force_login(staff)
    page = client.get(f"/provider/facilities/{home.pk}/")
    assert page.status_code == 200 and "Huidige groep" in page.content.decode()
    assert 'name="group-TOTAL_FORMS"' in page.content.decode()
    empty = {"age": "", "gender": "", "level": ""}
    response = _post(client, home, [*GROUP, empty])  # an empty row is skipped
    assert response.status_code == 302
    assert residents_of(home) == GROUP
    html = client.get(f"/provider/facilities/{home.pk}/").content.decode()
    assert "Licht verstandelijk beperkt (LVB)" in html and "Vastgelegd op" in html


@pytest.mark.django_db
def test_the_formset_removes_a_resident_who_left(client, home, staff):
    services.group_replace(facility=home, residents=GROUP, by=staff)
    client.force_login(staff)
    response = _post(client, home, [{**GROUP[0], "DELETE": True}, GROUP[1]], initial=2)
    assert response.status_code == 302 and residents_of(home) == GROUP[1:]


@pytest.mark.django_db
def test_bad_formset_shows_every_error_next_to_its_field_and_writes_nothing(client, home, staff):
    services.group_replace(facility=home, residents=GROUP, by=staff)
    client.force_login(staff)
    rows = [
        {"age": "abc", "gender": "female", "level": "average"},
        {"age": 15, "gender": "", "level": "genius"},
    ]
    response = _post(client, home, rows, initial=2)
    html = response.content.decode()
    assert response.status_code == 422
    for field_id in ("id_group-0-age", "id_group-1-gender", "id_group-1-level"):
        assert f'id="{field_id}-error"' in html
        assert f'aria-describedby="{field_id}-error"' in html
    assert "3 fouten in de groep" in html
    assert residents_of(home) == GROUP
    # The service's rules (range, count) come next to the field and above the rows.
    response = _post(client, home, [{**GROUP[0], "age": 40}, *GROUP, *GROUP], initial=2)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_group-0-age-error"' in html and "tussen 0 en 27 jaar" in html
    assert "de locatie heeft 4 plaatsen" in html
    assert residents_of(home) == GROUP


@pytest.mark.django_db
def test_another_organisations_facility_is_404_on_the_page_and_the_form(client, home, make_member):
    stranger = make_member(Role.PROVIDER, organisation=provider_org())
    client.force_login(stranger)
    assert client.get(f"/provider/facilities/{home.pk}/").status_code == 404
    assert _post(client, home, GROUP).status_code == 404
    assert residents_of(home) == []


# --- the API ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_put_replaces_the_group_and_get_reads_it(api, home, staff, coordinator):
    response = api.as_user(staff).put(f"/api/v1/facilities/{home.pk}/group", {"residents": GROUP}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["residents"] == GROUP and body["recorded_at"] and body["is_stale"] is False
    read = api.as_user(coordinator).get(f"/api/v1/facilities/{home.pk}/group")
    assert read.status_code == 200 and read.json()["residents"] == GROUP


@pytest.mark.django_db
def test_api_bad_group_is_problem_json_naming_field_and_row_and_writes_nothing(api, home, staff):
    services.group_replace(facility=home, residents=GROUP, by=staff)
    bad = {"residents": [GROUP[0], {"age": -1, "gender": "x", "level": "lvb", "machtiging": False}]}
    response = api.as_user(staff).put(f"/api/v1/facilities/{home.pk}/group", bad, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in response.json()["invalid_params"]} == {"residents.1.age", "residents.1.gender"}
    response = api.as_user(staff).put(f"/api/v1/facilities/{home.pk}/group", {"group": []}, format="json")
    assert response.status_code == 422
    assert {p["name"] for p in response.json()["invalid_params"]} == {"group"}  # unknown field named
    assert residents_of(home) == GROUP


@pytest.mark.django_db
def test_api_group_of_another_organisation_is_404_and_wrong_role_403(api, home, make_member, coordinator):
    stranger = make_member(Role.PROVIDER, organisation=provider_org())
    response = api.as_user(stranger).put(f"/api/v1/facilities/{home.pk}/group", {"residents": GROUP}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    response = api.as_user(coordinator).put(f"/api/v1/facilities/{home.pk}/group", {"residents": []}, format="json")
    assert response.status_code == 403
    assert residents_of(home) == []
