"""Process tuning (issue 15, point 7, perf-tuning): `gc.freeze()` after start-up in the web
workers (gunicorn's post_worker_init hook) and the Celery worker children
(worker_process_init), and GC_THRESHOLD when set (config/process.py). Each check runs in
a process of its own, so the test process's collector is left alone."""

import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

from config.devstack import _free_port
from config.process import Tuning, parse_threshold, tuning_from_env
from tests.conftest import BASE_DIR, _database_url_for, wait_for
from tests.core.test_production_server import _get, _production_env


def _python(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_the_variables_are_read_with_freeze_and_the_threshold_on_by_default():
    assert tuning_from_env({}) == Tuning(freeze=True, threshold=(50000, 20, 100))
    assert tuning_from_env({"GC_THRESHOLD": "0"}) == Tuning(freeze=True, threshold=None)
    assert tuning_from_env({"GC_FREEZE": "0", "GC_THRESHOLD": "50000,20,100"}) == Tuning(
        freeze=False, threshold=(50000, 20, 100)
    )
    assert tuning_from_env({"GC_FREEZE": "false", "GC_THRESHOLD": " "}) == Tuning(
        freeze=False, threshold=(50000, 20, 100)
    )


@pytest.mark.parametrize("bad", ["50000", "50000,20", "a,b,c", "0,10,10", "-1,10,10", "1,2,3,4", "00"])
def test_a_bad_threshold_is_refused_naming_the_variable(bad):
    with pytest.raises(ValueError, match="GC_THRESHOLD"):
        parse_threshold(bad)


def test_apply_freezes_what_is_alive_and_sets_the_threshold():
    out = _python(
        """
        import gc
        from config.process import apply
        before = gc.get_freeze_count()
        done = apply()
        print(before, gc.get_freeze_count(), done["frozen_objects"], gc.get_threshold())
        """,
        GC_FREEZE="1",
        GC_THRESHOLD="40000,15,90",
    )
    before, after, reported, threshold = out.split(" ", 3)
    assert before == "0" and int(after) > 1000 and abs(int(reported) - int(after)) <= 5  # print's own objects
    assert threshold == "(40000, 15, 90)"


def test_apply_without_freeze_leaves_the_collector_as_python_has_it():
    out = _python(
        """
        import gc
        from config.process import apply
        apply()
        print(gc.get_freeze_count(), gc.get_threshold())
        """,
        GC_FREEZE="0",
        GC_THRESHOLD="0",
    )
    assert out == "0 (700, 10, 10)"


def test_a_celery_worker_child_freezes_after_start_up():
    """The worker_process_init receiver config/celery.py connects is the one that freezes."""
    out = _python(
        """
        import gc
        from celery import signals
        import config.celery  # noqa: F401 - connects the receivers
        signals.worker_process_init.send(sender=None)
        print(gc.get_freeze_count())
        """,
        GC_FREEZE="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert int(out) > 1000


@pytest.mark.django_db(transaction=True)
def test_each_gunicorn_worker_freezes_once_django_is_loaded(tmp_path):
    port = _free_port()
    env = _production_env(
        tmp_path,
        DATABASE_URL=_database_url_for(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        ALLOWED_HOSTS="regie.example.org,localhost",
        GC_FREEZE="1",
        GC_THRESHOLD="30000,20,100",
    )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def both_tuned():
        if proc.poll() is not None:
            raise AssertionError(log_path.read_text()[-3000:])
        return len(re.findall(r"gc tuning: freeze=True", log_path.read_text())) >= 2

    try:
        wait_for(both_tuned, timeout=90, interval=0.3)
        assert _get(f"http://127.0.0.1:{port}/health/live")[0] == 200
        text = log_path.read_text()
        frozen = [int(n) for n in re.findall(r"gc tuning: freeze=True frozen_objects=(\d+)", text)]
        # Django, the URL conf and the apps are loaded before the hook: tens of thousands of objects
        assert len(frozen) == 2 and min(frozen) > 20_000, text[-2000:]
        assert text.count("threshold=(30000, 20, 100)") == 2
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise


def test_the_objects_a_warm_up_thread_loads_are_frozen_once_it_is_done():
    """config/wsgi.py: the identifying-data model loads after the worker's first freeze;
    its objects are frozen once the warm-up thread ends (and not before)."""
    out = _python(
        """
        import gc, threading
        from config.process import freeze_when_done
        gc.freeze()
        go, kept = threading.Event(), []
        def warm_up():
            go.wait()
            kept.append([[n] for n in range(50_000)])  # the "model": 50,000 tracked lists
        thread = threading.Thread(target=warm_up)
        thread.start()
        waiter = freeze_when_done(thread)
        before = gc.get_freeze_count()
        go.set()
        waiter.join(30)
        print(before, gc.get_freeze_count())
        """,
        GC_FREEZE="1",
    )
    before, after = (int(n) for n in out.split())
    assert after - before >= 50_000


def test_no_second_freeze_without_gc_freeze():
    out = _python(
        """
        import threading
        from config.process import freeze_when_done
        thread = threading.Thread(target=lambda: None)
        thread.start()
        print(freeze_when_done(thread))
        """,
        GC_FREEZE="0",
    )
    assert out == "None"
