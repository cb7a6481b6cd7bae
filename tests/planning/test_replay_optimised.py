"""The optimised replay (memoised fit judgement, cached distances and places, waiting youth
looked at only when one of their facilities frees) gives exactly what the plain replay
gives: every request judged against every facility with `evaluate`, every day every
waiting youth looked at (tests/planning/replay_plain.py). Generated data, several seeds."""

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

import pytest

from capacity.models import FunctioningLevel, Gender
from placement.matching import CLOSED, OPEN, FacilityFacts, Need, Resident
from planning.replay import FitJudge, Landscape, ReplayRequest, Stay, _Texts, ranked_fits, replay
from tests.planning.replay_plain import plain_fits, plain_replay

START = dt.date(2024, 1, 1)
END = dt.date(2025, 1, 1)
CARE = ("kwv-open", "behandelgroep", "gezinshuis")
SPECS = ("lvb", "trauma", "verslaving", "autisme")
BANDS = ("L", "M", "H", "XH")
GENDERS = (Gender.FEMALE, Gender.MALE)
LEVELS = tuple(FunctioningLevel.values)


def _group(rng):
    if rng.random() < 0.6:
        return None
    return tuple(
        Resident(rng.randint(10, 18), rng.choice(GENDERS), rng.choice(LEVELS), rng.random() < 0.2)
        for _ in range(rng.randint(0, 4))
    )


def _world(seed, facilities=40, requests=220):
    rng = random.Random(seed)
    facts, places, provider = {}, {}, {}
    for fid in range(1, facilities + 1):
        age_min = rng.randint(0, 14)
        closes = rng.random() < 0.15
        opens = rng.random() < 0.15
        facts[fid] = FacilityFacts(
            facility_id=fid,
            care_type=rng.choice(CARE),
            specialisations=frozenset(rng.sample(SPECS, rng.randint(0, 3))),
            age_min=age_min,
            age_max=age_min + rng.randint(2, 9),
            genders=frozenset(rng.sample(GENDERS + (Gender.UNKNOWN,), rng.randint(1, 3))),
            security=CLOSED if rng.random() < 0.2 else OPEN,
            intensity=rng.choice(BANDS + (None,)),
            lat=rng.uniform(51.0, 53.3),
            lon=rng.uniform(3.5, 7.1),
            region_id=rng.randint(1, 3),
            active_from=START + dt.timedelta(days=rng.randint(-30, 200)) if opens else None,
            active_until=START + dt.timedelta(days=rng.randint(30, 360)) if closes else None,
            free_places=0,
            is_stale=rng.random() < 0.3,
            declined_this_request=rng.random() < 0.1,
            group=_group(rng),
        )
        steps = [(dt.date(2020, 1, 1), rng.randint(0, 3))]
        for _ in range(rng.randint(0, 2)):
            steps.append((START + dt.timedelta(days=rng.randint(1, 360)), rng.randint(0, 4)))
        places[fid] = sorted(steps)
        provider[fid] = 100 + fid % 7
    landscape = Landscape(facts, places, provider, {p: f"P{p}" for p in set(provider.values())})
    # Few profiles, many homes and dates: what the memo must tell apart and what it may not.
    profiles = [
        dict(
            care_types=tuple(rng.sample(CARE, rng.randint(1, 2))),
            specialisations=frozenset(rng.sample(SPECS, rng.randint(0, 2))),
            intensity=rng.choice(BANDS + (None,)),
            security=CLOSED if rng.random() < 0.2 else OPEN,
            group_fit_hard=rng.random() < 0.4,
        )
        for _ in range(8)
    ]
    asked = []
    for rid in range(1, requests + 1):
        arrival = START + dt.timedelta(days=rng.randint(0, 364))
        asked.append(
            ReplayRequest(
                rid,
                arrival,
                Need(
                    **rng.choice(profiles),
                    # Drawn per request: needs that differ in one field only, which the memo must tell apart.
                    machtiging_valid=rng.random() < 0.7,
                    gender=rng.choice(GENDERS + (Gender.UNKNOWN,)),
                    level=rng.choice(LEVELS),
                    age_at_start=rng.randint(8, 18),
                    home_lat=rng.uniform(51.0, 53.3),
                    home_lon=rng.uniform(3.5, 7.1),
                    home_region_id=rng.randint(1, 3),
                    start_date=arrival,
                    max_distance_km=rng.choice((None, 30.0, 80.0)),
                    band_order=BANDS,
                ),
                rng.randint(1, 120),
            )
        )
    fixed = []
    for _ in range(60):
        begin = START + dt.timedelta(days=rng.randint(-200, 360))
        fixed.append(
            Stay(
                rng.randint(1, facilities),
                begin,
                None if rng.random() < 0.2 else begin + dt.timedelta(rng.randint(1, 200)),
            )
        )
    return landscape, asked, fixed


TARIFFS = {"M": Decimal("100"), "H": Decimal("250")}


@pytest.mark.parametrize("seed", range(6))
def test_the_optimised_replay_equals_the_plain_one(seed):
    landscape, requests, fixed = _world(seed)
    fast_fits, plain = {}, {}
    fast = replay(
        landscape=landscape, requests=requests, fixed=fixed, start=START, end=END, tariffs=TARIFFS, keep_fits=fast_fits
    )
    reference = plain_replay(
        landscape=landscape, requests=requests, fixed=fixed, start=START, end=END, tariffs=TARIFFS, keep_fits=plain
    )
    assert fast_fits == plain  # every request's fitting facilities, keys and distances
    assert fast.figures() == reference.figures()
    assert reference.placed > 20 and reference.no_fit > 0  # the data exercises placing, waiting, no fit
    assert reference.waits and max(reference.waits) > 0


@pytest.mark.parametrize("seed", range(3))
def test_the_memoised_fits_equal_evaluate_per_facility(seed):
    """Per request, not through the day loop: the judge hits its memo (few profiles) and
    still gives each request's own distances and order."""
    landscape, requests, _fixed = _world(seed)
    by_care_type = {}
    for fid in sorted(landscape.facts):
        by_care_type.setdefault(landscape.facts[fid].care_type, []).append(fid)
    judge = FitJudge(landscape, by_care_type, _Texts())
    for request in requests:
        expected = plain_fits(request.need, landscape)
        assert judge.fits(request.need) == expected
        assert ranked_fits(request.need, landscape, by_care_type, _Texts()) == expected
    judged = len(judge.memo)
    # The same needs from elsewhere (home, home region, wished distance): other distances and
    # regions in the keys, the same judgements (the memo does not grow), still plain's answer.
    rng = random.Random(seed)
    for request in requests:
        moved = replace(
            request.need,
            home_lat=rng.uniform(51.0, 53.3),
            home_lon=rng.uniform(3.5, 7.1),
            home_region_id=rng.randint(1, 3),
            max_distance_km=rng.choice((None, 10.0)),
        )
        assert judge.fits(moved) == plain_fits(moved, landscape)
    assert len(judge.memo) == judged
