"""Capacity board and GET /api/v1/facilities with up to 2,000 facilities nationally.

setup(scale) creates 125 * scale facilities spread over all 342 municipalities (scale 16
= 2,000), one in ten serving nationally, the rest serving their own region, a third of
them stale. The coordinator's membership covers every region (a national view), so every
facility is relevant and the page and API must filter, sort, total and page all of them.
Both paths show the first 250 rows; the floor is the hand-written SQL returning the same
rows (and, for the board, the same totals).
"""

import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from bench.harness import Benchmark, register
from capacity.models import CareType, Facility, Specialisation
from capacity.taxonomy import bands_load, taxonomy_load
from tests.accounts.two_factor import verified_login

PAGE = 250


def _setup(scale):
    reference_data_load()
    taxonomy_load()
    bands_load()
    now = timezone.now()
    coordination = Organisation.objects.create(name="Bench coördinatie", kind=Organisation.Kind.COORDINATION)
    user = User.objects.create(username="bench-coordinator")
    membership = Membership.objects.create(user=user, organisation=coordination, role=Role.COORDINATOR)
    regions = list(Region.objects.order_by("code"))
    membership.regions.set(regions)
    providers = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench aanbieder {i}", kind=Organisation.Kind.PROVIDER, agb_code=f"{96000000 + i:08d}")
            for i in range(max(10, 5 * scale))
        ]
    )
    municipalities = list(Municipality.objects.order_by("code"))
    care_types = list(CareType.objects.order_by("code"))
    specialisations = list(Specialisation.objects.order_by("code"))
    facilities = []
    for i in range(125 * scale):
        staffed = 4 + i % 5
        facilities.append(
            Facility(
                provider=providers[i % len(providers)],
                name=f"Bench locatie {i:05d}",
                address="Laan 1",
                postcode="1234 AB",
                municipality=municipalities[(i * 7) % len(municipalities)],
                care_type=care_types[i % len(care_types)],
                security_level="closed" if i % 9 == 0 else "open",
                age_min=12,
                age_max=18,
                genders=["female", "male"],
                intensity_band="M",
                group_size=6,
                places_contracted=staffed + i % 2,
                places_staffed=staffed,
                occupied_external=(i * 3) % (staffed + 1),
                serves_nationally=i % 10 == 0,
                last_confirmed_at=now - timedelta(days=i % 12),
                last_confirmed_by=user,
            )
        )
    facilities = Facility.objects.bulk_create(facilities)
    Facility.specialisations.through.objects.bulk_create(
        [
            Facility.specialisations.through(
                facility_id=f.pk, specialisation_id=specialisations[(i + k) % len(specialisations)].pk
            )
            for i, f in enumerate(facilities)
            for k in range(2)
        ]
    )
    Facility.regions_served.through.objects.bulk_create(
        [
            Facility.regions_served.through(facility_id=f.pk, region_id=f.municipality.region_id)
            for f in facilities
            if not f.serves_nationally
        ]
    )
    client = Client()
    verified_login(client, user)  # password and second factor
    return {"client": client, "region_ids": [r.pk for r in regions], "n": len(facilities)}


_FROM = """
    FROM capacity_facility f
    JOIN accounts_municipality m ON m.id = f.municipality_id
    JOIN accounts_region r ON r.id = m.region_id
"""
_WHERE = """
    WHERE f.active_from <= current_date AND (f.active_until IS NULL OR f.active_until >= current_date)
      AND (f.serves_nationally OR m.region_id = ANY(%(regions)s)
           OR EXISTS (SELECT 1 FROM capacity_facility_regions_served s
                      WHERE s.facility_id = f.id AND s.region_id = ANY(%(regions)s)))
"""
_VISIBLE = _FROM + _WHERE
_STALE = (
    "(f.last_confirmed_at IS NULL OR f.last_confirmed_at < clock_timestamp() - r.freshness_days * interval '1 day')"
)
_FREE = "(f.places_staffed - f.occupied_internal - f.occupied_external - f.held)"


def _floor_rows(context):
    """The same rows with the columns the API shows (provider, place, care type, figures,
    specialisations), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT f.id, {_FREE}, {_STALE}, f.name, p.name, p.agb_code, m.code, m.name, r.code, r.name,
                       c.code, c.label, f.places_contracted, f.places_staffed, f.occupied_internal,
                       f.occupied_external, f.held, f.last_confirmed_at,
                       ARRAY(SELECT sp.code FROM capacity_facility_specialisations fs
                             JOIN capacity_specialisation sp ON sp.id = fs.specialisation_id
                             WHERE fs.facility_id = f.id ORDER BY sp.sort_order, sp.label)
                {_FROM}
                JOIN accounts_organisation p ON p.id = f.provider_id
                JOIN capacity_caretype c ON c.id = f.care_type_id
                {_WHERE}
                ORDER BY f.name, f.id LIMIT {PAGE}""",
            {"regions": context["region_ids"]},
        )
        return [(row[0], row[1], row[2]) for row in cursor.fetchall()]


def _floor_board(context):
    rows = _floor_rows(context)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), sum({_FREE}) FILTER (WHERE NOT {_STALE}), "
            f"sum({_FREE}) FILTER (WHERE {_STALE}) {_VISIBLE}",
            {"regions": context["region_ids"]},
        )
        count, free, free_stale = cursor.fetchone()
    return [row[0] for row in rows], (count, free or 0, free_stale or 0)


def _path_board(context):
    response = context["client"].get("/coordinator/capacity/")
    assert response.status_code == 200
    html = response.content.decode()
    ids = [int(i) for i in re.findall(r'data-facility-id="(\d+)"', html)]
    count = int(re.search(r"(\d+) locaties? ·", html).group(1))
    free = int(re.search(r"(\d+) vrij volgens actuele opgave", html).group(1))
    stale = re.search(r"(\d+) vrij volgens verouderde opgave", html)
    return ids, (count, free, int(stale.group(1)) if stale else 0)


def _path_api(context):
    response = context["client"].get(f"/api/v1/facilities?page_size={PAGE}")
    assert response.status_code == 200
    return [(f["id"], f["places_free"], f["is_stale"]) for f in response.json()["results"]]


register(
    Benchmark(
        name="capacity.board",
        description="GET /coordinator/capacity/ (first 250 rows + totals, national coordinator) vs raw SQL",
        setup=_setup,
        path=_path_board,
        floor=_floor_board,
        same_rows=lambda a, b: a == b,
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)

register(
    Benchmark(
        name="capacity.api.facilities",
        description="GET /api/v1/facilities?page_size=250 (national coordinator) vs raw SQL for the same rows",
        setup=_setup,
        path=_path_api,
        floor=_floor_rows,
        same_rows=lambda a, b: a == b,
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)
