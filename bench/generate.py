"""Deterministic national-scale data for the reporting benchmarks.

`generate(scale)` with scale 16 = national: all 42 regions (342 municipalities), ~350
providers, 2,000 facilities, five years ending today with ~200,000 requests (and youth,
analyses), their offers (0-4 each, declines with reasons, expiries, withdrawals),
placements (most ended, CBS end reasons), transfers (each a new linked request), waiting
periods, events and monthly availability history per facility. Scale s creates s/16 of
that. Rows go in with PostgreSQL COPY (psycopg's cursor.copy), ids assigned here, and the
sequences are moved past them afterwards. Same seed, same rows.

One generator, two users (issue 12):
- `generate(scale)`: the benchmarks' national data (all regions, five years);
- `demo_history(regions, years=, per_region_year=)`: the demo's history for a few regions,
  with what a demo needs and the benchmarks leave out (`Realism`: crisis placements,
  re-entries, planned capacity changes, old open requests closed, names, current figures).
Both call `history(spec)`, which holds every rule of how the rows are made. With
`realism=None` it draws exactly the random numbers it always did, so the national rows
stay the same for the same seed (tests/bench/test_generate_national.py checks a checksum).
A part that needs rows of its own (contracts, indicators) adds one function next to
`history` and calls it from `generate` and/or `demo_history` after `history(...)`; rows
the benchmarks did not have before belong behind `realism` or after `history`, so the
national checksum stays (or is renewed on purpose, saying why).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from capacity.models import AvailabilityChange, CareType, Facility, PlannedCapacityChange
from capacity.taxonomy import bands_load, taxonomy_load
from core.fields import DerivedField, EncryptedField
from core.models import Event
from intake.models import ExplanatoryAnalysis, PlacementRequest, Youth
from placement.models import AftercareDestination, Offer, Placement, Transfer, WaitingPeriod
from placement.models.offers import FallThroughReason

REQUESTS_PER_SCALE = 12_500
FACILITIES_PER_SCALE = 125
PROVIDERS_PER_SCALE = 22
REASONS = [
    "no_place",
    "outside_target_group",
    "beyond_expertise",
    "group_composition",
    "staffing",
    "age_limit",
    "other",
]


def _base(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


FALL_THROUGH_REASONS = list(FallThroughReason.values)

# Issue 11: every ended placement has an after-care destination (database check).
AFTERCARE = [d for d in AftercareDestination.values for _ in range(3 if d in ("home", "lighter_care") else 1)]


def copy_rows(model, rows: list[dict]) -> None:
    """COPY rows into the model's table; fields not given get their model default."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults = {}  # for every field: rows may differ in the keys they give (crisis placements)
    for f in fields:
        if not f.primary_key:
            value = f.get_default()
            defaults[f.attname] = json.dumps(value) if f.get_internal_type() == "JSONField" else value
    # Encrypted and derived columns (core.fields) are what the field makes of the value.
    stored = [f for f in fields if isinstance(f, (EncryptedField, DerivedField))]
    raw = connection.cursor().cursor  # psycopg cursor inside Django's transaction
    with raw.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = {f.attname: row[f.attname] if f.attname in row else defaults[f.attname] for f in fields}
            if stored:
                instance = model(**values)
                for f in stored:
                    values[f.attname] = f.get_db_prep_save(f.pre_save(instance, True), connection)
            copy.write_row([values[f.attname] for f in fields])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
            f"(SELECT COALESCE(max(id), 1) FROM {model._meta.db_table}))"
        )


def _owns(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class WHERE oid = %s::regclass", [table]
        )
        return cursor.fetchone()[0]


@dataclass
class Realism:
    """What a demo needs and the benchmarks leave out. Draws from its own random stream,
    so switching it on never changes the draws of the rows the benchmarks also make."""

    seed: int
    crisis_share: float = 0.07  # new requests that start with a crisis placement
    crisis_followed_share: float = 0.7  # crisis placements followed by a longer-term place
    fall_through_share: float = 0.08  # accepted offers refused after the introduction
    reentry_share: float = 0.1  # ended placements after which the youth comes back
    close_open_after_days: int = 90  # older requests never placed close (the queue stays real)
    planned_future: int = 3  # afbouw/opbouw still to come, per region
    given_names: tuple[str, ...] = ()
    family_names: tuple[str, ...] = ()


@dataclass
class HistorySpec:
    """Where, when and how much: the parameters of one generated history."""

    rng: random.Random
    regions: list  # Region rows, by code
    first_day: dt.date
    today: dt.date
    requests: int  # first requests (transfers, re-entries and crisis follow-ups come on top)
    facilities: int
    providers: list  # provider Organisations the facilities belong to
    referrers: list  # referrer Organisations the requests come from
    user: User  # recorded as the referrer and creator of the generated rows
    label: str = "Bench"  # facility names and youth names when realism has none
    realism: Realism | None = None
    progress: Callable[[str], None] = field(default=lambda message: None)


# Triggers that make the generator's COPY quadratic, off for its COPY when it runs as the
# tables' owner (`make bench`); see `_copy_triggers_off`.
COPY_TRIGGERS_OFF = [
    # The events' hash chain (core/0002): every event takes and updates the one chain-head
    # row; in one transaction every update adds a version of that row the next must step
    # over, so COPYing n events costs n^2 (scale 4 took over 20 minutes).
    ("core_event", "core_event_chain"),
    # An offer is refused while its request is parked (placement 0008). Per row in one
    # COPY the trigger's lookup grew with the rows already copied: 15k offers took 42 s,
    # 30k took 176 s (measured 2026-12-02), 240k at scale 16 did not finish in 14 minutes;
    # without it 15k take 0.5 s. The generator parks no request.
    ("placement_offer", "pgtrigger_offer_not_while_parked_92e51"),
]


@contextlib.contextmanager
def _copy_triggers_off():
    """The benchmarks' national data is made in a transaction that is rolled back and its
    events are never verified: when the role making it owns the tables (`make bench` runs
    as the owner), the triggers of COPY_TRIGGERS_OFF are off for this transaction's COPY
    and on again after it, and the generated events carry no chain (chain_seq NULL).
    Otherwise (the test suite's application role) nothing changes. The demo history
    (`demo_history`) always goes through the triggers: its chain is real.
    ALTER TABLE refuses a table with foreign-key checks still pending (Django's are
    deferred): they are run first, and deferred again after."""

    def alter(action: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in COPY_TRIGGERS_OFF:
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    owner = all(_owns(table) for table, _ in COPY_TRIGGERS_OFF)
    if owner:
        alter("DISABLE")
    try:
        yield
    finally:
        if owner:
            alter("ENABLE")


def generate(scale: int, *, seed: int = 6) -> dict:
    """The benchmarks' national data: all regions, five years, scale/16 of the country."""
    rng = random.Random(seed * 1000 + scale)
    reference_data_load()
    taxonomy_load()
    bands_load()
    today = timezone.localdate()
    regions = list(Region.objects.order_by("code"))
    referrer_org = Organisation.objects.create(
        name="Bench verwijzer", kind=Organisation.Kind.REFERRER, referrer_code="01"
    )
    user = User.objects.create(username=f"bench-{scale}")
    providers = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench aanbieder {i:03d}", kind=Organisation.Kind.PROVIDER, agb_code=f"{95000000 + i:08d}"
            )
            for i in range(PROVIDERS_PER_SCALE * scale)
        ]
    )
    with _copy_triggers_off():
        counts = history(
            HistorySpec(
                rng=rng,
                regions=regions,
                first_day=today - dt.timedelta(days=5 * 365),
                today=today,
                requests=REQUESTS_PER_SCALE * scale,
                facilities=FACILITIES_PER_SCALE * scale,
                providers=providers,
                referrers=[referrer_org],
                user=user,
            )
        )
    coordination = Organisation.objects.create(name="Bench coördinatie", kind=Organisation.Kind.COORDINATION)
    coordinator = User.objects.create(username=f"bench-coordinator-{scale}")
    membership = Membership.objects.create(user=coordinator, organisation=coordination, role=Role.COORDINATOR)
    membership.regions.set(regions)
    return {"membership": membership, "region_ids": [r.pk for r in regions], **counts, "today": today}


# The demo's own organisations: providers and referrers that exist only in the history, so
# the hand-made demo users' work lists stay as they are. (name, AGB or CBS referrer code)
DEMO_PROVIDERS = [
    ("Jeugdzorg Het Vechtdal (demo-geschiedenis)", "98100001"),
    ("Stichting De Noorderbrug (demo-geschiedenis)", "98100002"),
    ("Zorggroep Hof van Saksen (demo-geschiedenis)", "98100003"),
    ("Intermetzo Oost (demo-geschiedenis)", "98100004"),
    ("Jeugdhulp Drentsche Aa (demo-geschiedenis)", "98100005"),
    ("Woonzorg De Lindehof (demo-geschiedenis)", "98100006"),
]
DEMO_REFERRERS = [
    ("Toegang Jeugd gemeente (demo-geschiedenis)", "01"),
    ("Huisartsenpraktijk De Es (demo-geschiedenis)", "02"),
    ("Jeugdarts GGD (demo-geschiedenis)", "03"),
    ("Gecertificeerde instelling Noord-Oost (demo-geschiedenis)", "04"),
    ("Kinder- en jeugdpsychiatrie Medisch Spectrum (demo-geschiedenis)", "05"),
]
DEMO_USERNAME = "demo-geschiedenis"
STREETS = ["Dorpsstraat", "Kerkweg", "Stationsweg", "Molenstraat", "Schoolstraat", "Beukenlaan", "Esweg", "Brink"]
GIVEN_NAMES = [
    "Daan",
    "Sem",
    "Lucas",
    "Finn",
    "Levi",
    "Milan",
    "Noah",
    "Bram",
    "Luuk",
    "Jesse",
    "Thijs",
    "Ruben",
    "Gijs",
    "Max",
    "Tim",
    "Julian",
    "Mees",
    "Stijn",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Nina",
    "Eva",
    "Lotte",
    "Fleur",
    "Lisa",
    "Anna",
    "Noor",
    "Iris",
    "Roos",
    "Femke",
    "Lieke",
]
FAMILY_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "Huisman",
    "Postma",
    "Wolters",
    "Nijhuis",
    "Kamphuis",
]


def demo_history(
    region_codes: list[str],
    *,
    years: int = 2,
    per_region_year: int = 400,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """A realistic history for the demo regions: `years` years up to today, about
    `per_region_year` first requests per region per year, with facilities of the demo's
    own providers in those regions (about one facility per twelve requests a year)."""
    regions = list(Region.objects.filter(code__in=region_codes).order_by("code"))
    user, _ = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_active": False})
    user.set_unusable_password()
    user.save()
    providers = []
    for i, (name, agb) in enumerate(DEMO_PROVIDERS):
        organisation, _ = Organisation.objects.get_or_create(
            kind=Organisation.Kind.PROVIDER, name=name, defaults={"agb_code": agb}
        )
        organisation.regions.set([regions[i % len(regions)]])
        providers.append(organisation)
    referrers = []
    for name, code in DEMO_REFERRERS:
        organisation, _ = Organisation.objects.get_or_create(
            kind=Organisation.Kind.REFERRER, name=name, defaults={"referrer_code": code}
        )
        organisation.regions.set(regions)
        referrers.append(organisation)
    today = timezone.localdate()
    return history(
        HistorySpec(
            rng=random.Random(seed),
            regions=regions,
            first_day=today - dt.timedelta(days=365 * years),
            today=today,
            requests=per_region_year * years * len(regions),
            facilities=max(4, per_region_year // 12) * len(regions),
            providers=providers,
            referrers=referrers,
            user=user,
            label="Demo",
            realism=Realism(seed=seed + 1, given_names=tuple(GIVEN_NAMES), family_names=tuple(FAMILY_NAMES)),
            progress=progress,
        )
    )


def history(spec: HistorySpec) -> dict:
    """Facilities with their availability history, then requests played through offers,
    waiting, placements, ends and transfers; all rows COPYed in. Returns the counts."""
    rng, today, first_day, real = spec.rng, spec.today, spec.first_day, spec.realism
    xr = random.Random(real.seed) if real else None  # the realism's own stream
    tz = timezone.get_current_timezone()
    now = timezone.now()
    started = time.monotonic()

    def at(day, hour=9):
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    regions = spec.regions
    municipalities = list(Municipality.objects.filter(region__in=regions).order_by("code"))
    by_region = {}
    for m in municipalities:
        by_region.setdefault(m.region_id, []).append(m)
    care_types = list(CareType.objects.order_by("code"))
    crisis_care = [ct for ct in care_types if ct.code == "crisis"]
    referrers, user, providers = spec.referrers, spec.user, spec.providers
    # Availability is known up to now: a demo's figures are confirmed, none lie ahead.
    last_day = today - dt.timedelta(days=1) if real else today
    planned = []
    spec.progress(f"{spec.facilities} locaties met hun beschikbaarheid sinds {first_day:%d-%m-%Y}")

    fac_base = _base(Facility)
    facilities, changes = [], []
    change_id = _base(AvailabilityChange)
    for i in range(spec.facilities):
        m = municipalities[(i * 7) % len(municipalities)]
        contracted = 4 + i % 8
        facilities.append(
            {
                "id": fac_base + i + 1,
                "provider_id": providers[i % len(providers)].pk,
                "name": f"{spec.label} locatie {i:05d}",
                "address": "Laan 1",
                "postcode": "1234 AB",
                "municipality_id": m.pk,
                "care_type_id": care_types[i % len(care_types)].pk,
                "security_level": "closed" if i % 9 == 0 else "open",
                "age_min": 12,
                "age_max": 18,
                "genders": ["female", "male"],
                "intensity_band": "M",
                "group_size": 6,
                "places_contracted": contracted,
                "places_staffed": contracted,
                "active_from": first_day - dt.timedelta(days=30),
                "created_at": at(first_day),
                "last_confirmed_at": None,
                "last_confirmed_by_id": None,
            }
        )
        day = first_day - dt.timedelta(days=1)
        while day <= last_day:
            staffed = contracted - rng.randint(0, 1)
            occupied = rng.randint(0, staffed)
            if real:  # residential youth care runs nearly full
                occupied = max(occupied, staffed - xr.randint(0, 2))
            change_id += 1
            changes.append(
                {
                    "id": change_id,
                    "facility_id": fac_base + i + 1,
                    "changed_at": at(day, rng.randint(7, 18)),
                    "kind": "created" if day < first_day else rng.choice(["updated", "confirmed", "occupied", "held"]),
                    "places_contracted": contracted,
                    "places_staffed": staffed,
                    "occupied_internal": occupied,
                    "occupied_external": 0,
                    "held": 0,
                    "changed_by_id": None,
                }
            )
            day += dt.timedelta(days=rng.randint(20, 40))
            if real:  # providers confirm their figures about weekly (freshness: 7 days), not always
                confirm = changes[-1]["changed_at"].date() + dt.timedelta(days=xr.randint(3, 7))
                while confirm < day and confirm <= last_day:
                    change_id += 1
                    changes.append(
                        {**changes[-1], "id": change_id, "kind": "confirmed", "changed_by_id": user.pk}
                        | {"changed_at": at(confirm, xr.randint(8, 17))}
                    )
                    confirm += dt.timedelta(days=xr.choice([5, 6, 7, 7, 7, 7, 10]))
            if rng.random() < 0.02:
                contracted = max(2, contracted + rng.choice([-2, 2]))
                if real and day <= last_day:  # afbouw/opbouw: planned ahead, applied on the day
                    created = at(day - dt.timedelta(days=60))
                    planned.append(
                        _planned(
                            facilities[-1]["id"], day, contracted, created, before=changes[-1]["places_contracted"]
                        )
                    )
                    planned[-1].update(status="applied", applied_at=at(day, 6))
        if real:  # the figures as they stand now, confirmed in the last hour
            confirmed = now - dt.timedelta(minutes=xr.randint(5, 60))
            change_id += 1
            changes.append(
                {**changes[-1], "id": change_id, "changed_at": confirmed, "kind": "confirmed", "changed_by_id": user.pk}
                | {"places_contracted": contracted, "places_staffed": min(staffed, contracted)}
                | {"occupied_internal": min(occupied, contracted)}
            )
            provider = providers[i % len(providers)].name.split(" (")[0]
            care_type = care_types[i % len(care_types)]
            facilities[-1].update(
                name=f"{provider} – {care_type.label} {m.name} {i // len(municipalities) + 1}",
                address=f"{xr.choice(STREETS)} {xr.randint(1, 180)}",
                last_confirmed_by_id=user.pk,
                places_contracted=contracted,
                places_staffed=changes[-1]["places_staffed"],
                occupied_internal=changes[-1]["occupied_internal"],
                last_confirmed_at=confirmed,
            )
    if real:
        for region in regions:  # afbouw/opbouw still to come
            own = [f for f in facilities if f["municipality_id"] in {m.pk for m in by_region.get(region.pk, [])}]
            for f in xr.sample(own, min(real.planned_future, len(own))):
                new = max(2, f["places_contracted"] + xr.choice([-2, -1, 1, 2]))
                effective = today + dt.timedelta(days=xr.randint(20, 200))
                planned.append(_planned(f["id"], effective, new, now, before=f["places_contracted"]))
    copy_rows(Facility, facilities)
    copy_rows(AvailabilityChange, changes)
    if real:
        base = _base(PlannedCapacityChange)
        copy_rows(PlannedCapacityChange, [{"id": base + i + 1, **row} for i, row in enumerate(planned)])
        served = Facility.regions_served.through
        served.objects.bulk_create(
            [
                served(facility_id=f["id"], region_id=m.region_id)
                for f, m in ((f, municipalities[(i * 7) % len(municipalities)]) for i, f in enumerate(facilities))
            ]
        )
    fac_by_region = {}
    for f, m in ((f, municipalities[(i * 7) % len(municipalities)]) for i, f in enumerate(facilities)):
        fac_by_region.setdefault(m.region_id, []).append(f)

    youth_id, req_id, ana_id = _base(Youth), _base(PlacementRequest), _base(ExplanatoryAnalysis)
    offer_id, pl_id, tr_id, wp_id = _base(Offer), _base(Placement), _base(Transfer), _base(WaitingPeriod)
    ev_id = _base(Event)
    youth, requests, analyses, offers, placements, transfers, waiting, events = [], [], [], [], [], [], [], []
    span = (today - first_day).days
    names = (real.given_names, real.family_names) if real and real.given_names else None

    def add_request(region, municipality, referral, *, kind="first_placement", previous=None, youth_pk=None):
        nonlocal youth_id, req_id, ana_id
        if youth_pk is None:
            youth_id += 1
            youth_pk = youth_id
            youth.append(
                {
                    "id": youth_pk,
                    "given_names": xr.choice(names[0]) if names else spec.label,
                    "family_name": xr.choice(names[1]) if names else f"J{youth_pk}",
                    "birth_date": referral - dt.timedelta(days=rng.randint(10 * 365, 18 * 365)),
                    "gender": rng.choice(("male", "female", "other")),  # three codes as before: same seeded data
                    "municipality_id": municipality.pk,
                    "created_at": at(referral),
                }
            )
        req_id += 1
        ana_id += 1
        codes = [ct.code for ct in rng.sample(care_types, 2)][: rng.randint(1, 2)]
        requests.append(
            {
                "id": req_id,
                "youth_id": youth_pk,
                "referrer_organisation_id": (xr.choice(referrers) if len(referrers) > 1 else referrers[0]).pk,
                "referrer_id": user.pk,
                "region_id": region.pk,
                "status": "matching",
                "kind": kind,
                "previous_request_id": previous,
                "previous_placement_id": None,
                "referral_date": referral,
                "analysis_id": ana_id,
                "triage_analysis_id": None,
                "outcome": "",
                "created_at": at(referral),
                "submitted_at": at(referral),
                "status_changed_at": at(referral),
            }
        )
        analyses.append(
            {
                "id": ana_id,
                "request_id": req_id,
                "version": 1,
                "previous_id": None,
                "created_at": at(referral),
                "created_by_id": user.pk,
                "assignment_id": None,
                "care_types": codes,
                "specialisations": ["trauma"] if rng.random() < 0.3 else [],
                "intensity": "M",
                "security": "closed" if rng.random() < 0.1 else "open",
                "preferred_region_id": None,
                "max_distance_km": rng.choice([None, 25, 50, 100]),
            }
        )
        return requests[-1]

    def event(subject_id, to_state, when):
        nonlocal ev_id
        ev_id += 1
        events.append(
            {
                "id": ev_id,
                "occurred_at": when,
                "actor_id": user.pk,
                "organisation_id": None,
                "event_type": "request.status",
                "subject_type": "placement.placementrequest",
                "subject_id": subject_id,
                "from_state": "",
                "to_state": to_state,
                "reason_code": "",
                "details": "{}",
            }
        )

    def play(request, referral):
        """Offers until one is accepted (or not), then placement, end, maybe transfer."""
        nonlocal offer_id, pl_id, wp_id
        region_facilities = fac_by_region.get(request["region_id"]) or facilities
        event(request["id"], "submitted", at(referral))
        roll = rng.random()
        if roll < 0.08:
            request.update(
                status="closed",
                outcome=rng.choice(["help_at_home", "ambulant_care", "withdrawn", "other"]),
                status_changed_at=at(min(today, referral + dt.timedelta(days=rng.randint(5, 60)))),
            )
            return
        day = referral + dt.timedelta(days=rng.randint(1, 10))
        if rng.random() < 0.2:
            wp_id += 1
            waiting.append(
                {
                    "id": wp_id,
                    "request_id": request["id"],
                    "reason": rng.choice(["fitting_full", "no_fitting_facility"]),
                    "bridging_care": "Ambulant",
                    "bridging_provider": "",
                    "bridging_from": None,
                    "started_at": at(min(day, today)),
                    "started_by_id": user.pk,
                    "ended_at": None,
                }
            )
            day += dt.timedelta(days=rng.randint(5, 120))
        accepted = None
        for k in range(rng.choice([0, 1, 1, 1, 2, 2, 3, 4])):
            if day >= today:
                break
            facility = rng.choice(region_facilities)
            offer_id += 1
            last = k == 3 or rng.random() < 0.55
            status = (
                "accepted"
                if last and roll < 0.92
                else rng.choice(["declined", "declined", "declined", "expired", "withdrawn"])
            )
            reason = rng.choice(REASONS) if status == "declined" else ("no_answer" if status == "expired" else "")
            answered = day + dt.timedelta(days=rng.randint(1, 7))
            offers.append(
                {
                    "id": offer_id,
                    "request_id": request["id"],
                    "facility_id": facility["id"],
                    "provider_id": facility["provider_id"],
                    "analysis_id": request["analysis_id"],
                    "status": status,
                    "pseudonym": f"B{offer_id:09d}",
                    "referral": "{}",
                    "reconfirm_availability": False,
                    "created_at": at(day),
                    "created_by_id": user.pk,
                    "deadline": at(day + dt.timedelta(days=7), 17),
                    "reminder_sent_at": None,
                    "answered_at": at(answered, 15),
                    "answered_by_id": None,
                    "decline_reason": reason,
                    "motivation": spec.label if reason else "",
                    "withdraw_reason": spec.label if status == "withdrawn" else "",
                }
            )
            day = answered + dt.timedelta(days=1)
            if status == "accepted" and real and xr.random() < real.fall_through_share:
                offers[-1].update(  # accepted, then refused after the introduction
                    status="fallen_through",
                    fall_through_party=xr.choice(["youth", "parents", "provider"]),
                    fall_through_reason=xr.choice(FALL_THROUGH_REASONS),
                    motivation="Na de kennismaking afgevallen (demo-geschiedenis)",
                )
                continue
            if status == "accepted":
                accepted = offers[-1]
                break
        if waiting and waiting[-1]["request_id"] == request["id"]:
            waiting[-1]["ended_at"] = at(min(day, today)) if accepted else None
        if accepted is None or day >= today:
            request.update(status="waiting" if waiting and waiting[-1]["request_id"] == request["id"] else "matching")
            if real and (today - referral).days > real.close_open_after_days:
                close_unplaced(request, referral)
            return
        start = day + dt.timedelta(days=rng.randint(1, 14))
        if start > today:
            request.update(status="accepted")
            return
        end = start + dt.timedelta(days=rng.randint(30, 700))
        pl_id += 1
        ended = end <= today
        transfer = ended and rng.random() < 0.15
        placements.append(
            {
                "id": pl_id,
                "request_id": request["id"],
                "offer_id": accepted["id"],
                "youth_id": request["youth_id"],
                "facility_id": accepted["facility_id"],
                "provider_id": accepted["provider_id"],
                "start_date": start,
                "created_at": at(start),
                "created_by_id": user.pk,
                "end_date": end if ended else None,
                "end_reason": rng.choice(["01", "01", "02", "03", "04", "05"]) if ended else "",
                "aftercare_destination": rng.choice(AFTERCARE) if ended else "",
                "needs_new_place": transfer,
                "ended_by_id": None,
            }
        )
        request.update(status="ended" if ended else "placed", status_changed_at=at(end if ended else start))
        event(request["id"], "placed", at(start))
        if transfer and end + dt.timedelta(days=1) <= today:
            follow_up(request, pl_id, end + dt.timedelta(days=1))
        elif ended and real and xr.random() < real.reentry_share:
            reenter(request, end)

    def follow_up(request, placement_id, day):
        """A transfer: the placement ended needing a new place; a new linked request."""
        nonlocal tr_id
        new = add_request(
            next(r for r in regions if r.pk == request["region_id"]),
            next(m for m in municipalities if m.pk == youth_municipality[request["youth_id"]]),
            day,
            kind="transfer",
            previous=request["id"],
            youth_pk=request["youth_id"],
        )
        new["previous_placement_id"] = placement_id
        tr_id += 1
        transfers.append(
            {
                "id": tr_id,
                "from_placement_id": placement_id,
                "new_request_id": new["id"],
                "youth_id": request["youth_id"],
                "created_at": at(day - dt.timedelta(days=1)),
            }
        )
        play(new, day)

    # --- realism only (spec.realism): every draw below comes from xr -----------------
    def close_unplaced(request, referral):
        """A request never placed closes within the realism's horizon (found help at home,
        placed elsewhere, withdrawn); its waiting ends with it."""
        closed = at(referral + dt.timedelta(days=xr.randint(30, real.close_open_after_days)), 16)
        request.update(
            status="closed",
            outcome=xr.choice(["help_at_home", "ambulant_care", "placed_elsewhere", "withdrawn", "other"]),
            status_changed_at=closed,
        )
        if waiting and waiting[-1]["request_id"] == request["id"]:
            waiting[-1]["ended_at"] = max(closed, waiting[-1]["started_at"])

    def reenter(request, end):
        """The same youth is referred again some months after the stay ended."""
        day = end + dt.timedelta(days=xr.randint(20, 300))
        if day < today:
            municipality = next(m for m in municipalities if m.pk == youth_municipality[request["youth_id"]])
            region = next(r for r in regions if r.pk == request["region_id"])
            play(add_request(region, municipality, day, youth_pk=request["youth_id"]), day)

    def play_crisis(request, referral):
        """A crisis placement within hours, without an offer; most are followed by a
        request for a longer-term place (a transfer), the rest end or continue."""
        nonlocal pl_id
        request["urgency"] = "crisis"
        region_facilities = fac_by_region.get(request["region_id"]) or facilities
        crisis = [f for f in region_facilities if crisis_care and f["care_type_id"] == crisis_care[0].pk]
        facility = xr.choice(crisis or region_facilities)
        started_at = at(referral, xr.randint(0, 23)) + dt.timedelta(minutes=xr.randint(0, 59))
        event(request["id"], "crisis", started_at)
        end = referral + dt.timedelta(days=xr.randint(3, 42))
        ended = end <= today
        followed = ended and xr.random() < real.crisis_followed_share and end + dt.timedelta(days=1) <= today
        pl_id += 1
        placements.append(
            {
                "id": pl_id,
                "request_id": request["id"],
                "offer_id": None,
                "kind": "crisis",
                "started_at": started_at,
                "youth_id": request["youth_id"],
                "facility_id": facility["id"],
                "provider_id": facility["provider_id"],
                "start_date": referral,
                "created_at": started_at,
                "created_by_id": user.pk,
                "end_date": end if ended else None,
                "end_reason": xr.choice(["01", "01", "02", "05"]) if ended else "",
                "aftercare_destination": ("unknown" if followed else xr.choice(AFTERCARE)) if ended else "",
                "needs_new_place": followed,
                "ended_by_id": None,
            }
        )
        request.update(status="ended" if ended else "placed", status_changed_at=at(end) if ended else started_at)
        if followed:
            follow_up(request, pl_id, end + dt.timedelta(days=1))

    youth_municipality = {}
    spec.progress(
        f"{spec.requests} verzoeken over {len(regions)} regio's van {first_day:%d-%m-%Y} tot {today:%d-%m-%Y}"
    )
    for _i in range(spec.requests):
        region = rng.choice(regions)
        municipality = rng.choice(by_region[region.pk])
        referral = first_day + dt.timedelta(days=rng.randrange(span))
        request = add_request(region, municipality, referral)
        youth_municipality[request["youth_id"]] = municipality.pk
        if real and xr.random() < real.crisis_share:
            play_crisis(request, referral)
        else:
            play(request, referral)

    if real is None:  # issue 12, the field's indicators: the benchmarks' crisis and re-entries
        # (the demo's realism makes its own, with offers and youth that fit them); this
        # renewed the national checksum on purpose (tests/bench/test_generate_national.py)
        _crisis_and_reentry(rng, requests, placements, at)

    with connection.cursor() as cursor:  # requests and placements refer to each other
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    copy_rows(Youth, youth)
    copy_rows(PlacementRequest, requests)
    copy_rows(ExplanatoryAnalysis, analyses)
    copy_rows(Offer, offers)
    copy_rows(Placement, placements)
    copy_rows(Transfer, transfers)
    copy_rows(WaitingPeriod, waiting)
    copy_rows(Event, events)
    generate_contracts(facilities, first_day)  # issue 12 part "contracts"
    spec.progress(
        f"{len(requests)} verzoeken, {len(offers)} aanmeldingen, {len(placements)} plaatsingen, "
        f"{len(transfers)} doorplaatsingen, {len(waiting)} wachtperiodes in {time.monotonic() - started:.1f} s"
    )
    return {
        "requests": len(requests),
        "offers": len(offers),
        "placements": len(placements),
        "transfers": len(transfers),
        "waiting": len(waiting),
        "facilities": len(facilities),
    }


def _planned(facility_id, effective, places, created_at, *, before: int) -> dict:
    return {
        "facility_id": facility_id,
        "effective_date": effective,
        "places_contracted": places,
        "note": "Opbouw volgens contract" if places > before else "Afbouw volgens contract",
        "status": "planned",
        "created_at": created_at,
        "created_by_id": None,
        "applied_at": None,
        "blocked_reason": "",
    }


def _crisis_and_reentry(rng, requests, placements, at) -> None:
    """Issue 12 (indicators): some placements become crisis registrations (no offer, started
    0-40 hours after the request), some requests get urgency crisis, and some first requests
    (never placed) are re-entries: their youth is the youth of a placement that ended 1-240 days
    before."""
    by_id = {r["id"]: r for r in requests}
    for p in placements:
        request = by_id[p["request_id"]]
        roll = rng.random()
        if roll < 0.05 and request["kind"] == "first_placement":
            started = request["created_at"] + dt.timedelta(hours=rng.randint(0, 40))
            start = min(started.date(), p["start_date"])
            p.update(kind="crisis", offer_id=None, started_at=started, created_at=started, start_date=start)
        elif roll < 0.08:
            request["urgency"] = "crisis"
    placed = {p["request_id"] for p in placements}  # a placed request's youth is on its placement rows too
    firsts = sorted(
        (r for r in requests if r["kind"] == "first_placement" and r["id"] not in placed),
        key=lambda r: r["referral_date"],
    )
    days = [r["referral_date"] for r in firsts]
    taken = set()
    for p in placements:
        if p["end_date"] is None or rng.random() >= 0.1:
            continue
        i = bisect.bisect_left(days, p["end_date"] + dt.timedelta(days=rng.randint(1, 240)))
        if i < len(firsts) and firsts[i]["id"] not in taken and firsts[i]["youth_id"] != p["youth_id"]:
            taken.add(firsts[i]["id"])
            firsts[i]["youth_id"] = p["youth_id"]


def generate_contracts(facilities: list[dict], first_day: dt.date) -> None:
    """Issue 12: one contract per facility with the region it is located in (the three
    funding forms in turn; every other one with a band M tariff, every third with a
    volume guarantee), running from before the first day, so every placement is priced."""
    from decimal import Decimal

    from capacity.models import Contract, ContractTariff

    region_of = dict(Municipality.objects.values_list("id", "region_id"))
    contract_base, tariff_base = _base(Contract), _base(ContractTariff)
    contracts, tariffs = [], []
    forms = ["inspanningsgericht", "outputgericht", "taakgericht"]
    for i, f in enumerate(facilities):
        form = forms[i % 3]
        contract_id = contract_base + i + 1
        contracts.append(
            {
                "id": contract_id,
                "provider_id": f["provider_id"],
                "region_id": region_of[f["municipality_id"]],
                "facility_id": f["id"],
                "care_type_id": None,
                "reference": f"BENCH-{i:05d}",
                "start_date": first_day - dt.timedelta(days=30),
                "end_date": None,
                "funding_form": form,
                "places_contracted": f["places_contracted"],
                "day_tariff": None if form == "taakgericht" else Decimal(200 + i % 7 * 25),
                "guaranteed_places": 2 if form == "inspanningsgericht" and i % 2 == 0 else None,
                "budget": Decimal(250_000 + i % 5 * 50_000) if form == "taakgericht" else None,
                "created_by_id": None,
            }
        )
        if i % 2 == 0:
            tariffs.append(
                {
                    "id": tariff_base + len(tariffs) + 1,
                    "contract_id": contract_id,
                    "band": "M",
                    "day_tariff": Decimal(300 + i % 4 * 20),
                }
            )
    copy_rows(Contract, contracts)
    copy_rows(ContractTariff, tariffs)
