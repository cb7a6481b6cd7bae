"""Deterministic national-scale data for the reporting benchmarks.

`generate(scale)` with scale 16 = national: all 42 regions (342 municipalities), ~350
providers, 2,000 facilities, five years ending today with ~200,000 requests (and youth,
analyses), their offers (0-4 each, declines with reasons, expiries, withdrawals),
placements (most ended, CBS end reasons), transfers (each a new linked request), waiting
periods, events and monthly availability history per facility. Scale s creates s/16 of
that. Rows go in with PostgreSQL COPY (psycopg's cursor.copy), ids assigned here, and the
sequences are moved past them afterwards. Same seed, same rows.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from capacity.models import AvailabilityChange, CareType, Facility
from capacity.taxonomy import taxonomy_load
from core.fields import DerivedField, EncryptedField
from core.models import Event
from intake.models import ExplanatoryAnalysis, PlacementRequest, Youth
from placement.models import AftercareDestination, Offer, Placement, Transfer, WaitingPeriod

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


# Issue 11: every ended placement has an after-care destination (database check).
AFTERCARE = [d for d in AftercareDestination.values for _ in range(3 if d in ("home", "lighter_care") else 1)]


def copy_rows(model, rows: list[dict]) -> None:
    """COPY rows into the model's table; fields not given get their model default."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.attname not in rows[0]:
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


def generate(scale: int, *, seed: int = 6) -> dict:
    rng = random.Random(seed * 1000 + scale)
    reference_data_load()
    taxonomy_load()
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=5 * 365)

    def at(day, hour=9):
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    regions = list(Region.objects.order_by("code"))
    municipalities = list(Municipality.objects.order_by("code"))
    by_region = {}
    for m in municipalities:
        by_region.setdefault(m.region_id, []).append(m)
    care_types = list(CareType.objects.order_by("code"))
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

    fac_base = _base(Facility)
    facilities, changes = [], []
    change_id = _base(AvailabilityChange)
    for i in range(FACILITIES_PER_SCALE * scale):
        m = municipalities[(i * 7) % len(municipalities)]
        contracted = 4 + i % 8
        facilities.append(
            {
                "id": fac_base + i + 1,
                "provider_id": providers[i % len(providers)].pk,
                "name": f"Bench locatie {i:05d}",
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
        while day <= today:
            staffed = contracted - rng.randint(0, 1)
            occupied = rng.randint(0, staffed)
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
            if rng.random() < 0.02:
                contracted = max(2, contracted + rng.choice([-2, 2]))
    copy_rows(Facility, facilities)
    copy_rows(AvailabilityChange, changes)
    fac_by_region = {}
    for f, m in ((f, municipalities[(i * 7) % len(municipalities)]) for i, f in enumerate(facilities)):
        fac_by_region.setdefault(m.region_id, []).append(f)

    youth_id, req_id, ana_id = _base(Youth), _base(PlacementRequest), _base(ExplanatoryAnalysis)
    offer_id, pl_id, tr_id, wp_id = _base(Offer), _base(Placement), _base(Transfer), _base(WaitingPeriod)
    ev_id = _base(Event)
    youth, requests, analyses, offers, placements, transfers, waiting, events = [], [], [], [], [], [], [], []
    span = (today - first_day).days

    def add_request(region, municipality, referral, *, kind="first_placement", previous=None, youth_pk=None):
        nonlocal youth_id, req_id, ana_id
        if youth_pk is None:
            youth_id += 1
            youth_pk = youth_id
            youth.append(
                {
                    "id": youth_pk,
                    "given_names": "Bench",
                    "family_name": f"J{youth_pk}",
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
                "referrer_organisation_id": referrer_org.pk,
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
        nonlocal offer_id, pl_id, tr_id, wp_id
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
                    "motivation": "Bench" if reason else "",
                    "withdraw_reason": "Bench" if status == "withdrawn" else "",
                }
            )
            day = answered + dt.timedelta(days=1)
            if status == "accepted":
                accepted = offers[-1]
                break
        if waiting and waiting[-1]["request_id"] == request["id"]:
            waiting[-1]["ended_at"] = at(min(day, today)) if accepted else None
        if accepted is None or day >= today:
            request.update(status="waiting" if waiting and waiting[-1]["request_id"] == request["id"] else "matching")
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
            municipality = next(m for m in municipalities if m.pk == youth_municipality[request["youth_id"]])
            new = add_request(
                next(r for r in regions if r.pk == request["region_id"]),
                municipality,
                end + dt.timedelta(days=1),
                kind="transfer",
                previous=request["id"],
                youth_pk=request["youth_id"],
            )
            new["previous_placement_id"] = pl_id
            tr_id += 1
            transfers.append(
                {
                    "id": tr_id,
                    "from_placement_id": pl_id,
                    "new_request_id": new["id"],
                    "youth_id": request["youth_id"],
                    "created_at": at(end),
                }
            )
            play(new, end + dt.timedelta(days=1))

    youth_municipality = {}
    for _i in range(REQUESTS_PER_SCALE * scale):
        region = rng.choice(regions)
        municipality = rng.choice(by_region[region.pk])
        referral = first_day + dt.timedelta(days=rng.randrange(span))
        request = add_request(region, municipality, referral)
        youth_municipality[request["youth_id"]] = municipality.pk
        play(request, referral)

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

    coordination = Organisation.objects.create(name="Bench coördinatie", kind=Organisation.Kind.COORDINATION)
    coordinator = User.objects.create(username=f"bench-coordinator-{scale}")
    membership = Membership.objects.create(user=coordinator, organisation=coordination, role=Role.COORDINATOR)
    membership.regions.set(regions)
    return {
        "membership": membership,
        "region_ids": [r.pk for r in regions],
        "requests": len(requests),
        "offers": len(offers),
        "placements": len(placements),
        "facilities": len(facilities),
        "today": today,
    }


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
