"""The benchmark generator's national data stays the same rows for the same seed: a
checksum over every generated table (counts and the columns the reports read), taken on
a fixed 'today' so it does not move with the calendar."""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.utils import timezone

from capacity.models import AvailabilityChange, Facility
from core.models import Event
from intake.models import ExplanatoryAnalysis, PlacementRequest, Youth
from placement.models import Offer, Placement, Transfer, WaitingPeriod

MODELS = {
    m.__name__: m
    for m in (Facility, AvailabilityChange, Youth, PlacementRequest, ExplanatoryAnalysis)
    + (Offer, Placement, Transfer, WaitingPeriod, Event)
}

# Ids of rows the generator does not number itself (regions, municipalities, providers,
# care types) come from sequences and differ between runs: they are read as their codes.
REGION = "(SELECT code FROM accounts_region r WHERE r.id = region_id)"
MUNICIPALITY = "(SELECT code FROM accounts_municipality m WHERE m.id = municipality_id)"
PROVIDER = "(SELECT agb_code FROM accounts_organisation o WHERE o.id = provider_id)"
CARE_TYPE = "(SELECT code FROM capacity_caretype c WHERE c.id = care_type_id)"
TABLES = {
    "Facility": f"id, {PROVIDER}, {MUNICIPALITY}, {CARE_TYPE}, places_contracted, active_from",
    "AvailabilityChange": "id, facility_id, changed_at, kind, places_contracted, places_staffed, occupied_internal",
    "Youth": f"id, birth_month, name_birth_hash, gender, {MUNICIPALITY}, created_at",
    "PlacementRequest": f"id, youth_id, {REGION}, status, kind, previous_request_id, previous_placement_id, "
    "referral_date, outcome, status_changed_at",
    "ExplanatoryAnalysis": "id, request_id, care_types, specialisations, security, max_distance_km",
    "Offer": f"id, request_id, facility_id, {PROVIDER}, status, decline_reason, created_at, answered_at",
    "Placement": "id, request_id, offer_id, facility_id, start_date, end_date, end_reason, aftercare_destination, "
    "needs_new_place",
    "Transfer": "id, from_placement_id, new_request_id, youth_id, created_at",
    "WaitingPeriod": "id, request_id, reason, started_at, ended_at",
    "Event": "id, occurred_at, subject_id, to_state",
}


def national_checksum() -> tuple[dict, str]:
    counts, digest = {}, hashlib.sha256()
    with connection.cursor() as cursor:
        for name, columns in TABLES.items():
            table = MODELS[name]._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[name] = cursor.fetchone()[0]
            cursor.execute(f"SELECT md5(string_agg(({columns})::text, ',' ORDER BY id)) FROM {table}")
            part = cursor.fetchone()[0]
            digest.update(f"{name}:{part};".encode())
    return counts, digest.hexdigest()


# Taken with the generator as it was before issue 12 (commit ef8d636) and the same
# reduced volume and day; any change to the national rows changes it. The national path
# without the indicators' additions (`_crisis_and_reentry`) still makes exactly these rows:
# the demo refactor (history(spec), realism=None) changed nothing.
BEFORE_ISSUE_12 = (
    {
        "Facility": 25,
        "AvailabilityChange": 1536,
        "Youth": 1500,
        "PlacementRequest": 1606,
        "ExplanatoryAnalysis": 1606,
        "Offer": 1796,
        "Placement": 859,
        "Transfer": 106,
        "WaitingPeriod": 291,
        "Event": 2465,
    },
    "45fbb79b8e0c752f0f4781ee943b2ef81875893a062ce3d8244512adb0478bef",
)

# Renewed on purpose (issue 12, indicators): the benchmarks' national data now also has
# crisis registrations (placements without an offer, started 0-40 hours after the
# request), requests with urgency crisis and re-entries (a first request of the youth of
# an ended placement), made by `_crisis_and_reentry` after every other draw, so that the
# new indicators have something to count. It adds no rows (same counts) and changes only
# Placement (kind, offer, start) and PlacementRequest (youth) columns; contracts and the
# G7 bands (bands_load) are tables this checksum does not read and move nothing.
WITH_ISSUE_12_INDICATORS = (
    BEFORE_ISSUE_12[0],
    "a207f60e1d1c2dd3f277abbd12f0ae949038f492a450c459ab6e7a0260f6f61f",
)


def generate_small(monkeypatch):
    """The national path (generate) at 1/8 of scale 1 (same code, smaller constants)."""
    import bench.generate as generator

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 6, 30))
    monkeypatch.setattr(generator, "REQUESTS_PER_SCALE", 1500)
    monkeypatch.setattr(generator, "FACILITIES_PER_SCALE", 25)
    monkeypatch.setattr(generator, "PROVIDERS_PER_SCALE", 5)
    return generator.generate(1)


@pytest.mark.django_db
def test_national_data_is_the_same_rows_as_before_the_demo_refactor(monkeypatch):
    import bench.generate as generator

    monkeypatch.setattr(generator, "_crisis_and_reentry", lambda *args: None)
    result = generate_small(monkeypatch)
    assert national_checksum() == BEFORE_ISSUE_12
    assert (result["requests"], result["placements"]) == (1606, 859)


@pytest.mark.django_db
def test_national_data_with_the_indicators_rows_stays_the_same(monkeypatch):
    result = generate_small(monkeypatch)
    assert national_checksum() == WITH_ISSUE_12_INDICATORS
    assert (result["requests"], result["placements"]) == (1606, 859)
