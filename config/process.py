"""Process tuning for the web and worker processes (issue 15, point 7: perf-tuning).

Called from gunicorn's `post_worker_init` hook (config/gunicorn.py) once a web worker has
loaded Django, and from Celery's `worker_process_init` signal (config/celery.py) in each
worker child:

- `GC_FREEZE` (default on): `gc.collect()` then `gc.freeze()`. Everything alive after
  start-up (Django, the URL resolvers, templates, translations, DRF schema pieces) moves to
  the permanent generation, so the collector stops walking those objects on every full
  collection, and (on a fork from a loaded parent) their pages are not dirtied by the
  collector's bookkeeping.
- `GC_THRESHOLD` (default `50000,20,100`; `0` keeps Python's own 700,10,10): three
  integers set with `gc.set_threshold`. A youngest generation of 50,000 objects instead of
  700: the matching selector's 2,000 rows made the collector run hundreds of times per
  request. Measured (README, "Process tuning"): the share of a matching request spent in
  the collector went from about 20% (Python's defaults) to about 9% with the freeze alone
  and to under 1% with both; a worker's peak memory grows by some 10%.

`tuning_from_env` reads the variables once; `apply` does the work and returns what it did
(the benchmark and the tests read it).
"""

from __future__ import annotations

import gc
import os
import threading
from dataclasses import dataclass

DEFAULT_THRESHOLD = (50_000, 20, 100)


@dataclass(frozen=True)
class Tuning:
    freeze: bool = True
    threshold: tuple[int, int, int] | None = DEFAULT_THRESHOLD


def _bool(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def parse_threshold(value: str | None) -> tuple[int, int, int] | None:
    """`"50000,20,100"` -> (50000, 20, 100); unset or empty -> DEFAULT_THRESHOLD; `0` ->
    None (Python's own thresholds stay). Anything else is refused with ValueError naming
    the variable, so a typo does not pass silently."""
    if value is None or not value.strip():
        return DEFAULT_THRESHOLD
    if value.strip() == "0":
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or int(parts[0]) == 0:
        raise ValueError(f"GC_THRESHOLD must be three whole numbers like 50000,20,100 (got {value!r})")
    return int(parts[0]), int(parts[1]), int(parts[2])


def tuning_from_env(environ=None) -> Tuning:
    environ = os.environ if environ is None else environ
    return Tuning(
        freeze=_bool(environ.get("GC_FREEZE"), True),
        threshold=parse_threshold(environ.get("GC_THRESHOLD")),
    )


def apply(tuning: Tuning | None = None) -> dict:
    """Apply the tuning in this process, after start-up; returns what was done."""
    tuning = tuning or tuning_from_env()
    done: dict = {"freeze": False, "frozen_objects": 0, "threshold": gc.get_threshold()}
    if tuning.threshold is not None:
        gc.set_threshold(*tuning.threshold)
        done["threshold"] = gc.get_threshold()
    if tuning.freeze:
        gc.collect()
        gc.freeze()
        done["freeze"] = True
        done["frozen_objects"] = gc.get_freeze_count()
    return done


def freeze_when_done(thread: threading.Thread, *, environ=None) -> threading.Thread | None:
    """Freeze again once `thread` (the identifying-data model's warm-up, config/wsgi.py) has
    finished: deduce's ~4.5 million objects, loaded after the worker's first freeze, would
    otherwise be walked by every full collection (measured: one `gc.collect()` with the
    model loaded took 31 s on the shared machine; after this freeze 0 ms). Off with
    GC_FREEZE=0."""
    if not tuning_from_env(environ).freeze:
        return None

    def wait_then_freeze():
        thread.join()
        gc.collect()
        gc.freeze()

    waiter = threading.Thread(target=wait_then_freeze, name="gc-freeze-after-warm-up", daemon=True)
    waiter.start()
    return waiter
