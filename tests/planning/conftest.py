import datetime as dt

import pytest

from capacity.models import IntensityBand, RegionBandTariff
from tests.accounts.factories import member
from tests.reporting.factories import Scenario as Builder
from tests.reporting.factories import facility

START = dt.date(2024, 1, 1)  # the replayed period: 12 months from here
STAY = 30  # every replayed youth stays this long (their own real stay)


class World:
    """Twente, 2024: facility F1 (Enschede, kwv-open, 1 place, provider A) and requests
    for kwv-open that really got a place at F1 for STAY days. Worked out by hand."""

    def __init__(self, twente):
        self.twente = twente
        self.builder = Builder()
        self.f1 = facility(name="F1", places_contracted=1, places_staffed=1)
        RegionBandTariff.objects.create(
            region=twente,
            band=IntensityBand.objects.get(code="M"),
            tariff_eur_per_day=100,
            valid_from=dt.date(2020, 1, 1),
        )

    def request(self, referral: dt.date, *, placed_at=None, start=None, stay=STAY, **kwargs):
        request = self.builder.request(referral=referral, status="placed" if placed_at else "matching", **kwargs)
        if placed_at is not None:
            offer = self.builder.offer(request, placed_at, created=referral, status="accepted")
            start = start or referral
            self.builder.placement(request, offer, start=start, end=start + dt.timedelta(days=stay), reason="01")
        return request


@pytest.fixture
def world(twente):
    return World(twente)


@pytest.fixture
def manager(twente):
    return member("contract_manager", regions=[twente])
