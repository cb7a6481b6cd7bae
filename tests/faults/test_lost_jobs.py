"""Issue 13.6: exports recover from a lost broker message and from a killed worker
(core.jobs: the run lock, the attempt count, beat's stale_jobs_requeue). Real Redis and
real Celery worker processes; the test stops Redis and kills a worker with SIGKILL."""

import os
import signal

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from reporting.models import ExportJob
from reporting.services import export_request
from tests.conftest import start_worker, stop_process, wait_for
from tests.faults.worker_app import SLOW_REPORT, register

FAST_SWEEP = {"STALE_JOB_SECONDS": "2", "STALE_JOB_SWEEP_SECONDS": "1", "OUTBOX_FLUSH_SECONDS": "3600"}


@pytest.fixture
def media(tmp_path, settings):
    register()  # the test report, also in this process (export_request checks the code)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield settings.PRIVATE_MEDIA_ROOT
    from reporting.registry import REPORTS

    REPORTS.pop(SLOW_REPORT, None)


def _worker(tmp_path, name, redis_url, media, pool="solo", **env):
    home = tmp_path / name
    (home / "mail").mkdir(parents=True)
    return start_worker(
        redis_url=redis_url,
        mail_dir=home / "mail",
        beat=bool(env.pop("beat", False)),
        app="tests.faults.worker_app",
        pool=pool,
        extra_env={"PRIVATE_MEDIA_ROOT": str(media), **env},
    )


def _export_lines(media, job) -> list[str]:
    return (media / "exports" / job.file_name).read_text(encoding="utf-8-sig").splitlines()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_asked_for_while_redis_is_down_finishes_when_it_is_back(own_redis, media, contract_manager, tmp_path):
    own_redis.kill()
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    job = export_request(membership=membership, report=SLOW_REPORT, params={"n": 20}, fmt="csv", by=contract_manager)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED  # committed; its message never reached the broker

    own_redis.start()
    worker = _worker(tmp_path, "worker", own_redis.url, media, beat=True, **FAST_SWEEP)
    try:
        wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=90)
    finally:
        stop_process(worker)
    job.refresh_from_db()
    assert job.attempts == 1 and job.progress == 100
    assert "19;rij 19" in _export_lines(media, job)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_an_export_is_taken_over_and_the_file_made_once(
    own_redis, media, contract_manager, tmp_path
):
    marker = tmp_path / "stalled"
    first = _worker(tmp_path, "first", own_redis.url, media, FAULTS_SLOW_MARKER=str(marker))
    try:
        membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
        job = export_request(
            membership=membership, report=SLOW_REPORT, params={"n": 2000}, fmt="csv", by=contract_manager
        )
        wait_for(marker.exists, timeout=90)  # the first worker is writing the file
        assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        stop_process(first)
    assert [p.name for p in (media / "exports").iterdir()] != []  # the killed run left its partial file

    second = _worker(tmp_path, "second", own_redis.url, media, beat=True, **FAST_SWEEP)
    try:
        wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=90)
    finally:
        stop_process(second)
    job.refresh_from_db()
    assert job.attempts == 2  # the killed run and the one that finished
    assert sorted(p.name for p in (media / "exports").iterdir()) == [job.file_name]  # one file, no partial left
    lines = _export_lines(media, job)
    assert "1999;rij 1999" in lines and sum(line.startswith("1999;") for line in lines) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_during_an_export_gives_the_message_back_and_the_export_finishes(
    own_redis, media, contract_manager, tmp_path
):
    """Prefork: the pool process running the export is killed (-9). With acks_late and
    task_reject_on_worker_lost the message goes back to the queue at once (no sweep:
    this worker runs no beat), and the new pool process takes the job over."""
    marker = tmp_path / "stalled"
    worker = _worker(tmp_path, "prefork", own_redis.url, media, FAULTS_SLOW_MARKER=str(marker), pool="prefork")
    try:
        membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
        job = export_request(
            membership=membership, report=SLOW_REPORT, params={"n": 2000}, fmt="csv", by=contract_manager
        )
        wait_for(lambda: marker.exists() and marker.read_text(), timeout=90)
        child = int(marker.read_text())
        assert child != worker.pid
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=90)
    finally:
        stop_process(worker)
    job.refresh_from_db()
    assert job.attempts == 2
    assert sorted(p.name for p in (media / "exports").iterdir()) == [job.file_name]
    assert "1999;rij 1999" in _export_lines(media, job)
