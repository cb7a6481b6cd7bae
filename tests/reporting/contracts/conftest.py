"""Contracts on the Q1 2025 scenario (tests/reporting/conftest.scenario), written directly
with the ORM (the report reads only the models). Imported by the tests that use them."""

import datetime as dt
from decimal import Decimal

import pytest

from capacity.models import Contract, ContractTariff
from tests.capacity.factories import care_type
from tests.reporting.factories import history


@pytest.fixture
def contracts_scenario(scenario):
    """C1: Twente with A for F1 (kwv-open, band M), inspanningsgericht, 4 places, day tariff
    250, band M 300, guarantee 2 places, from 2024-01-01, open end.
    C2: Twente with B for F2 (behandelgroep, Assen), outputgericht, 3 places, only a band M
    tariff of 400, 1 Feb - 31 Dec 2025. F2 gets a history: 3 places from 1 Jan, one occupied
    from 11 Feb (R2) to 15 Mar.
    C3: Twente with B for kwv-open (no facility: covers F3, B's kwv-open facility in Twente;
    F2 is in Drenthe), taakgericht, 6 places, yearly budget 365000, no tariff, Q1 2025 only."""
    twente = scenario["twente"]
    history(scenario["f2"], dt.date(2025, 1, 1), contracted=3, staffed=3, kind="created")
    history(scenario["f2"], dt.date(2025, 2, 11), contracted=3, staffed=3, occupied=1, kind="occupied")
    history(scenario["f2"], dt.date(2025, 3, 15), contracted=3, staffed=3, occupied=0, kind="occupied_released")
    c1 = Contract.objects.create(
        provider=scenario["a"],
        region=twente,
        facility=scenario["f1"],
        reference="C1",
        start_date=dt.date(2024, 1, 1),
        funding_form="inspanningsgericht",
        places_contracted=4,
        day_tariff=Decimal("250.00"),
        guaranteed_places=2,
    )
    ContractTariff.objects.create(contract=c1, band="M", day_tariff=Decimal("300.00"))
    c2 = Contract.objects.create(
        provider=scenario["b"],
        region=twente,
        facility=scenario["f2"],
        reference="C2",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 12, 31),
        funding_form="outputgericht",
        places_contracted=3,
    )
    ContractTariff.objects.create(contract=c2, band="M", day_tariff=Decimal("400.00"))
    c3 = Contract.objects.create(
        provider=scenario["b"],
        region=twente,
        care_type=care_type("kwv-open"),
        reference="C3",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 3, 31),
        funding_form="taakgericht",
        places_contracted=6,
        budget=Decimal("365000.00"),
    )
    return {**scenario, "c1": c1, "c2": c2, "c3": c3}
