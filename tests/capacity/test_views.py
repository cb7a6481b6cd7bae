"""Web screens: the coordinator's board (htmx, filters, stale marks), the provider's own
facilities with the update form and one-click confirmation, and who may do what."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Municipality, Role
from capacity.models import AvailabilityChange, Facility
from tests.capacity.factories import FacilityFactory, provider_org


@pytest.fixture
def horst(twente):
    return provider_org(name="Horst")


@pytest.fixture
def staff(make_member, horst):
    return make_member(Role.PROVIDER, organisation=horst)


@pytest.fixture
def kwartel(horst, twente):
    return FacilityFactory(
        provider=horst, name="Groep Kwartel", regions_served=[twente], places_staffed=5, occupied_external=3
    )


@pytest.fixture
def assen(drenthe):
    return FacilityFactory(
        name="Groep Assen", municipality=Municipality.objects.get(code="GM0106"), regions_served=[drenthe]
    )


def _row(html, facility):
    """The <tr> of one facility."""
    at = html.index(f'data-facility-id="{facility.pk}"')
    start = html.rindex("<tr", 0, at)
    return html[start : html.index("</tr>", at)]


def _rows(html):
    return re.findall(r'data-facility-id="(\d+)"', html)


@pytest.mark.django_db
def test_board_shows_the_coordinators_facilities_with_figures_and_stale_mark(
    client, coordinator, kwartel, assen, staff
):
    fresh = FacilityFactory(provider=kwartel.provider, name="Groep Merel", places_staffed=4)
    Facility.objects.filter(pk=fresh.pk).update(last_confirmed_at=timezone.now(), last_confirmed_by=staff)
    client.force_login(coordinator)
    response = client.get("/coordinator/capacity/")
    assert response.status_code == 200
    html = response.content.decode()
    assert set(_rows(html)) == {str(kwartel.pk), str(fresh.pk)}  # not the Drenthe-only facility
    kwartel_row = _row(html, kwartel)
    assert "row--stale" in kwartel_row and "Verouderd" in kwartel_row and "nooit bevestigd" in kwartel_row
    assert "verouderde opgave" in kwartel_row  # its 2 free places are marked
    merel_row = _row(html, fresh)
    assert "Actueel" in merel_row and "row--stale" not in merel_row
    # totals: 4 trusted free (Merel), 2 free only by a stale figure (Kwartel)
    assert "4 vrij volgens actuele opgave" in html and "2 vrij volgens verouderde opgave (1 locatie)" in html
    assert 'hx-trigger="every 30s"' in html and 'role="status"' in html
    assert 'href="/coordinator/capacity/" aria-current="page"' in html
    assert 'href="/coordinator/" aria-current' not in html


@pytest.mark.django_db
def test_board_filters_and_htmx_refresh_return_only_the_results(client, coordinator, kwartel, horst):
    closed = FacilityFactory(provider=horst, name="Gesloten groep", security_level="closed")
    client.force_login(coordinator)
    response = client.get(
        "/coordinator/capacity/?security_level=closed", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board-results"
    )
    html = response.content.decode()
    assert (
        response.status_code == 200 and "<html" not in html and html.lstrip().startswith('<section id="board-results"')
    )
    assert _rows(html) == [str(closed.pk)]
    assert "security_level=closed" in html  # the 30 s refresh keeps the filters
    full = client.get("/coordinator/capacity/?has_free=true&security_level=open").content.decode()
    assert _rows(full) == [str(kwartel.pk)] and "<html" in full
    assert 'id="id_has_free" name="has_free" value="true" checked' in full


@pytest.mark.django_db
def test_board_explains_a_bad_filter_next_to_the_field(client, coordinator, kwartel):
    client.force_login(coordinator)
    response = client.get("/coordinator/capacity/?age=99")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="age-error"' in html and 'id="age-error"' in html
    assert _rows(html) == []


@pytest.mark.django_db
def test_board_query_count_does_not_grow_with_facilities(client, coordinator, horst, twente):
    client.force_login(coordinator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/coordinator/capacity/").status_code == 200
        return len(captured)

    FacilityFactory.create_batch(2, provider=horst)
    few = count()
    FacilityFactory.create_batch(20, provider=horst, regions_served=[twente])
    assert count() == few


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERRER, Role.PROVIDER, Role.CONTRACT_MANAGER, Role.ADMIN])
def test_board_is_for_coordinators(client, make_member, twente, role):
    client.force_login(make_member(role, regions=[twente]))
    assert client.get("/coordinator/capacity/").status_code == 403


@pytest.mark.django_db
def test_coordinator_facility_page_and_outsider_404(client, coordinator, coordinator_drenthe, kwartel):
    client.force_login(coordinator)
    response = client.get(f"/coordinator/capacity/{kwartel.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Groep Kwartel" in html and 'id="occupancy-chart"' in html and "Opslaan en bevestigen" not in html
    client.force_login(coordinator_drenthe)
    assert client.get(f"/coordinator/capacity/{kwartel.pk}/").status_code == 404


# --- Provider screens -------------------------------------------------------------------------


@pytest.mark.django_db
def test_provider_home_lists_own_facilities_only(client, staff, kwartel, assen):
    client.force_login(staff)
    response = client.get("/provider/")
    html = response.content.decode()
    assert response.status_code == 200 and '<h1 class="utrecht-heading-1">Mijn locaties</h1>' in html
    assert _rows(html) == [str(kwartel.pk)] and "Groep Assen" not in html
    assert "Ongewijzigd bevestigen" in html


@pytest.mark.django_db
def test_provider_confirms_unchanged_in_one_click(client, staff, kwartel):
    client.force_login(staff)
    response = client.post(f"/provider/facilities/{kwartel.pk}/confirm/", {"next": "/provider/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/provider/"
    html = response.content.decode()
    assert "zijn bevestigd als ongewijzigd" in html
    kwartel.refresh_from_db()
    assert kwartel.last_confirmed_by == staff and (kwartel.places_staffed, kwartel.occupied_external) == (5, 3)
    assert "Actueel" in _row(html, kwartel)


@pytest.mark.django_db
def test_confirm_ignores_an_offsite_next(client, staff, kwartel):
    client.force_login(staff)
    response = client.post(f"/provider/facilities/{kwartel.pk}/confirm/", {"next": "https://evil.example/"})
    assert response["Location"] == "/provider/"


@pytest.mark.django_db
def test_provider_updates_availability_with_the_form(client, staff, kwartel):
    client.force_login(staff)
    page = client.get(f"/provider/facilities/{kwartel.pk}/").content.decode()
    assert 'name="places_staffed"' in page and 'value="5"' in page and 'id="occupancy-data"' in page
    response = client.post(
        f"/provider/facilities/{kwartel.pk}/availability/", {"places_staffed": "6", "occupied_external": "2"}
    )
    assert response.status_code == 302
    kwartel.refresh_from_db()
    assert (kwartel.places_staffed, kwartel.occupied_external, kwartel.places_free) == (6, 2, 4)
    assert AvailabilityChange.objects.filter(facility=kwartel, changed_by=staff).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"places_staffed": "7", "occupied_external": "0"}, "places_staffed", "gecontracteerd"),
        ({"places_staffed": "2", "occupied_external": "3"}, "occupied_external", "meer dan het aantal inzetbare"),
        ({"places_staffed": "-1", "occupied_external": "0"}, "places_staffed", "minstens 0"),
        ({"places_staffed": "vier", "occupied_external": "0"}, "places_staffed", "geheel getal"),
        ({"places_staffed": "4", "occupied_external": ""}, "occupied_external", "vereist"),
    ],
)
def test_update_form_shows_errors_next_to_the_field(client, staff, kwartel, data, field, message):
    client.force_login(staff)
    response = client.post(f"/provider/facilities/{kwartel.pk}/availability/", data)
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(rf'<p class="form-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1), html[html.index('<form method="post" action="/provider/facilities') :][
        :3000
    ]
    assert re.search(rf'name="{field}"[^>]*aria-describedby="{field}-help {field}-error" aria-invalid="true"', html)
    kwartel.refresh_from_db()
    assert (kwartel.places_staffed, kwartel.occupied_external, kwartel.last_confirmed_at) == (5, 3, None)


@pytest.mark.django_db
def test_another_provider_gets_404_and_nothing_changes(client, make_member, kwartel):
    other = make_member(Role.PROVIDER, organisation=provider_org())
    client.force_login(other)
    assert client.get(f"/provider/facilities/{kwartel.pk}/").status_code == 404
    assert (
        client.post(
            f"/provider/facilities/{kwartel.pk}/availability/", {"places_staffed": "1", "occupied_external": "0"}
        ).status_code
        == 404
    )
    assert client.post(f"/provider/facilities/{kwartel.pk}/confirm/").status_code == 404
    kwartel.refresh_from_db()
    assert (kwartel.places_staffed, kwartel.last_confirmed_at) == (5, None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.REFERRER, Role.CONTRACT_MANAGER])
def test_other_roles_cannot_use_provider_screens(client, make_member, twente, kwartel, role):
    client.force_login(make_member(role, regions=[twente]))
    assert client.post(f"/provider/facilities/{kwartel.pk}/confirm/").status_code == 403
    assert (
        client.post(
            f"/provider/facilities/{kwartel.pk}/availability/", {"places_staffed": "1", "occupied_external": "0"}
        ).status_code
        == 403
    )
    kwartel.refresh_from_db()
    assert kwartel.last_confirmed_at is None


@pytest.mark.django_db
def test_provider_page_shows_occupancy_chart_data_and_planned_changes(client, staff, kwartel, make_member):
    from capacity import services

    services.capacity_change_plan(
        facility=kwartel,
        by=make_member(Role.ADMIN),
        effective_date=timezone.localdate() + timedelta(days=30),
        places_contracted=4,
        note="Afbouw",
    )
    AvailabilityChange.objects.create(
        facility=kwartel,
        changed_at=timezone.now() - timedelta(days=10),
        kind="updated",
        places_contracted=6,
        places_staffed=6,
        occupied_internal=0,
        occupied_external=6,
        held=0,
    )
    client.force_login(staff)
    html = client.get(f"/provider/facilities/{kwartel.pk}/").content.decode()
    data = re.search(r'<script id="occupancy-data" type="application/json">(.*?)</script>', html).group(1)
    assert '"rate": 100.0' in data and data.count('"date"') == 90
    assert "Afbouw" in html and "Gepland" in html and "norm is 90 procent" in html
    assert "vendor/chartjs/chart.umd.js" in html


@pytest.mark.django_db
def test_empty_filter_fields_mean_no_filter(client, coordinator, kwartel, horst):
    other = FacilityFactory(provider=horst, name="Groep Uil")
    client.force_login(coordinator)
    response = client.get("/coordinator/capacity/?q=&care_type=&specialisation=&age=&gender=&region=&ordering=name")
    assert response.status_code == 200
    assert _rows(response.content.decode()) == [str(kwartel.pk), str(other.pk)]


@pytest.mark.django_db
def test_provider_page_average_occupancy_is_time_weighted(client, staff, kwartel):
    # 10 contracted with 5 occupied until 45 days ago, then 2 with 2 occupied. Averaging
    # the daily rates (50% and 100%) would say ~75%; place-days say (5*44 + 2*45) of
    # (10*44 + 2*45), about 58%.
    now = timezone.now()
    for days_ago, contracted, occupied in ((100, 10, 5), (45, 2, 2)):
        AvailabilityChange.objects.create(
            facility=kwartel,
            changed_at=now - timedelta(days=days_ago),
            kind="contract_changed",
            places_contracted=contracted,
            places_staffed=contracted,
            occupied_internal=0,
            occupied_external=occupied,
            held=0,
        )
    client.force_login(staff)
    html = client.get(f"/provider/facilities/{kwartel.pk}/").content.decode()
    average = float(re.search(r"Gemiddeld ([\d.,]+) procent", html).group(1).replace(",", "."))
    assert 58 <= average <= 59
    assert "de norm is 90 procent" in html
