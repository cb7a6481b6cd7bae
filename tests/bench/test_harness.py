"""The benchmark harness reports ratio, query counts and growth, leaves no data behind,
and refuses a floor that returns other rows than the path."""

import statistics

import pytest
from django.db import connection

from accounts.models import Organisation
from bench.harness import Benchmark, run_benchmark, run_benchmarks, shared, timed_pair


def _setup(scale):
    Organisation.objects.bulk_create([Organisation(name=f"bench {i}", kind="coordination") for i in range(10 * scale)])
    return scale


def _path(scale):
    return sorted(Organisation.objects.filter(name__startswith="bench ").values_list("name", flat=True))


def _floor(scale):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_organisation WHERE name LIKE 'bench %%' ORDER BY name")
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_harness_reports_ratio_queries_and_growth_and_rolls_back():
    report = run_benchmark(
        Benchmark("orgs", "test", _setup, _path, _floor, same_rows=lambda a, b: a == b, size=lambda s: 10 * s),
        repeat=3,
        scales=(1, 4),
    )
    first, second = report["scales"]
    assert (first["rows"], second["rows"]) == (10, 40)
    assert first["queries"] == 1 and first["floor_queries"] == 1 and first["same_rows"] is True
    assert first["ratio"] > 0 and "time_growth" in second and second["query_growth"] == 0
    assert not Organisation.objects.filter(name__startswith="bench ").exists()


@pytest.mark.django_db
def test_harness_refuses_a_floor_with_other_rows():
    wrong = Benchmark("orgs", "test", _setup, _path, lambda s: ["other"], same_rows=lambda a, b: a == b)
    with pytest.raises(AssertionError, match="different rows"):
        run_benchmark(wrong, repeat=1, scales=(1,))


MADE = []


def _national(scale):
    """Stands for bench.generate.generate: costly shared rows, counted when made."""
    MADE.append(scale)
    Organisation.objects.bulk_create([Organisation(name=f"shared {i}", kind="coordination") for i in range(5 * scale)])
    return {"scale": scale}


def _names(prefix):
    return sorted(Organisation.objects.filter(name__startswith=prefix).values_list("name", flat=True))


def _own_rows(tag):
    def setup(scale):
        ctx = dict(shared(_national, scale))
        Organisation.objects.create(name=f"own {tag}", kind="coordination")
        ctx["seen"] = (len(_names("shared ")), _names("own "))
        return ctx

    return setup


@pytest.mark.django_db
def test_shared_data_is_made_once_per_scale_for_all_benchmarks_and_rolled_back():
    MADE.clear()
    benchmarks = [
        Benchmark(
            f"b{tag}",
            "test",
            _own_rows(tag),
            lambda ctx: _names("shared "),
            lambda ctx: _names("shared "),
            same_rows=lambda a, b: a == b,
            size=lambda ctx: ctx["seen"],
            data=_national,
        )
        for tag in ("a", "b")
    ]
    first, second = run_benchmarks(benchmarks, repeat=1, scales=(1, 4))
    assert MADE == [1, 4]  # one generation per scale, not one per benchmark and scale
    # Both see the shared rows of their scale; each sees only its own rows (savepoint per benchmark).
    assert [e["rows"] for e in first["scales"]] == [(5, ["own a"]), (20, ["own a"])]
    assert [e["rows"] for e in second["scales"]] == [(5, ["own b"]), (20, ["own b"])]
    assert second["scales"][1]["query_growth"] == 0
    assert not Organisation.objects.filter(name__startswith="shared ").exists()
    assert not Organisation.objects.filter(name__startswith="own ").exists()


def test_timed_pair_keeps_every_sample_and_reports_min_median_max_and_the_ratio_spread():
    delays = iter([0.004, 0.001, 0.012, 0.002, 0.008, 0.001])  # path, floor, path, floor, ...

    def side(_context):
        import time

        time.sleep(next(delays))
        return "rows"

    figures, path_result, floor_result = timed_pair(side, side, None, 3)
    assert path_result == floor_result == "rows"
    path, floor = figures["path_samples_ms"], figures["floor_samples_ms"]
    assert len(path) == len(floor) == 3
    assert figures["path_min_ms"] == min(path) and figures["path_max_ms"] == max(path)
    assert figures["path_median_ms"] == statistics.median(path) and figures["floor_median_ms"] == statistics.median(
        floor
    )
    assert figures["path_min_ms"] >= 4 and figures["path_max_ms"] >= 12  # the samples are the path's, in order
    pairs = [p / f for p, f in zip(path, floor, strict=True)]
    assert figures["ratio_min"] == pytest.approx(min(pairs), abs=0.01)
    assert figures["ratio_max"] == pytest.approx(max(pairs), abs=0.01)
    assert figures["ratio_min"] <= figures["ratio"] <= figures["ratio_max"]
