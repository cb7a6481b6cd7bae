"""What one full garbage collection costs in a web worker once the identifying-data model
(deduce) is loaded, before and after the second freeze config/wsgi.py does (issue 15,
point 7, perf-tuning).

    python -m bench.gc_deduce [--out bench/results/gc-deduce.json]

Loads Django, freezes (as the gunicorn hook does), loads deduce (as the warm-up thread
does), then times `gc.collect()` (best of three) with everything tracked and again after
`gc.freeze()`. Needs no database. Takes a few minutes and about 1.1 GB.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _full_collection_ms() -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        gc.collect()
        times.append(time.perf_counter() - started)
    return round(min(times) * 1000, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gc_deduce", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results" / "gc-deduce.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", "postgresql://unused@localhost/unused")
    os.environ.setdefault("REDIS_URL", "redis://localhost:1/0")
    import django

    django.setup()
    from placement.anonymisation import deduce_model

    gc.collect()
    gc.freeze()
    frozen_after_django = gc.get_freeze_count()
    started = time.time()
    deduce_model()
    loaded_s = round(time.time() - started, 1)
    tracked_before = len(gc.get_objects())
    before_ms = _full_collection_ms()
    gc.collect()
    gc.freeze()
    report = {
        "benchmark": "one full gc.collect() in a web worker with deduce loaded, before/after the second freeze",
        "command": "python -m bench.gc_deduce " + " ".join(argv if argv is not None else sys.argv[1:]),
        "frozen_after_django": frozen_after_django,
        "deduce_load_s": loaded_s,
        "tracked_objects_before_second_freeze": tracked_before,
        "full_collection_ms_before_second_freeze": before_ms,
        "tracked_objects_after_second_freeze": len(gc.get_objects()),
        "full_collection_ms_after_second_freeze": _full_collection_ms(),
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
