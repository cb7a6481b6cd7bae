"""Demo data, the taxonomy migration, and the Django admin for administrators."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import membership_with_role
from capacity import selectors
from capacity.models import AvailabilityChange, CareType, Facility, PlannedCapacityChange, Specialisation
from tests.capacity.factories import FacilityFactory, care_type, municipality, provider_org


@pytest.mark.django_db
def test_taxonomy_is_seeded_by_migration():
    assert CareType.objects.count() >= 11 and Specialisation.objects.count() >= 9
    assert CareType.objects.get(code="jeugdzorgplus").requires_authorisation is True
    assert CareType.objects.get(code="gezinshuis").cbs_care_form == "12"


@pytest.mark.django_db
def test_demo_has_facilities_in_both_regions_some_stale_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    admin = membership_with_role(User.objects.get(username="admin"), Role.ADMIN)
    facilities = list(selectors.facility_list(membership=admin))
    regions = {f.municipality.region.code for f in facilities}
    assert len(facilities) >= 10 and regions == {"JZ14", "JZ04"}
    assert any(f.is_stale for f in facilities) and any(not f.is_stale for f in facilities)
    assert {f.provider.name for f in facilities} == {"Jeugdzorg De Horst (demo)", "Stichting Het Esch (demo)"}
    assert all(f.places_free >= 0 for f in facilities)
    history = AvailabilityChange.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Facility.objects.count() == len(facilities) and AvailabilityChange.objects.count() == history
    # coordinators of both regions see something, and the chart has history
    for username in ("coordinator", "coordinator2"):
        user = User.objects.get(username=username)
        membership = membership_with_role(user, Role.COORDINATOR)
        assert selectors.facility_list(membership=membership).exists()
    series = selectors.occupancy_series(facility=facilities[0])
    assert sum(1 for p in series if p["rate"] is not None) > 60


@pytest.fixture
def admin_client(client, make_member):
    user = make_member(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
def test_admin_pages_for_providers_facilities_and_taxonomies(admin_client, twente):
    facility = FacilityFactory()
    for url in [
        "/admin/capacity/facility/",
        f"/admin/capacity/facility/{facility.pk}/change/",
        "/admin/capacity/facility/add/",
        "/admin/capacity/provider/",
        f"/admin/capacity/provider/{facility.provider.pk}/change/",
        "/admin/capacity/caretype/",
        "/admin/capacity/specialisation/",
        "/admin/capacity/plannedcapacitychange/add/",
        "/admin/capacity/availabilitychange/",
    ]:
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_admin_adds_a_facility_through_the_service(admin_client, twente):
    provider = provider_org()
    response = admin_client.post(
        "/admin/capacity/facility/add/",
        {
            "provider": provider.pk,
            "name": "Admin-groep",
            "address": "Laan 2",
            "postcode": "7511 AB",
            "municipality": municipality().pk,
            "care_type": care_type("woongroep").pk,
            "security_level": "open",
            "age_min": 12,
            "age_max": 18,
            "genders": ["female", "male"],
            "intensity_band": "M",
            "group_size": 6,
            "care_product_code": "",
            "serves_nationally": "on",
            "active_from": "2025-01-01",
            "places_contracted": 6,
            "specialisations": [Specialisation.objects.get(code="trauma").pk],
            "regions_served": [twente.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    facility = Facility.objects.get(name="Admin-groep")
    assert facility.genders == ["female", "male"] and list(facility.specialisations.values_list("code", flat=True)) == [
        "trauma"
    ]
    assert AvailabilityChange.objects.get(facility=facility).changed_by == admin_client.user
    assert facility.last_confirmed_at is None


@pytest.mark.django_db
def test_admin_plans_a_capacity_change(admin_client, twente):
    facility = FacilityFactory()
    response = admin_client.post(
        "/admin/capacity/plannedcapacitychange/add/",
        {
            "facility": facility.pk,
            "effective_date": timezone.localdate().isoformat(),
            "places_contracted": 8,
            "note": "Opbouw",
        },
    )
    assert response.status_code == 302
    change = PlannedCapacityChange.objects.get(facility=facility)
    assert change.status == "planned" and change.created_by == admin_client.user
    past = admin_client.post(
        "/admin/capacity/plannedcapacitychange/add/",
        {
            "facility": facility.pk,
            "effective_date": "2020-01-01",
            "places_contracted": 8,
        },
    )
    assert past.status_code == 200 and "verleden" in past.content.decode()


@pytest.mark.django_db
def test_coordinator_navigation_has_work_queue_and_capacity(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()
    assert 'href="/coordinator/" aria-current="page">Werkvoorraad' in html
    assert 'href="/coordinator/capacity/">Capaciteit' in html
