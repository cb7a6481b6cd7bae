"""The what-if replay written plainly (a test helper): every request judged against every
facility with `placement.matching.evaluate`, every day every waiting youth looked at, the
places of a facility looked up each time. Nothing memoised, nothing pruned: the reference
the optimised `planning.replay.replay` must equal (tests/planning/test_replay_optimised.py)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict

from placement.matching import evaluate
from planning.replay import Fit, Outcome, Stay, _cost, _occupancy, places_on


def plain_fits(need, landscape) -> list[Fit]:
    fits = []
    for fid in sorted(landscape.facts):
        match = evaluate(need, landscape.facts[fid])
        if match.fits:
            fits.append(Fit(match.sort_key(), fid, match.distance_km, match.facility.region_id))
    fits.sort()
    return fits


def plain_replay(*, landscape, requests, fixed, start, end, tariffs, provider_ids=None, keep_fits=None) -> Outcome:
    requests = sorted(requests, key=lambda r: (r.arrival, r.request_id))
    outcome = Outcome(requests=len(requests))
    occupied = defaultdict(int)
    releases = []
    starts = defaultdict(list)
    for stay in fixed:
        if stay.end is not None and stay.end <= start or stay.start >= end:
            continue
        if stay.start < start:
            occupied[stay.facility_id] += 1
        else:
            starts[stay.start].append(stay.facility_id)
        if stay.end is not None:
            heapq.heappush(releases, (stay.end, stay.facility_id))
    waiting, replayed, next_request = [], [], 0
    day = start
    while day < end:
        while releases and releases[0][0] <= day:
            _day, fid = heapq.heappop(releases)
            occupied[fid] -= 1
        for fid in starts.pop(day, ()):
            occupied[fid] += 1
        while next_request < len(requests) and requests[next_request].arrival <= day:
            request = requests[next_request]
            next_request += 1
            fits = plain_fits(request.need, landscape)
            if keep_fits is not None:
                keep_fits[request.request_id] = fits
            if fits:
                waiting.append((request, fits))
            else:
                outcome.no_fit += 1
        still = []
        for request, fits in waiting:
            chosen = None
            for fit in fits:
                facts = landscape.facts[fit.facility_id]
                if places_on(landscape.places.get(fit.facility_id, []), facts, day) - occupied[fit.facility_id] > 0:
                    chosen = fit
                    break
            if chosen is None:
                still.append((request, fits))
                continue
            occupied[chosen.facility_id] += 1
            stay_end = day + dt.timedelta(days=max(1, request.stay_days))
            heapq.heappush(releases, (stay_end, chosen.facility_id))
            replayed.append(Stay(chosen.facility_id, day, stay_end))
            outcome.placed += 1
            outcome.waits.append((day - request.arrival).days)
            outcome.distances.append(chosen.distance_km)
            outcome.out_of_region += chosen.region_id != request.need.home_region_id
        waiting = still
        day += dt.timedelta(days=1)
    for request, _fits in waiting:
        outcome.waiting_at_end += 1
        outcome.waits.append((end - request.arrival).days)
    outcome.cost_eur = _cost(replayed, landscape, tariffs, start, end)
    used = {landscape.provider[s.facility_id] for s in replayed}
    outcome.occupancy = _occupancy(landscape, fixed + replayed, start, end, (provider_ids or set()) | used)
    return outcome
