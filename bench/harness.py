"""The benchmark runner.

A `Benchmark` names a hot path of the product and its floor: the cheapest way to get the
same rows (hand-written SQL, or a trivial endpoint on the same server). Both are timed in
the same run, alternating, and the figures reported are:

- `ratio`: median time of the path / median time of the floor (absolute times on shared
  machines are noise; the ratio is the figure), with its spread (`ratio_min`, `ratio_max`:
  the lowest and highest ratio of a path sample to the floor sample timed next to it), and
  min/median/max of each side; every sample is kept in the results (`timed_pair`);
- `queries`: SQL statements the path issues (must not grow with the data);
- `growth`: how the path's time and queries change when the data grows 4x and 16x.

Each benchmark's data is created inside a transaction that is rolled back afterwards, so
the benchmark database stays empty between runs.

Shared data (issue 13, fix12): a benchmark may name `data`, a function scale -> context
that is costly to make (bench.generate.generate: national data). `run_benchmarks` makes
it once per scale, in a transaction around all benchmarks of that scale, and every
benchmark naming the same function reads it with `shared(function, scale)` in its setup;
each benchmark's own rows go into a savepoint rolled back after it. So
`bench -- indicators report-contracts --scales 1,4,16` generates each scale once.
`make bench` keeps that data between runs of the same day (bench/cache.py).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from bench.cache import cached, cached_context, cached_name

REGISTRY: dict[str, Benchmark] = {}


@dataclass
class Benchmark:
    name: str
    description: str
    setup: Callable[[int], Any]  # scale -> context handed to path and floor
    path: Callable[[Any], Any]
    floor: Callable[[Any], Any]
    same_rows: Callable[[Any, Any], bool] | None = None  # compares path and floor results
    scales: tuple[int, ...] = (1, 4, 16)
    size: Callable[[Any], int] | None = None  # rows at this scale, for the report
    data: Callable[[int], Any] | None = None  # shared data, made once per scale per run (see above)
    # the setup for the interleaved growth (`interleaved_growth`) when `setup` does more
    # than build the context (the indicators time each indicator in theirs)
    growth_setup: Callable[[int], Any] | None = None


def register(benchmark: Benchmark) -> Benchmark:
    REGISTRY[benchmark.name] = benchmark
    return benchmark


class _Rollback(Exception):
    pass


_SHARED: dict[tuple[Callable, int], Any] = {}


def shared(data: Callable[[int], Any], scale: int) -> Any:
    """The data `data(scale)` made once for this scale of the run (see the module text);
    outside `run_benchmarks` (or before it made it) it is made here."""
    key = (data, scale)
    if key not in _SHARED:
        return data(scale)
    return _SHARED[key]


def _time(func, context, repeat: int) -> tuple[list[float], Any]:
    result = None
    timings = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func(context)
        timings.append(time.perf_counter() - start)
    return timings, result


def _count_queries(func, context) -> int:
    with CaptureQueriesContext(connection) as captured:
        func(context)
    return len(captured.captured_queries)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def timed_pair(path, floor, context, repeat: int) -> tuple[dict, Any, Any]:
    """Path and floor timed alternately `repeat` times (drift on a shared machine hits
    both alike). Every sample is kept; reported are min, median and max of each side, the
    ratio of the medians and its spread (the lowest and highest ratio of one path sample
    to the floor sample next to it). Returns (figures, path result, floor result)."""
    path_times, floor_times = [], []
    path_result = floor_result = None
    for _ in range(repeat):
        t, path_result = _time(path, context, 1)
        path_times += t
        t, floor_result = _time(floor, context, 1)
        floor_times += t
    pairs = [p / f for p, f in zip(path_times, floor_times, strict=True)]
    figures = {
        "path_min_ms": _ms(min(path_times)),
        "path_median_ms": _ms(statistics.median(path_times)),
        "path_max_ms": _ms(max(path_times)),
        "floor_min_ms": _ms(min(floor_times)),
        "floor_median_ms": _ms(statistics.median(floor_times)),
        "floor_max_ms": _ms(max(floor_times)),
        "ratio": round(statistics.median(path_times) / statistics.median(floor_times), 2),
        "ratio_min": round(min(pairs), 2),
        "ratio_max": round(max(pairs), 2),
        "path_samples_ms": [_ms(t) for t in path_times],
        "floor_samples_ms": [_ms(t) for t in floor_times],
    }
    return figures, path_result, floor_result


def _measure(benchmark: Benchmark, scale: int, repeat: int) -> dict:
    context = benchmark.setup(scale)
    connection.cursor().execute("ANALYZE")
    for _ in range(2):  # warm caches and connections for both sides
        benchmark.path(context)
        benchmark.floor(context)
    figures, path_result, floor_result = timed_pair(benchmark.path, benchmark.floor, context, repeat)
    same = benchmark.same_rows(path_result, floor_result) if benchmark.same_rows else None
    if same is False:
        raise AssertionError(f"{benchmark.name}: path and floor returned different rows")
    return {
        "scale": scale,
        "rows": benchmark.size(context) if benchmark.size else None,
        **figures,
        "queries": _count_queries(benchmark.path, context),
        "floor_queries": _count_queries(benchmark.floor, context),
        "same_rows": same,
    }


def run_benchmarks(
    benchmarks: list[Benchmark],
    *,
    repeat: int = 15,
    scales: tuple[int, ...] | None = None,
    progress=None,
    checkpoint=None,
    cache: bool = False,
) -> list[dict]:
    """Run the benchmarks scale by scale; data named by `Benchmark.data` is made once per
    scale and shared, everything is rolled back. `progress(message)` hears what runs and
    each figure; `checkpoint(reports)` gets the reports so far after each scale (a long
    run that is stopped keeps what it measured).

    Per scale, the benchmarks without shared data run first, on their own (they never see
    another benchmark's national rows), then each group sharing one data function. With
    `cache` (`make bench`), a group's data comes from a database kept between runs
    (bench/cache.py) instead of being made in the rolled-back transaction."""
    reports = {b.name: {"name": b.name, "description": b.description, "scales": []} for b in benchmarks}
    order = list(dict.fromkeys(s for b in benchmarks for s in (scales or b.scales)))
    for scale in order:
        todo = [b for b in benchmarks if scale in (scales or b.scales)]
        groups: dict[Callable | None, list[Benchmark]] = {None: []}
        for benchmark in todo:
            groups.setdefault(benchmark.data, []).append(benchmark)
        for data, group in groups.items():
            if group:
                _run_group(data, group, scale, repeat, reports, progress, cache)
        _growth(reports.values())
        if checkpoint:
            checkpoint(list(reports.values()))
    if cache and len(order) > 1:
        for benchmark in todo_with_data(benchmarks):
            measured = [e["scale"] for e in reports[benchmark.name]["scales"]]
            if len(measured) > 1:
                if progress:
                    progress(f"growth of {benchmark.name}, scales {measured} interleaved ...")
                _interleaved_into(reports[benchmark.name], interleaved_growth(benchmark, measured, repeat))
                if checkpoint:
                    checkpoint(list(reports.values()))
    return list(reports.values())


def todo_with_data(benchmarks):
    return [b for b in benchmarks if b.data is not None]


def _interleaved_into(report, medians: dict[int, float]) -> None:
    first = min(medians)
    for entry in report["scales"]:
        entry["interleaved_median_ms"] = _ms(medians[entry["scale"]])
        if entry["scale"] != first:
            entry["time_growth_interleaved"] = round(medians[entry["scale"]] / medians[first], 2)


def _use(wrapper) -> None:
    """Make `wrapper` the default connection of this thread (django.db.connection)."""
    connections._connections.default = wrapper


def interleaved_growth(benchmark: Benchmark, scales: list[int], repeat: int) -> dict[int, float]:
    """Growth within one run (issue 15): the path timed at every scale in turn, round
    after round, each scale on its own connection to its kept database (bench/cache.py),
    so drift on a shared machine hits every scale alike, where `time_growth` divides
    medians taken minutes apart. Each connection holds a transaction rolled back at the
    end (the benchmark's own rows); the default connection is switched between them only
    between two timings. Returns the median seconds per scale."""
    setup = benchmark.growth_setup or benchmark.setup
    original = connections["default"]
    sides = []
    kept = {scale: cached_context(benchmark.data, scale) for scale in scales}  # before any switch
    try:
        for scale in scales:
            context = kept[scale]
            settings = copy.deepcopy(original.settings_dict)
            settings["NAME"] = cached_name(benchmark.data, scale)
            wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
            _use(wrapper)
            block = transaction.atomic()
            block.__enter__()
            _SHARED[(benchmark.data, scale)] = context
            sides.append((scale, wrapper, block, setup(scale)))
            connection.cursor().execute("ANALYZE")
        for _scale, wrapper, _, context in sides:  # warm each connection
            _use(wrapper)
            benchmark.path(context)
        times: dict[int, list[float]] = {scale: [] for scale in scales}
        for round_ in range(repeat):
            for scale, wrapper, _, context in sides if round_ % 2 == 0 else reversed(sides):
                _use(wrapper)
                times[scale] += _time(benchmark.path, context, 1)[0]
        return {scale: statistics.median(values) for scale, values in times.items()}
    finally:
        for scale, wrapper, block, _ in sides:
            _use(wrapper)
            block.__exit__(_Rollback, _Rollback(), None)
            wrapper.close()
            _SHARED.pop((benchmark.data, scale), None)
        _use(original)


def _run_group(data, group, scale, repeat, reports, progress, cache) -> None:
    key = (data, scale)
    with contextlib.ExitStack() as stack:
        if data is not None and cache:
            _SHARED[key] = stack.enter_context(cached(data, scale, progress))
        try:
            with transaction.atomic():
                if data is not None and key not in _SHARED:
                    if progress:
                        progress(f"making data of scale {scale} ...")
                    _SHARED[key] = data(scale)
                for benchmark in group:
                    if progress:
                        progress(f"running {benchmark.name} at scale {scale} ...")
                    try:
                        with transaction.atomic():  # a savepoint: this benchmark's own rows
                            entry = _measure(benchmark, scale, repeat)
                            reports[benchmark.name]["scales"].append(entry)
                            if progress:
                                progress(f"  {benchmark.name} scale {scale}: {json.dumps(entry)}")
                            raise _Rollback
                    except _Rollback:
                        pass
                raise _Rollback
        except _Rollback:
            pass
        finally:
            _SHARED.pop(key, None)


def _growth(reports) -> None:
    for report in reports:
        if not report["scales"]:
            continue
        first = report["scales"][0]
        for entry in report["scales"][1:]:
            entry["time_growth"] = round(entry["path_median_ms"] / first["path_median_ms"], 2)
            entry["query_growth"] = entry["queries"] - first["queries"]


def run_benchmark(benchmark: Benchmark, *, repeat: int = 15, scales: tuple[int, ...] | None = None) -> dict:
    return run_benchmarks([benchmark], repeat=repeat, scales=scales)[0]


def format_table(reports: list[dict]) -> str:
    lines = [
        f"{'benchmark':<34} {'scale':>5} {'rows':>8} {'path ms':>9} {'floor ms':>9} "
        f"{'ratio':>6} {'spread':>11} {'queries':>7} {'growth':>7}"
    ]
    for report in reports:
        for entry in report["scales"]:
            spread = f"{entry['ratio_min']}-{entry['ratio_max']}" if "ratio_min" in entry else ""
            lines.append(
                f"{report['name']:<34} {entry['scale']:>5} {entry['rows'] or '':>8} {entry['path_median_ms']:>9} "
                f"{entry['floor_median_ms']:>9} {entry['ratio']:>6} {spread:>11} {entry['queries']:>7} "
                f"{entry.get('time_growth', ''):>7}"
            )
    return "\n".join(lines)


def write_json(reports: list[dict], path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "benchmarks": reports}, handle, indent=2)
