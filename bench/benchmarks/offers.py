"""Matching for one request against up to 2,000 facilities, and the provider's inbox.

offers.matching: setup(scale) creates 125 * scale facilities spread over all 342
municipalities (scale 16 = 2,000), a mix of care types, security levels, genders and
ages, a third stale, every fourth with a recorded group (residents of mixed ages, genders
and levels); one request in matching whose coordinator covers every region, refused
before by three providers. The path is GET /api/v1/requests/{id}/matches (the fitting
facilities explained, one page of the unfit ones explained, the rest counted per failed
criterion). The floor (issue 15, a fair one) is one hand-written SQL statement returning
the same rows in the same order with the same content: the coordinator's scope, the
hard criteria (care type, age, gender, security with the machtiging, active on the start
date), the group rules, the refusals, the region, specialisation coverage, intensity
bands, distance and freshness, the failing criteria per facility and their counts, and
the facts each explanation is written from (names, places, ranges, distance, group).

offers.inbox: setup(scale) creates 25 * scale open offers to one provider (and as many
to another provider); the path is GET /provider/offers/, the floor the SQL for the same
open offers in deadline order.
"""

import re
from collections import Counter
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.geo import distance_km_sql
from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from accounts.selectors import region_ids_of
from bench.harness import Benchmark, register
from capacity.models import CareType, Facility, GroupResident, Specialisation
from capacity.rules import free_places_sql, is_stale_sql
from capacity.taxonomy import bands_load, taxonomy_load
from intake.models import ExplanatoryAnalysis, PlacementRequest, Status, Youth
from placement.matching import ALL_FACILITY_GENDERS, CLOSED, GROUP_ALONE_FROM, GROUP_MAX_AGE_SPREAD, LEVELS
from placement.models import Offer
from placement.selectors.matching import FAILED_ORDER, UNFIT_PAGE_SIZE, need_for_request
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
                # ranges that start and end at the youth's age (15) as well as around it
                age_min=min((12, 15, 16, 12, 14)[i % 5], (18, 15, 17)[i % 3]),
                age_max=(18, 15, 17)[i % 3],
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
    _groups(facilities[::4], user, now)
    placement_request, analysis = _request(referrer_org, referrer, Municipality.objects.get(code="GM0153"))
    _refusals(placement_request, analysis, [facilities[k] for k in (1, 2, 3)], referrer, now)
    client = Client()
    verified_login(client, user)  # password and second factor
    return {"client": client, "request": placement_request, "n": len(facilities), "membership": membership}


def _groups(facilities, user, now):
    """A current group in every given facility: 1-4 residents of mixed ages, genders, levels."""
    levels = ["lvb", "average", "above_average"]
    genders = ["male", "female", "male", "other"]
    Facility.objects.filter(pk__in=[f.pk for f in facilities]).update(group_recorded_at=now, group_recorded_by=user)
    GroupResident.objects.bulk_create(
        [
            GroupResident(
                facility_id=f.pk,
                position=k,
                age=12 + (i + 3 * k) % 7,
                gender=genders[(i + k) % 4],
                level=levels[(i * 5 + k) % 3],
                machtiging=(i + k) % 5 == 0,
            )
            for i, f in enumerate(facilities)
            for k in range(1 + i % 4)
        ]
    )


def _refusals(placement_request, analysis, facilities, referrer, now):
    """Earlier refusals of this request by the facilities' providers (the decline policy)."""
    Offer.objects.bulk_create(
        [
            Offer(
                request=placement_request,
                facility=f,
                provider_id=f.provider_id,
                analysis=analysis,
                pseudonym=f"AM-R{n:07d}",
                referral={"reference": f"AM-R{n:07d}"},
                status="declined",
                decline_reason="staffing",
                motivation="Te weinig personeel",
                created_at=now - timedelta(days=3 + n),
                answered_at=now - timedelta(days=2 + n),
                created_by=referrer,
                deadline=now - timedelta(days=1),
            )
            for n, f in enumerate(facilities)
        ]
    )


def _path_matching(context):
    response = context["client"].get(f"/api/v1/requests/{context['request'].pk}/matches")
    assert response.status_code == 200
    return matching_rows_of(response.json())


def matching_rows_of(body):
    """The API's answer as the floor gives it: each list's (facility id, failed codes) in
    order, and the unfit facilities counted per failed criterion."""
    lists = tuple(
        [(row["facility"]["id"], tuple(row["failed"])) for row in body[group]]
        for group in ("available", "full", "unfit")
    )
    counts = body.get("unfit_failed") or Counter(code for _id, failed in lists[2] for code in failed)
    return (*lists, dict(counts))


FLOOR_SQL = f"""
WITH refused AS (
    SELECT o.provider_id, max(o.answered_at) AS answered_at
    FROM placement_offer o
    WHERE o.request_id = %(request)s
      AND (o.status IN ('declined', 'expired') OR (o.status = 'fallen_through' AND o.fall_through_party = 'provider'))
    GROUP BY o.provider_id
), rows AS (
    SELECT f.id, f.name, p.name AS provider, m.name AS municipality, c.code AS care_type,
           {free_places_sql("f")} AS free,
           {is_stale_sql("f.last_confirmed_at", "%(now)s", "rg.freshness_days")} AS stale,
           f.last_confirmed_at, f.age_min, f.age_max, f.intensity_band,
           c.code = ANY(%(care_types)s) AS ok_care_type,
           f.age_min <= %(age)s AND %(age)s <= f.age_max AS ok_age,
           CASE WHEN %(gender_unknown)s THEN f.genders @> %(all_genders)s
                ELSE %(gender)s = ANY(f.genders) END AS ok_gender,
           CASE WHEN %(need_closed)s THEN f.security_level = 'closed' AND %(machtiging)s
                ELSE f.security_level <> 'closed' END AS ok_security,
           f.active_from <= %(start)s AND (f.active_until IS NULL OR %(start)s <= f.active_until) AS ok_active,
           r.provider_id IS NOT NULL AS declined, r.answered_at AS declined_at,
           m.region_id <> %(home_region)s AS other_region,
           {distance_km_sql("%(home_lat)s", "%(home_lon)s", "m.latitude", "m.longitude")} AS distance,
           (SELECT count(*) FROM capacity_facility_specialisations fs
              JOIN capacity_specialisation s ON s.id = fs.specialisation_id
             WHERE fs.facility_id = f.id AND s.code = ANY(%(specialisations)s)) AS covered,
           abs(array_position(%(bands)s, nullif(f.intensity_band, '')) - array_position(%(bands)s, %(intensity)s))
             AS band_gap,
           f.group_recorded_at IS NOT NULL AS has_group,
           g.n, g.min_age, g.max_age, g.same_gender, g.far, g.same_level, g.with_machtiging
    FROM capacity_facility f
    JOIN accounts_organisation p ON p.id = f.provider_id
    JOIN capacity_caretype c ON c.id = f.care_type_id
    JOIN accounts_municipality m ON m.id = f.municipality_id
    JOIN accounts_region rg ON rg.id = m.region_id
    LEFT JOIN refused r ON r.provider_id = f.provider_id
    LEFT JOIN LATERAL (
        SELECT count(*) AS n, min(gr.age) AS min_age, max(gr.age) AS max_age,
               count(*) FILTER (WHERE gr.gender = %(gender)s) AS same_gender,
               count(*) FILTER (WHERE abs(array_position(%(levels)s, gr.level::text) - %(level)s) >= 2) AS far,
               count(*) FILTER (WHERE array_position(%(levels)s, gr.level::text) = %(level)s) AS same_level,
               count(*) FILTER (WHERE gr.machtiging) AS with_machtiging
        FROM capacity_groupresident gr WHERE gr.facility_id = f.id
    ) g ON f.group_recorded_at IS NOT NULL
    WHERE (f.serves_nationally OR m.region_id = ANY(%(regions)s)
           OR EXISTS (SELECT 1 FROM capacity_facility_regions_served rs
                      WHERE rs.facility_id = f.id AND rs.region_id = ANY(%(regions)s)))
      AND f.active_from <= %(today)s AND (f.active_until IS NULL OR f.active_until >= %(today)s)
), judged AS (
    SELECT rows.*,
           COALESCE(n > 0 AND greatest(max_age, %(age)s) - least(min_age, %(age)s) > {GROUP_MAX_AGE_SPREAD}, FALSE)
             AS mis_age,
           COALESCE(n >= {GROUP_ALONE_FROM} AND %(gender)s IN ('female', 'male') AND same_gender = 0, FALSE)
             AS mis_gender,
           COALESCE(n > 0 AND (far > 0 OR (n >= {GROUP_ALONE_FROM} AND same_level = 0)), FALSE) AS mis_level
    FROM rows
), failing AS (
    SELECT judged.*,
           array_remove(ARRAY[
               CASE WHEN NOT ok_care_type THEN 'care_type' END, CASE WHEN NOT ok_age THEN 'age' END,
               CASE WHEN NOT ok_gender THEN 'gender' END, CASE WHEN NOT ok_security THEN 'security' END,
               CASE WHEN NOT ok_active THEN 'active' END,
               CASE WHEN %(group_hard)s AND mis_age THEN 'group_age' END,
               CASE WHEN %(group_hard)s AND mis_gender THEN 'group_gender' END,
               CASE WHEN %(group_hard)s AND mis_level THEN 'group_level' END
           ], NULL) AS failed,
           mis_age::int + mis_gender::int + mis_level::int AS misfits,
           CASE WHEN %(wanted)s = 0 THEN 1.0 ELSE covered::float / %(wanted)s END AS coverage,
           CASE WHEN band_gap IS NULL THEN 0.5 WHEN band_gap = 0 THEN 1.0 WHEN band_gap <= 2 THEN 0.75
                WHEN band_gap <= 4 THEN 0.5 ELSE 0.0 END AS intensity
    FROM judged
)
SELECT CASE WHEN cardinality(failed) > 0 THEN 'unfit' WHEN free > 0 AND NOT stale THEN 'available' ELSE 'full' END,
       id, failed, name, provider, municipality, care_type, free, stale, last_confirmed_at, age_min, age_max,
       round(distance::numeric, 1), covered, intensity_band, declined_at, n, min_age, max_age, same_gender, far,
       same_level, with_machtiging
FROM failing
ORDER BY 1, declined, other_region, misfits, coverage DESC, intensity DESC, round(distance::numeric, 1), stale, id
"""


def floor_params(context) -> dict:
    need = context["need"]
    now = timezone.now()
    return {
        "request": context["request"].pk,
        "now": now,
        "today": timezone.localdate(now),
        "care_types": list(need.care_types),
        "specialisations": sorted(need.specialisations),
        "wanted": len(need.specialisations),
        "age": need.age_at_start,
        "gender": need.gender,
        "gender_unknown": need.gender == "unknown",
        "all_genders": sorted(ALL_FACILITY_GENDERS),
        "need_closed": need.security == CLOSED,
        "machtiging": need.machtiging_valid,
        "start": need.start_date,
        "home_region": need.home_region_id,
        "home_lat": need.home_lat,
        "home_lon": need.home_lon,
        "bands": list(need.band_order),
        "intensity": need.intensity,
        "levels": LEVELS,
        "level": LEVELS.index(need.level) + 1,
        "group_hard": need.group_fit_hard,
        "regions": context["regions"],
    }


def _floor_matching(context):
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, floor_params(context))
        rows = cursor.fetchall()
    lists = {"available": [], "full": [], "unfit": []}
    counts = Counter()
    for row in rows:
        lists[row[0]].append((row[1], tuple(row[2])))
        counts.update(row[2])
    order = {code: n for n, code in enumerate(FAILED_ORDER)}
    return (
        lists["available"],
        lists["full"],
        lists["unfit"][: context.get("page_size", UNFIT_PAGE_SIZE)],
        dict(sorted(counts.items(), key=lambda item: order[item[0]])),
    )


def _prepare_matching(scale):
    context = _setup_matching(scale)
    return with_need(context)


def with_need(context):
    """The request's need and the coordinator's regions, worked out once (both sides use them)."""
    context["request"] = PlacementRequest.objects.get(pk=context["request"].pk)  # with its analysis
    context["need"] = need_for_request(context["request"])
    context["regions"] = sorted(region_ids_of(context["membership"]))
    return context


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
            "GET /api/v1/requests/{id}/matches (3 lists, shown rows explained) vs SQL for the same rows and order"
        ),
        setup=_prepare_matching,
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
