"""The capacity what-if replay (issue 16.2), pure: plain data in, figures out.

The region's real requests of the period, in arrival order (referral date, then request
id), each with its own Need at its arrival date, are matched with the product's own rules
(`placement.matching.evaluate`, ranked by `Match.sort_key` = `ranking_key`) against the
scenario's landscape (FacilityFacts with the changes applied), and admitted day by day:

- places occupied at the start, and every placement that is not replayed (other regions'
  youth, this region's earlier requests), stay exactly as they really were (start and end);
- a youth is admitted to the first fitting facility in ranking order with a free place that
  day; when none is free the youth waits, in arrival order, and takes the first fitting place
  that frees up; a youth for whom no facility fits at all is counted as "no fitting place";
- a replayed stay lasts the observed length of stay: its own real stay when the request
  was placed, else the median stay of its first care type;
- no refusals (a provider's earlier refusal of the request is not replayed: every fitting
  facility with a free place accepts), no group composition (the group at the time is not
  known), nothing random: the same input gives the same figures.

Nothing here knows a youth: requests are ids with a Need, the figures are counts and
aggregates (planning.services keeps them as ReplayResult rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import json
import statistics
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from accounts.geo import EARTH_RADIUS_KM, distance_km
from placement.matching import FacilityFacts, Match, Need, _Texts, evaluate

OVER_DAYS = 28  # waiting longer than this counts as long (the report's default norm)
OCCUPANCY_LINE = 0.9  # continuity risk from 90% occupancy


@dataclass(frozen=True)
class Landscape:
    """Facilities as the rules see them, with their places over time and who runs them."""

    facts: dict[int, FacilityFacts]  # facility id -> facts (free_places unused: the replay counts)
    places: dict[int, list[tuple[dt.date, int]]]  # facility id -> [(from day, places)] ascending
    provider: dict[int, int]  # facility id -> provider id
    provider_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplayRequest:
    request_id: int
    arrival: dt.date
    need: Need
    stay_days: int  # observed length of stay (own, or the care type's median)


@dataclass(frozen=True)
class Stay:
    """A placement that is not replayed (it occupies its real days), or a real placement."""

    facility_id: int
    start: dt.date
    end: dt.date | None  # None: still running


@dataclass
class Outcome:
    requests: int = 0
    no_fit: int = 0
    placed: int = 0
    waiting_at_end: int = 0
    waits: list = field(default_factory=list)  # days waited (censored at the period's end)
    distances: list = field(default_factory=list)
    out_of_region: int = 0
    cost_eur: Decimal = Decimal("0.00")
    occupancy: list = field(default_factory=list)

    @property
    def median_wait_days(self):
        return float(statistics.median(self.waits)) if self.waits else None

    @property
    def over_28(self) -> int:
        return sum(1 for w in self.waits if w > OVER_DAYS)

    @property
    def median_distance_km(self):
        return round(float(statistics.median(self.distances)), 1) if self.distances else None

    def figures(self) -> dict:
        return {
            "requests": self.requests,
            "no_fit": self.no_fit,
            "placed": self.placed,
            "waiting_at_end": self.waiting_at_end,
            "median_wait_days": self.median_wait_days,
            "over_28": self.over_28,
            "median_distance_km": self.median_distance_km,
            "out_of_region": self.out_of_region,
            "cost_eur": self.cost_eur.quantize(Decimal("0.01")),
            "occupancy": self.occupancy,
        }


def places_on(steps: list[tuple[dt.date, int]], facts: FacilityFacts, day: dt.date) -> int:
    """Places of a facility on `day`: the last step on or before it; none while inactive."""
    if (facts.active_from and day < facts.active_from) or (facts.active_until and day > facts.active_until):
        return 0
    places = 0
    for since, n in steps:
        if since > day:
            break
        places = n
    return places


def place_days(steps: list[tuple[dt.date, int]], facts: FacilityFacts, start: dt.date, end: dt.date) -> int:
    """The sum of `places_on` over the days of [start, end), by interval rather than by day."""
    first = max(start, facts.active_from or start)
    last = min(end, facts.active_until + dt.timedelta(days=1) if facts.active_until else end)
    total = 0
    for index, (since, n) in enumerate(steps):
        until = steps[index + 1][0] if index + 1 < len(steps) else dt.date.max
        total += n * max(0, (min(until, last) - max(since, first)).days)
    return total


def _days(start: dt.date, end: dt.date):
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def _overlap(start: dt.date, end: dt.date | None, period_start: dt.date, period_end: dt.date) -> int:
    """Days of [start, end) inside [period_start, period_end)."""
    end = period_end if end is None else min(end, period_end)
    return max(0, (end - max(start, period_start)).days)


def _occupancy(landscape: Landscape, stays: list[Stay], start: dt.date, end: dt.date, provider_ids) -> list[dict]:
    """Per provider: occupied place-days / available place-days over the period."""
    occupied, available = defaultdict(int), defaultdict(int)
    for stay in stays:
        provider = landscape.provider.get(stay.facility_id)
        if provider in provider_ids:
            occupied[provider] += _overlap(stay.start, stay.end, start, end)
    for fid, facts in landscape.facts.items():
        provider = landscape.provider[fid]
        if provider not in provider_ids:
            continue
        available[provider] += place_days(landscape.places.get(fid, []), facts, start, end)
    rows = []
    for provider in sorted(provider_ids):
        rate = occupied[provider] / available[provider] if available[provider] else None
        rows.append(
            {
                "provider": provider,
                "name": landscape.provider_names.get(provider, str(provider)),
                "rate": round(rate, 4) if rate is not None else None,
                "over_90": rate is not None and rate >= OCCUPANCY_LINE,
            }
        )
    return rows


def _cost(stays: list[Stay], landscape: Landscape, tariffs: dict[str, Decimal], start, end) -> Decimal:
    total = Decimal("0")
    for stay in stays:
        band = landscape.facts[stay.facility_id].intensity if stay.facility_id in landscape.facts else None
        tariff = tariffs.get(band or "")
        if tariff is not None:
            total += tariff * _overlap(stay.start, stay.end, start, end)
    return total


@dataclass(frozen=True, order=True)
class Fit:
    """A fitting facility for a request, as the replay keeps it (small: no explanation)."""

    key: tuple  # Match.sort_key (ranking_key): the order
    facility_id: int
    distance_km: float
    region_id: int


def _fit(match: Match) -> Fit | None:
    if not match.fits:
        return None
    return Fit(match.sort_key(), match.facility.facility_id, match.distance_km, match.facility.region_id)


def ranked_fits(need: Need, landscape: Landscape, by_care_type: dict[str, list[int]], texts) -> list[Fit]:
    """The facilities that fit the need (hard criteria of `evaluate`), in ranking order.
    Only facilities of an acceptable care type are evaluated: the others fail `care_type`."""
    fits = []
    for care_type in need.care_types:
        for fid in by_care_type.get(care_type, ()):
            fit = _fit(evaluate(need, landscape.facts[fid], texts))
            if fit is not None:
                fits.append(fit)
    fits.sort()
    return fits


class FitJudge:
    """`ranked_fits` for many requests against one landscape, memoised (the same result).

    For a facility of a care type the need accepts, `evaluate`'s hard criteria and its
    ranking key do not depend on the youth's home location, home region, wished maximum
    distance (soft criteria) or the other care types; the key's distance and "other region"
    are the only parts that do. The start date matters only for whether a facility is
    active on it, which is the same between two consecutive days on which some facility
    starts or stops. So each care type's facilities are judged with `evaluate` once per
    signature (the Need with those fields blanked, the start date replaced by the last such
    day on or before it, and that one care type), and per request only the distance (the
    formula of `accounts.geo.distance_km`, with the facilities' radians computed once) and
    the region are filled in."""

    def __init__(self, landscape: Landscape, by_care_type: dict[str, list[int]], texts):
        self.facts = landscape.facts
        self.by_care_type = by_care_type
        self.texts = texts
        days = {f.active_from for f in self.facts.values() if f.active_from}
        days |= {f.active_until + dt.timedelta(days=1) for f in self.facts.values() if f.active_until}
        self.days = sorted(days)
        self.memo: dict[Need, list[tuple[int, tuple, int, float, float]]] = {}

    def signature(self, need: Need, care_type: str) -> Need:
        index = bisect_right(self.days, need.start_date)
        day = self.days[index - 1] if index else dt.date.min
        return replace(
            need,
            care_types=(care_type,),
            home_lat=0.0,
            home_lon=0.0,
            home_region_id=0,
            max_distance_km=None,
            start_date=day,
        )

    def _judged(self, signature: Need) -> list[tuple[int, tuple, int, float, float]]:
        judged = self.memo.get(signature)
        if judged is None:
            judged = []
            for fid in self.by_care_type.get(signature.care_types[0], ()):
                facts = self.facts[fid]
                match = evaluate(signature, facts, self.texts)
                if match.fits:
                    lat = radians(float(facts.lat))
                    judged.append((fid, match.sort_key(), facts.region_id, lat, radians(float(facts.lon))))
            self.memo[signature] = judged
        return judged

    def fits(self, need: Need) -> list[Fit]:
        lat1, lon1 = radians(float(need.home_lat)), radians(float(need.home_lon))
        cos1, home = cos(lat1), need.home_region_id
        fits = []
        for care_type in need.care_types:
            for fid, key, region_id, lat2, lon2 in self._judged(self.signature(need, care_type)):
                a = sin((lat2 - lat1) / 2) ** 2 + cos1 * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
                distance = 2 * EARTH_RADIUS_KM * asin(sqrt(a))
                key = (key[0], region_id != home, *key[2:5], round(distance, 1), *key[6:])
                fits.append(Fit(key, fid, distance, region_id))
        fits.sort()
        return fits


def _reused_fits(need: Need, landscape: Landscape, kept: list[Fit], changed_ids, texts) -> list[Fit]:
    """The fits of another replay of the same request, with the changed facilities judged
    again (`evaluate` is a pure function of the need and the facts)."""
    fits = [f for f in kept if f.facility_id not in changed_ids]
    for fid in changed_ids:
        facts = landscape.facts.get(fid)
        if facts is not None and facts.care_type in need.care_types:
            fit = _fit(evaluate(need, facts, texts))
            if fit is not None:
                fits.append(fit)
    fits.sort()
    return fits


def replay(
    *,
    landscape: Landscape,
    requests: list[ReplayRequest],
    fixed: list[Stay],
    start: dt.date,
    end: dt.date,
    tariffs: dict[str, Decimal],
    provider_ids=None,
    progress=None,
    keep_fits: dict | None = None,
    reuse_fits: dict | None = None,
    changed_ids=frozenset(),
) -> Outcome:
    """Replay `requests` (any order given; replayed in arrival order) between `start`
    (inclusive) and `end` (exclusive) with the `fixed` stays occupying their real days.
    `keep_fits` (request id -> fits) is filled with each request's fits; `reuse_fits` (from an
    earlier replay of the same requests) is used instead of judging every facility again,
    with only the facilities in `changed_ids` judged again."""
    requests = sorted(requests, key=lambda r: (r.arrival, r.request_id))
    by_care_type: dict[str, list[int]] = defaultdict(list)
    for fid in sorted(landscape.facts):
        by_care_type[landscape.facts[fid].care_type].append(fid)
    texts = _Texts()
    judge = FitJudge(landscape, by_care_type, texts)
    outcome = Outcome(requests=len(requests))

    occupied: dict[int, int] = defaultdict(int)
    releases: list[tuple[dt.date, int]] = []  # (day the place frees, facility id)
    starts: dict[dt.date, list[int]] = defaultdict(list)  # fixed stays that begin inside the period
    for stay in fixed:
        if stay.end is not None and stay.end <= start or stay.start >= end:
            continue
        if stay.start < start:
            occupied[stay.facility_id] += 1
        else:
            starts[stay.start].append(stay.facility_id)
        if stay.end is not None:
            heapq.heappush(releases, (stay.end, stay.facility_id))
    # The facilities whose places may change on a day (a step in places, opening, closing).
    stepped: dict[dt.date, set[int]] = defaultdict(set)
    for fid, steps in landscape.places.items():
        for since, _n in steps:
            if start < since < end:
                stepped[since].add(fid)
    for fid, facts in landscape.facts.items():
        if facts.active_until:
            stepped[facts.active_until + dt.timedelta(days=1)].add(fid)
        if facts.active_from:
            stepped[facts.active_from].add(fid)

    # A facility's places, kept until its next step.
    places_today: dict[int, int] = {}

    def free(fid: int, day: dt.date) -> int:
        places = places_today.get(fid)
        if places is None:
            places = places_today[fid] = places_on(landscape.places.get(fid, []), landscape.facts[fid], day)
        return places - occupied[fid]

    # Each waiting youth (by arrival number) with its fits and the position of each fitting
    # facility among them, and per facility the youth waiting for it. A youth who still
    # waits had no free place in any of its facilities, and since then places were only
    # taken, except at the facilities "touched" (a place released, or a step) on a later
    # day: only the youth waiting for a touched facility can be placed, and their first free
    # place in ranking order is among the touched ones, so only those are looked at, youth
    # in arrival order (the same choices as looking at every waiting youth and every fit).
    waiting: dict[int, tuple[ReplayRequest, list[Fit], dict[int, int]]] = {}
    waiting_for: dict[int, list[int]] = defaultdict(list)  # ascending; placed youth dropped lazily
    replayed: list[Stay] = []
    next_request, total_days = 0, (end - start).days

    def place(request: ReplayRequest, chosen: Fit, day: dt.date) -> None:
        fid = chosen.facility_id
        occupied[fid] += 1
        stay_end = day + dt.timedelta(days=max(1, request.stay_days))
        heapq.heappush(releases, (stay_end, fid))
        replayed.append(Stay(fid, day, stay_end))
        outcome.placed += 1
        outcome.waits.append((day - request.arrival).days)
        outcome.distances.append(chosen.distance_km)
        outcome.out_of_region += chosen.region_id != request.need.home_region_id

    for index, day in enumerate(_days(start, end)):
        touched = stepped.get(day, set()).copy()
        for fid in touched:
            places_today.pop(fid, None)
        while releases and releases[0][0] <= day:
            _day, fid = heapq.heappop(releases)
            occupied[fid] -= 1
            touched.add(fid)
        for fid in starts.pop(day, ()):
            occupied[fid] += 1  # a real stay of someone not replayed takes its place
        # The youth who waited, waiting for a touched facility that has a free place, in
        # arrival order (first), until those places are taken; then those who arrive today.
        open_ids = [fid for fid in touched if fid in landscape.facts and free(fid, day) > 0]
        for fid in open_ids:  # drop the numbers of youth placed since (they come first)
            numbers = waiting_for.get(fid)
            first = 0
            while numbers and first < len(numbers) and numbers[first] not in waiting:
                first += 1
            if first:
                del numbers[:first]
        last = -1
        for number in heapq.merge(*(waiting_for.get(fid, ()) for fid in open_ids)):
            if number == last or number not in waiting:
                continue
            last = number
            open_ids = [fid for fid in open_ids if free(fid, day) > 0]
            if not open_ids:
                break
            request, fits, positions = waiting[number]
            hits = sorted(positions[fid] for fid in open_ids if fid in positions)
            chosen = next((fits[i] for i in hits if free(fits[i].facility_id, day) > 0), None)
            if chosen is not None:
                del waiting[number]
                place(request, chosen, day)
        while next_request < len(requests) and requests[next_request].arrival <= day:
            request = requests[next_request]
            number = next_request
            next_request += 1
            if reuse_fits is not None and request.request_id in reuse_fits:
                fits = _reused_fits(request.need, landscape, reuse_fits[request.request_id], changed_ids, texts)
            else:
                fits = judge.fits(request.need)
            if keep_fits is not None:
                keep_fits[request.request_id] = fits
            if not fits:
                outcome.no_fit += 1
                continue
            chosen = next((f for f in fits if free(f.facility_id, day) > 0), None)
            if chosen is not None:
                place(request, chosen, day)
                continue
            positions: dict[int, int] = {}
            for i, fit in enumerate(fits):
                positions.setdefault(fit.facility_id, i)
            waiting[number] = (request, fits, positions)
            for fid in positions:
                waiting_for[fid].append(number)
        if progress and index % 7 == 0:
            progress(index, total_days)
    for request, *_rest in waiting.values():
        outcome.waiting_at_end += 1
        outcome.waits.append((end - request.arrival).days)
    outcome.cost_eur = _cost(replayed, landscape, tariffs, start, end)
    used = {landscape.provider[s.facility_id] for s in replayed}
    outcome.occupancy = _occupancy(landscape, fixed + replayed, start, end, (provider_ids or set()) | used)
    return outcome


def real_outcome(
    *,
    landscape: Landscape,
    requests: list[ReplayRequest],
    placed: dict[int, Stay],
    fixed: list[Stay],
    start: dt.date,
    end: dt.date,
    tariffs: dict[str, Decimal],
    provider_ids=None,
) -> Outcome:
    """What really happened to the same requests: `placed` is request id -> its real
    placement. A request not placed before the period's end counts as waiting until then."""
    outcome = Outcome(requests=len(requests))
    stays = []
    for request in requests:
        stay = placed.get(request.request_id)
        if stay is None or stay.start >= end:
            outcome.waiting_at_end += 1
            outcome.waits.append((end - request.arrival).days)
            continue
        stays.append(stay)
        outcome.placed += 1
        outcome.waits.append(max(0, (stay.start - request.arrival).days))
        facts = landscape.facts.get(stay.facility_id)
        if facts is not None:
            need = request.need
            outcome.distances.append(distance_km(need.home_lat, need.home_lon, facts.lat, facts.lon))
            outcome.out_of_region += facts.region_id != need.home_region_id
    outcome.cost_eur = _cost(stays, landscape, tariffs, start, end)
    used = {landscape.provider[s.facility_id] for s in stays if s.facility_id in landscape.provider}
    outcome.occupancy = _occupancy(landscape, fixed + stays, start, end, (provider_ids or set()) | used)
    return outcome


def digest(landscape: Landscape, requests: list[ReplayRequest], fixed: list[Stay]) -> str:
    """A fingerprint of the input: the same digest must give the same figures."""
    payload = json.dumps(
        [
            sorted((fid, repr(f), landscape.places.get(fid)) for fid, f in landscape.facts.items()),
            sorted((r.request_id, r.arrival, repr(r.need), r.stay_days) for r in requests),
            sorted((s.facility_id, s.start, s.end or dt.date.max) for s in fixed),
        ],
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


__all__ = ["Landscape", "Outcome", "ReplayRequest", "Stay", "replace", "real_outcome", "replay", "digest"]
