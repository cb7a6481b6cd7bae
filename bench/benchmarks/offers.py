"""Matching for one request against up to 2,000 facilities, and the provider's inbox.

offers.matching: setup(scale) creates 125 * scale facilities spread over all 342
municipalities (scale 16 = 2,000), a mix of care types, security levels, genders and
ages, a third stale; one request in matching whose coordinator covers every region.
The path is GET /api/v1/requests/{id}/matches (all three lists with explanations); the
floor is one hand-written SQL statement that sorts the same facilities into the same
three groups by the hard criteria and fresh free places.

offers.inbox: setup(scale) creates 25 * scale open offers to one provider (and as many
to another provider); the path is GET /provider/offers/, the floor the SQL for the same
open offers in deadline order.
"""

import re
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from bench.harness import Benchmark, register
from capacity.models import CareType, Facility, Specialisation
from capacity.taxonomy import bands_load, taxonomy_load
from intake.models import ExplanatoryAnalysis, PlacementRequest, Status, Youth
from placement.models import Offer
from tests.accounts.two_factor import verified_login

NEED = {
    "care_types": ["behandelgroep", "kwv-open"],
    "specialisations": ["trauma"],
    "intensity": "M",
    "security": "open",
}


def _base(tag):
    reference_data_load()
    taxonomy_load()
    bands_load()
    referrer_org = Organisation.objects.create(
        name=f"Bench wijkteam {tag}", kind=Organisation.Kind.REFERRER, referrer_code="01"
    )
    referrer = User.objects.create(username=f"bench-referrer-{tag}")
    Membership.objects.create(user=referrer, organisation=referrer_org, role=Role.REFERRER)
    return referrer_org, referrer


def _request(referrer_org, referrer, municipality, n=0, status=Status.MATCHING):
    youth = Youth.objects.create(
        given_names="Bench",
        family_name=f"Jeugdige{n}",
        birth_date=date(2011, 5, 1),
        gender="male",
        municipality=municipality,
    )
    placement_request = PlacementRequest.objects.create(
        youth=youth,
        referrer_organisation=referrer_org,
        referrer=referrer,
        region=municipality.region,
        status=status,
        referral_date=timezone.localdate(),
    )
    analysis = ExplanatoryAnalysis.objects.create(request=placement_request, version=1, created_by=referrer, **NEED)
    PlacementRequest.objects.filter(pk=placement_request.pk).update(analysis=analysis)
    return placement_request, analysis


def _setup_matching(scale):
    referrer_org, referrer = _base("m")
    now = timezone.now()
    coordination = Organisation.objects.create(name="Bench coördinatie", kind=Organisation.Kind.COORDINATION)
    user = User.objects.create(username="bench-coordinator")
    membership = Membership.objects.create(user=user, organisation=coordination, role=Role.COORDINATOR)
    membership.regions.set(Region.objects.all())
    providers = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench aanbieder {i}", kind=Organisation.Kind.PROVIDER, agb_code=f"{96000000 + i:08d}")
            for i in range(max(10, 5 * scale))
        ]
    )
    municipalities = list(Municipality.objects.order_by("code"))
    care_types = list(CareType.objects.order_by("code"))
    specialisations = list(Specialisation.objects.order_by("code"))
    genders = [["female", "male", "other"], ["male"], ["female"], ["female", "male"]]
    facilities = Facility.objects.bulk_create(
        [
            Facility(
                provider=providers[i % len(providers)],
                name=f"Bench locatie {i:05d}",
                address="Laan 1",
                postcode="1234 AB",
                municipality=municipalities[(i * 7) % len(municipalities)],
                care_type=care_types[i % len(care_types)],
                security_level="closed" if i % 9 == 0 else "open",
                age_min=12 if i % 5 else 16,
                age_max=18,
                genders=genders[i % 4],
                intensity_band="KLMNOPQRSTUVWXYZ"[i % 16],
                group_size=6,
                places_contracted=6,
                places_staffed=6,
                occupied_external=(i * 3) % 7,
                serves_nationally=True,
                last_confirmed_at=now - timedelta(days=i % 12),
                last_confirmed_by=user,
            )
            for i in range(125 * scale)
        ]
    )
    Facility.specialisations.through.objects.bulk_create(
        [
            Facility.specialisations.through(
                facility_id=f.pk, specialisation_id=specialisations[(i + k) % len(specialisations)].pk
            )
            for i, f in enumerate(facilities)
            for k in range(2)
        ]
    )
    placement_request, _analysis = _request(referrer_org, referrer, Municipality.objects.get(code="GM0153"))
    client = Client()
    verified_login(client, user)  # password and second factor
    return {"client": client, "request": placement_request, "n": len(facilities)}


def _path_matching(context):
    response = context["client"].get(f"/api/v1/requests/{context['request'].pk}/matches")
    assert response.status_code == 200
    body = response.json()
    return tuple(sorted(row["facility"]["id"] for row in body[group]) for group in ("available", "full", "unfit"))


def _floor_matching(context):
    placement_request = context["request"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH need AS (
                SELECT a.care_types, a.security,
                       date_part('year', age(current_date, y.birth_month))::int AS age
                FROM placement_placementrequest r
                JOIN placement_youth y ON y.id = r.youth_id
                JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
                WHERE r.id = %(request)s
            )
            SELECT f.id,
                   (c.code = ANY(need.care_types) AND need.age BETWEEN f.age_min AND f.age_max
                    AND 'male' = ANY(f.genders) AND f.security_level = need.security
                    AND f.active_from <= current_date
                    AND (f.active_until IS NULL OR f.active_until >= current_date)) AS fits,
                   (f.places_staffed - f.occupied_internal - f.occupied_external - f.held) > 0
                    AND NOT (f.last_confirmed_at IS NULL
                             OR f.last_confirmed_at < clock_timestamp() - rg.freshness_days * interval '1 day')
                   AS free_fresh
            FROM capacity_facility f
            JOIN capacity_caretype c ON c.id = f.care_type_id
            JOIN accounts_municipality m ON m.id = f.municipality_id
            JOIN accounts_region rg ON rg.id = m.region_id
            CROSS JOIN need
            WHERE f.active_from <= current_date AND (f.active_until IS NULL OR f.active_until >= current_date)
            """,
            {"request": placement_request.pk},
        )
        rows = cursor.fetchall()
    available = sorted(i for i, fits, free in rows if fits and free)
    full = sorted(i for i, fits, free in rows if fits and not free)
    unfit = sorted(i for i, fits, _free in rows if not fits)
    return available, full, unfit


def _setup_inbox(scale):
    referrer_org, referrer = _base("i")
    provider, other = Organisation.objects.bulk_create(
        [
            Organisation(name="Bench inbox aanbieder", kind=Organisation.Kind.PROVIDER, agb_code="95000001"),
            Organisation(name="Bench andere aanbieder", kind=Organisation.Kind.PROVIDER, agb_code="95000002"),
        ]
    )
    staff = User.objects.create(username="bench-provider")
    Membership.objects.create(user=staff, organisation=provider, role=Role.PROVIDER)
    municipality = Municipality.objects.get(code="GM0153")
    care_type = CareType.objects.get(code="behandelgroep")
    facilities = Facility.objects.bulk_create(
        [
            Facility(
                provider=org,
                name=f"Bench inbox {org.pk}",
                address="Laan 1",
                postcode="1234 AB",
                municipality=municipality,
                care_type=care_type,
                age_min=12,
                age_max=18,
                genders=["male"],
                intensity_band="M",
                group_size=6,
                places_contracted=999,
                places_staffed=999,
            )
            for org in (provider, other)
        ]
    )
    now = timezone.now()
    offers = []
    for n in range(50 * scale):
        facility = facilities[n % 2]
        placement_request, analysis = _request(referrer_org, referrer, municipality, n, status=Status.OFFERED)
        offers.append(
            Offer(
                request=placement_request,
                facility=facility,
                provider_id=facility.provider_id,
                analysis=analysis,
                pseudonym=f"AM-B{n:07d}",
                referral={"reference": f"AM-B{n:07d}", "age": 14},
                created_at=now,
                created_by=referrer,
                deadline=now + timedelta(days=1 + n % 9, minutes=n),
            )
        )
    Offer.objects.bulk_create(offers)
    client = Client()
    verified_login(client, staff)  # password and second factor
    return {"client": client, "provider": provider.pk, "n": len(offers) // 2}


def _path_inbox(context):
    response = context["client"].get("/provider/offers/")
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'data-offer-id="(\d+)"', response.content.decode())]


def _floor_inbox(context):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT o.id, o.pseudonym, o.deadline, o.reconfirm_availability, o.referral, f.name
               FROM placement_offer o JOIN capacity_facility f ON f.id = o.facility_id
               WHERE o.provider_id = %s AND o.status = 'open' ORDER BY o.deadline, o.id""",
            [context["provider"]],
        )
        return [row[0] for row in cursor.fetchall()]


register(
    Benchmark(
        name="offers.matching",
        description=(
            "GET /api/v1/requests/{id}/matches (3 lists with explanations) vs raw SQL grouping the same facilities"
        ),
        setup=_setup_matching,
        path=_path_matching,
        floor=_floor_matching,
        same_rows=lambda a, b: tuple(a) == tuple(b),
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)

register(
    Benchmark(
        name="offers.inbox",
        description="GET /provider/offers/ (open offers by deadline) vs raw SQL for the same offers",
        setup=_setup_inbox,
        path=_path_inbox,
        floor=_floor_inbox,
        same_rows=lambda a, b: a == b,
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)
