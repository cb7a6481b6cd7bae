"""The collector's share of a matching request, per garbage-collector set-up (issue 15,
point 7, perf-tuning).

    python -m bench.gc_share [--scale 16] [--rounds 8] [--out bench/results/gc-share.json]

Absolute times on the shared 2-core machine are noise; the share of each request spent
inside the garbage collector (measured with `gc.callbacks`, start to stop of every
collection) is not. The matching benchmark's data (bench/benchmarks/offers.py, 125 *
scale facilities) are made once in their own database; then one fresh process per set-up
(config/process.py applied after Django is loaded, as the gunicorn hook does) times
`matching_for_request` and the matching page (`GET /coordinator/requests/{id}/matching/`,
test client, full middleware) --rounds times each and reports the median, the number of
collections per request and the share of time spent in them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VARIANTS = {
    "off": {"GC_FREEZE": "0", "GC_THRESHOLD": "0"},
    "freeze": {"GC_FREEZE": "1", "GC_THRESHOLD": "0"},
    "threshold": {"GC_FREEZE": "0", "GC_THRESHOLD": "50000,20,100"},
    "freeze+threshold": {"GC_FREEZE": "1", "GC_THRESHOLD": "50000,20,100"},  # production default
}


def _measure(rounds: int, setup: dict) -> dict:
    import gc

    import django

    django.setup()
    from django.test import Client
    from django.utils import translation

    from accounts.models import Membership
    from config.process import apply
    from intake.models import PlacementRequest
    from placement import selectors

    translation.activate("nl")
    placement_request = PlacementRequest.objects.get(pk=setup["request"])
    membership = Membership.objects.get(pk=setup["membership"])
    client = Client()
    client.cookies["sessionid"] = setup["session"]
    url = f"/coordinator/requests/{placement_request.pk}/matching/"

    def selector():
        selectors.matching_for_request(membership=membership, placement_request=placement_request)

    def page():
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code

    selector(), page()  # warm: URL resolvers, templates, translations
    done = apply()
    state = {"in": 0.0, "started": 0.0, "collections": 0}

    def callback(phase, info):
        if phase == "start":
            state["started"] = time.perf_counter()
        else:
            state["in"] += time.perf_counter() - state["started"]
            state["collections"] += 1

    gc.callbacks.append(callback)
    out = {"frozen_objects": done["frozen_objects"], "threshold": list(done["threshold"])}
    for name, call in (("selector", selector), ("page", page)):
        times, shares, counts = [], [], []
        for _ in range(rounds):
            state.update({"in": 0.0, "collections": 0})
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            shares.append(state["in"] / elapsed)
            counts.append(state["collections"])
        out[name] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "gc_share_median": round(statistics.median(shares), 3),
            "gc_share_max": round(max(shares), 3),
            "collections_per_request": round(statistics.fmean(counts), 1),
        }
    return out


def _setup(scale: int) -> dict:
    import django

    django.setup()
    from bench.benchmarks import offers

    matching = offers._prepare_matching(scale)
    return {
        "request": matching["request"].pk,
        "membership": matching["membership"].pk,
        "session": matching["client"].cookies["sessionid"].value,
        "facilities": matching["n"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gc_share", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results" / "gc-share.json"))
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup_only:
        print(json.dumps(_setup(args.scale)))
        return 0
    if args.measure:
        print(json.dumps(_measure(args.rounds, json.loads(args.measure))))
        return 0

    from bench.load import PRODUCTION_ENV, _run

    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        from config.devstack import prepare_environment

        env = prepare_environment(dbname="regie_gc_share", persistent_redis=False)
    env.update(PRODUCTION_ENV, ALLOWED_HOSTS="testserver")
    env["DATABASE_URL"] = env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]
    env.setdefault("STATIC_ROOT", str(BASE_DIR / ".data" / "load-static"))  # the page names hashed files
    _run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run(["manage.py", "flush", "--noinput"], env)
    print(f"preparing data (scale {args.scale}) ...", file=sys.stderr, flush=True)
    out = _run(
        ["-m", "bench.gc_share", "--setup-only", "--scale", str(args.scale)], env, stdout=subprocess.PIPE, text=True
    )
    setup = json.loads(out.stdout.strip().splitlines()[-1])
    results = {}
    for name in args.variants.split(","):
        print(f"  {name} ...", file=sys.stderr, flush=True)
        measure = ["-m", "bench.gc_share", "--measure", json.dumps(setup), "--rounds", str(args.rounds)]
        out = _run(measure, {**env, **VARIANTS[name]}, stdout=subprocess.PIPE, text=True)
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    report = {
        "benchmark": "share of a matching request spent in the garbage collector (bench/gc_share.py)",
        "command": "python -m bench.gc_share " + " ".join(argv if argv is not None else sys.argv[1:]),
        "data": f"bench offers.matching setup at scale {args.scale}: {setup['facilities']} facilities",
        "variants": {name: VARIANTS[name] for name in results},
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    for name, r in results.items():
        print(
            f"{name:<18} selector {r['selector']['median_ms']:>8} ms gc {r['selector']['gc_share_median']:>6}"
            f" ({r['selector']['collections_per_request']} coll.)   page {r['page']['median_ms']:>8} ms"
            f" gc {r['page']['gc_share_median']:>6} ({r['page']['collections_per_request']} coll.)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
