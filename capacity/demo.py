"""Demo facilities for Twente (De Horst, Het Esch) and Drenthe (Het Esch), some stale.

Idempotent: a facility that exists (by provider and name) is left as it is, so figures
changed while demonstrating survive a re-seed. New facilities get 90 days of plausible,
deterministic history so the occupancy chart has something to show. Backdating history
is demo-only work done here directly; the product itself writes only through services.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Municipality, Region, User
from capacity.contract_demo import seed_contracts
from capacity.models import AvailabilityChange, CareType, Facility, Specialisation
from capacity.taxonomy import bands_load, taxonomy_load
from core.events import event_record

# key, provider key, name, address, postcode, municipality code, care type, specialisations,
# security, ages, genders, band, group size, contracted, staffed, free, days since confirmed (None: never),
# serves (region codes, or "NL")
FACILITIES = [
    (
        "horst",
        "De Horst – Groep Kwartel",
        "Kwartelstraat 4",
        "7511 AB",
        "GM0153",
        "kwv-open",
        ["trauma", "hechting"],
        "open",
        (12, 17),
        ["female", "male", "other"],
        "M",
        6,
        6,
        5,
        0,
        1,
        ["JZ14"],
    ),
    (
        "horst",
        "De Horst – Behandelgroep Esmarke",
        "Esmarkelaan 120",
        "7541 WD",
        "GM0153",
        "behandelgroep",
        ["psychiatrie", "autisme"],
        "open",
        (12, 18),
        ["female", "male", "other"],
        "P",
        8,
        8,
        7,
        1,
        2,
        ["JZ14"],
    ),
    (
        "horst",
        "De Horst – Gesloten KWV Lonneker",
        "Lonnekerweg 9",
        "7524 PP",
        "GM0153",
        "kwv-gesloten",
        ["agressie", "uitbuiting"],
        "closed",
        (12, 18),
        ["female", "male"],
        "T",
        5,
        5,
        5,
        0,
        12,
        "NL",
    ),
    (
        "horst",
        "De Horst – Gezinshuis Hengelo",
        "Deldenerstraat 33",
        "7551 AE",
        "GM0164",
        "gezinshuis",
        [],
        "open",
        (4, 16),
        ["female", "male", "other"],
        "K",
        4,
        4,
        3,
        1,
        0,
        ["JZ14"],
    ),
    (
        "horst",
        "De Horst – Crisisplaatsen Almelo",
        "Wierdensestraat 80",
        "7607 GJ",
        "GM0141",
        "crisis",
        ["trauma"],
        "open",
        (12, 18),
        ["female", "male", "other"],
        "Z",
        4,
        4,
        4,
        2,
        None,
        ["JZ14"],
    ),
    (
        "esch",
        "Het Esch – Kamertraining Oldenzaal",
        "Steenstraat 12",
        "7571 BJ",
        "GM0173",
        "kamertraining",
        ["lvb"],
        "open",
        (16, 23),
        ["female", "male", "other"],
        "K",
        6,
        6,
        6,
        1,
        1,
        ["JZ14"],
    ),
    (
        "esch",
        "Het Esch – LVB-woonvorm Haaksbergen",
        "Markt 5",
        "7481 HS",
        "GM0158",
        "lvb-woonvorm",
        ["lvb", "sgg"],
        "open",
        (12, 18),
        ["male"],
        "P",
        6,
        6,
        4,
        2,
        9,
        ["JZ14", "JZ04"],
    ),
    (
        "esch",
        "Het Esch – Moeder-kindhuis Assen",
        "Kloosterstraat 2",
        "9401 KD",
        "GM0106",
        "moeder-kindhuis",
        ["jonge-moeders"],
        "open",
        (15, 23),
        ["female"],
        "M",
        4,
        4,
        4,
        0,
        2,
        ["JZ04"],
    ),
    (
        "esch",
        "Het Esch – Woongroep Emmen",
        "Hoofdstraat 40",
        "7811 EP",
        "GM0114",
        "woongroep",
        ["verslaving"],
        "open",
        (14, 18),
        ["female", "male", "other"],
        "M",
        8,
        8,
        6,
        1,
        1,
        ["JZ04"],
    ),
    (
        "esch",
        "Het Esch – Driemilieu Hoogeveen",
        "Alteveerstraat 7",
        "7907 AA",
        "GM0118",
        "driemilieu",
        ["eetstoornis", "psychiatrie"],
        "open",
        (12, 18),
        ["female", "male", "other"],
        "T",
        6,
        10,
        8,
        1,
        10,
        ["JZ04", "JZ14"],
    ),
    (
        "esch",
        "Het Esch – JeugdzorgPlus Meppel",
        "Zuiderweg 1",
        "7941 AA",
        "GM0119",
        "jeugdzorgplus",
        ["agressie", "sgg"],
        "closed",
        (12, 18),
        ["female", "male"],
        "Z",
        8,
        16,
        14,
        1,
        3,
        "NL",
    ),
]
STAFF = {"horst": "provider", "esch": "provider2"}


def seed(organisations):
    taxonomy_load()
    bands_load()
    rng = random.Random(20250701)
    now = timezone.now()
    care_types = {c.code: c for c in CareType.objects.all()}
    specialisations = {s.code: s for s in Specialisation.objects.all()}
    regions = {r.code: r for r in Region.objects.filter(code__in=["JZ14", "JZ04"])}
    for org_key, name, address, postcode, muni, care_type, specs, security, (
        age_min,
        age_max,
    ), genders, band, group, contracted, staffed, free, confirmed_days, serves in FACILITIES:
        provider = organisations[org_key]
        if Facility.objects.filter(provider=provider, name=name).exists():
            continue
        staff = User.objects.get(username=STAFF[org_key])
        confirmed_at = None if confirmed_days is None else now - timedelta(days=confirmed_days, hours=2)
        occupied = staffed - free  # demo youth count as placed from outside (no demo placements yet)
        facility = Facility.objects.create(
            provider=provider,
            name=name,
            address=address,
            postcode=postcode,
            municipality=Municipality.objects.get(code=muni),
            care_type=care_types[care_type],
            security_level=security,
            age_min=age_min,
            age_max=age_max,
            genders=genders,
            intensity_band=band,
            group_size=group,
            places_contracted=contracted,
            places_staffed=staffed,
            occupied_external=occupied,
            serves_nationally=serves == "NL",
            active_from=(now - timedelta(days=400)).date(),
            care_product_code=f"45A{rng.randint(10, 99)}",
            last_confirmed_at=confirmed_at,
            last_confirmed_by=staff if confirmed_at else None,
        )
        facility.specialisations.set([specialisations[code] for code in specs])
        facility.regions_served.set([] if serves == "NL" else [regions[code] for code in serves])
        _backdated_history(facility, staff, rng, now, staffed=staffed, last_at=confirmed_at or now - timedelta(hours=3))
        event_record(subject=facility, event_type="facility.created", organisation=provider, details={"demo": True})
    seed_contracts(organisations)  # issue 12 part "contracts"


def _backdated_history(facility, staff, rng, now, *, staffed, last_at):
    """A change every few days over 90 days, occupancy wandering near full, ending in
    the facility's current figures at `last_at`."""
    figures = {
        "places_contracted": facility.places_contracted,
        "places_staffed": staffed,
        "occupied_internal": 0,
        "held": 0,
    }
    moment = now - timedelta(days=90)
    rows = [
        AvailabilityChange(
            facility=facility,
            changed_at=moment,
            kind=AvailabilityChange.Kind.CREATED,
            occupied_external=max(0, staffed - 2),
            **figures,
        )
    ]
    occupied = max(0, staffed - 2)
    moment += timedelta(days=rng.randint(1, 4))
    while moment < last_at - timedelta(days=1):
        occupied = max(0, min(staffed, occupied + rng.choice([-1, 0, 1, 1])))
        rows.append(
            AvailabilityChange(
                facility=facility,
                changed_at=moment,
                changed_by=staff,
                kind=AvailabilityChange.Kind.UPDATED,
                occupied_external=occupied,
                **figures,
            )
        )
        moment += timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 12))
    rows.append(
        AvailabilityChange(
            facility=facility,
            changed_at=last_at,
            changed_by=staff if facility.last_confirmed_at else None,
            kind=AvailabilityChange.Kind.UPDATED,
            occupied_external=facility.occupied_external,
            **figures,
        )
    )
    AvailabilityChange.objects.bulk_create(rows)
