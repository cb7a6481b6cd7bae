"""The capacity what-if replay (issue 16.2) over national-scale data (bench/generate.py;
scale 16 = national): a 12-month replay of one region's requests (the region with the most
requests; must finish under a minute) and of every region's (the national replay), each
closing the region's largest facility. The path is the whole replay (three variants:
scenario, baseline, real); the floor reads the same input and does not simulate
(planning.selectors), so the ratio is what matching and the day-by-day simulation add.
Peak Python memory of one path run (tracemalloc) is printed and kept in
bench/results/replay_memory.json."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import tracemalloc
from pathlib import Path

from django.db.models import Count

from bench.generate import generate
from bench.harness import Benchmark, register, shared
from capacity.models import Facility
from intake.models import PlacementRequest
from planning import selectors
from planning.services import replay_figures

MEMORY_FILE = Path(__file__).resolve().parent.parent / "results" / "replay_memory.json"


def _setup(scale, *, national: bool):
    data = shared(generate, scale)
    today = data["today"]
    start = dt.date(today.year - 1, today.month, 1) - dt.timedelta(days=31)
    start = start.replace(day=1)
    busiest = (
        PlacementRequest.objects.filter(referral_date__gte=start)
        .values("region_id")
        .annotate(n=Count("id"))
        .order_by("-n", "region_id")
        .first()
    )
    region_id = busiest["region_id"]
    largest = Facility.objects.filter(municipality__region_id=region_id).order_by("-places_contracted", "id").first()
    ctx = {
        "scale": scale,
        "region_id": None if national else region_id,
        "start": start,
        "changes": [{"kind": "close", "facility": largest.pk}] if largest else [],
        "name": "national" if national else "region",
    }
    tracemalloc.start()
    began = time.perf_counter()
    figures, _digest = _path(ctx)
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ctx["requests"] = figures["baseline"]["requests"]
    entry = {
        "benchmark": f"replay-{ctx['name']}-year",
        "scale": scale,
        "requests": ctx["requests"],
        "peak_mib": round(peak / 2**20, 1),
        "seconds_under_tracemalloc": round(seconds, 1),
    }
    print(f"replay memory: {entry}", file=sys.stderr, flush=True)
    try:
        saved = json.loads(MEMORY_FILE.read_text())
    except (OSError, ValueError):
        saved = []
    saved = [e for e in saved if (e["benchmark"], e["scale"]) != (entry["benchmark"], scale)] + [entry]
    MEMORY_FILE.parent.mkdir(parents=True, exist_ok=True)
    MEMORY_FILE.write_text(json.dumps(saved, indent=2))
    return ctx


def _path(ctx):
    return replay_figures(region_id=ctx["region_id"], start=ctx["start"], months=12, changes=ctx["changes"])


def _floor(ctx):
    end = selectors.period_end(ctx["start"], 12)
    landscape = selectors.landscape_of(ctx["region_id"])
    requests, fixed, placements = selectors.replay_input(region_id=ctx["region_id"], start=ctx["start"], end=end)
    return len(landscape.facts), len(requests), len(fixed), len(placements)


register(
    Benchmark(
        name="replay-region-year",
        description="what-if replay, one region's 12 months (scenario + baseline + real)",
        setup=lambda scale: _setup(scale, national=False),
        path=_path,
        floor=_floor,
        scales=(1, 4, 16),
        size=lambda ctx: ctx["requests"],
        data=generate,
    )
)
register(
    Benchmark(
        name="replay-national-year",
        description="what-if replay, every region's 12 months (scenario + baseline + real)",
        setup=lambda scale: _setup(scale, national=True),
        path=_path,
        floor=_floor,
        scales=(1, 4, 16),
        size=lambda ctx: ctx["requests"],
        data=generate,
    )
)
