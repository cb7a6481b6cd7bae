"""Issue 15: `make bench` keeps the generated national data between runs of the same day
(bench/cache.py): a second run reads it instead of making it again, its figures are the
same, the benchmark database itself stays empty, and benchmarks without shared data do
not see the national rows."""

import pytest
from django.db import connection

from accounts.models import Organisation
from bench.cache import PREFIX, _on, database_name, drop, fingerprint
from bench.harness import Benchmark, interleaved_growth, run_benchmarks
from core.db_roles import as_owner, owner_configured

pytestmark = pytest.mark.django_db(transaction=True)

MADE = []


@pytest.fixture(autouse=True)
def copies_of_the_pristine_test_database(monkeypatch):
    """New kept data is copied from the test database as migrate left it (tests/conftest.py
    `_pristine_copy`): PostgreSQL copies a database only while nobody else is on it, and
    the test database has the sessions of earlier tests (CI: "1 other session")."""
    import bench.cache

    monkeypatch.setattr(bench.cache, "TEMPLATE", f"{connection.settings_dict['NAME']}_pristine")


def _cached_national(scale):
    MADE.append(scale)
    Organisation.objects.bulk_create([Organisation(name=f"cached {i}", kind="coordination") for i in range(3 * scale)])
    return {"scale": scale}


SEEN = []


def _count_cached(ctx):
    SEEN.append(Organisation.objects.filter(name__startswith="cached ").count())
    return SEEN[-1]


def _names(prefix):
    return sorted(Organisation.objects.filter(name__startswith=prefix).values_list("name", flat=True))


def _benchmarks():
    shared = Benchmark(
        "with-data",
        "test",
        lambda scale: scale,
        lambda ctx: _names("cached "),
        lambda ctx: _names("cached "),
        same_rows=lambda a, b: a == b,
        size=lambda ctx: len(_names("cached ")),
        data=_cached_national,
    )
    alone = Benchmark(
        "without-data",
        "test",
        lambda scale: scale,
        lambda ctx: _names("cached "),
        lambda ctx: _names("cached "),
        same_rows=lambda a, b: a == b,
        size=lambda ctx: len(_names("cached ")),
    )
    return [alone, shared]


def _drop_caches():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}__cached_national_%"])
        names = [row[0] for row in cursor.fetchall()]
    with _on("postgres"):
        for name in names:
            drop(name)


def test_interleaved_growth_times_each_scale_on_its_own_kept_rows():
    assert owner_configured(), "DATABASE_OWNER_URL is not set"
    MADE.clear()
    benchmark = Benchmark("counts", "test", lambda scale: scale, _count_cached, _count_cached, data=_cached_national)
    with as_owner():
        try:
            run_benchmarks([benchmark], repeat=1, scales=(1, 2), cache=True)
            SEEN.clear()
            medians = interleaved_growth(benchmark, [1, 2], 3)
            assert set(medians) == {1, 2}
            # every timing read the rows of its own scale: 3 and 6, in turn, round after round
            assert SEEN[:4] == [3, 6, 3, 6] or SEEN[:2] == [3, 6]
            assert sorted(set(SEEN)) == [3, 6] and SEEN.count(3) == SEEN.count(6) == 1 + 3
            assert connection.settings_dict["NAME"].startswith("test_")  # the default connection is back
            assert not Organisation.objects.filter(name__startswith="cached ").exists()
        finally:
            _drop_caches()


def test_a_second_run_reads_the_kept_data_and_measures_the_same():
    assert owner_configured(), "DATABASE_OWNER_URL is not set"  # make test always has it
    MADE.clear()
    with as_owner():
        try:
            first = run_benchmarks(_benchmarks(), repeat=1, scales=(1, 2), cache=True)
            second = run_benchmarks(_benchmarks(), repeat=1, scales=(1, 2), cache=True)
            assert MADE == [1, 2]  # made once per scale; the second run made nothing
            for run in (first, second):
                alone, shared = run
                assert [e["rows"] for e in shared["scales"]] == [3, 6]
                assert [e["rows"] for e in alone["scales"]] == [0, 0]  # never on the kept data
            # the benchmark database itself holds none of it
            assert not Organisation.objects.filter(name__startswith="cached ").exists()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}__cached_national_%"]
                )
                kept = sorted(row[0] for row in cursor.fetchall())
            print_ = fingerprint(_cached_national)
            assert kept == sorted(database_name(_cached_national, s, print_) for s in (1, 2))
            # growth within the run: both scales timed in turn, each on its own kept database
            shared = second[1]["scales"]
            assert all(e["interleaved_median_ms"] > 0 for e in shared) and "time_growth_interleaved" in shared[1]
            assert "interleaved_median_ms" not in second[0]["scales"][0]  # no kept data, no interleaving
        finally:
            _drop_caches()


def test_kept_data_is_made_while_another_session_is_on_the_test_database():
    """CI stop 25's order: an earlier test's session still on the test database. The copy
    is made from the pristine one, so the kept data is made all the same."""
    import psycopg
    from django.conf import settings

    MADE.clear()
    app = connection.settings_dict
    other = psycopg.connect(
        dbname=app["NAME"], user=settings.DATABASE_APP_ROLE, host=app["HOST"], port=app["PORT"] or None
    )
    try:
        with as_owner():
            try:
                run_benchmarks(_benchmarks(), repeat=1, scales=(1,), cache=True)
                assert MADE == [1]
            finally:
                _drop_caches()
    finally:
        other.close()
