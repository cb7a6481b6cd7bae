"""The rule behind recovered exports and quarterly reports (core.jobs), with real
concurrent connections: a job runs once at a time while its runner lives; a job whose
runner is gone (its database connection ended, as when the process is killed) or whose
message was lost is handed out again by the sweep; after JOB_MAX_ATTEMPTS starts it
fails for good and the user sees that."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.jobs import job_claimed, jobs_requeue_stale
from reporting.models import ExportJob, QuarterlyReport
from reporting.services import export_request, export_run, quarterly_run
from reporting.tasks import export_run as export_task
from tests.faults.worker_app import SLOW_REPORT, register

LATER = timezone.now() + dt.timedelta(hours=1)  # every job is stale by then


@pytest.fixture
def job(own_redis, contract_manager, settings, tmp_path):
    register()
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    return export_request(membership=membership, report=SLOW_REPORT, params={"n": 3}, fmt="csv", by=contract_manager)


class Runner(threading.Thread):
    """Claims the job in its own connection and holds it until told; `die()` ends its
    connection without finishing (the lock goes with it, as with a killed worker)."""

    def __init__(self, pk):
        super().__init__()
        self.pk, self.claimed, self.release = pk, threading.Event(), threading.Event()
        self.got = None

    def run(self):
        try:
            with job_claimed(ExportJob, self.pk) as job:
                self.got = job
                self.claimed.set()
                self.release.wait(60)
                if self.dying:
                    connection.close()  # ends the session: PostgreSQL releases the lock
                    return
        finally:
            self.claimed.set()
            connection.close()

    dying = False

    def die(self):
        self.dying = True
        self.release.set()
        self.join(60)


@pytest.mark.django_db(transaction=True)
def test_a_job_running_in_a_live_process_is_neither_run_again_nor_handed_out(job):
    runner = Runner(job.pk)
    runner.start()
    assert runner.claimed.wait(60) and runner.got is not None
    try:
        assert export_run(job.pk) is False  # a redelivered message while the first run lives
        assert jobs_requeue_stale(ExportJob, export_task, now=LATER) == []
        assert ExportJob.objects.get(pk=job.pk).attempts == 1
    finally:
        runner.die()


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_runner_died_is_handed_out_again_and_finishes_once(job, own_redis):
    runner = Runner(job.pk)
    runner.start()
    assert runner.claimed.wait(60)
    runner.die()
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING  # left behind
    queued = own_redis.client().llen("celery")

    assert jobs_requeue_stale(ExportJob, export_task, now=LATER) == [job.pk]
    assert own_redis.client().llen("celery") == queued + 1  # the message is on the broker again
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.QUEUED
    assert export_run(job.pk) is True and export_run(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 2)


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_whose_message_was_lost_is_published_again_only_when_stale(job, own_redis):
    queued = own_redis.client().llen("celery")
    assert jobs_requeue_stale(ExportJob, export_task) == []  # just asked for: not stale yet
    assert jobs_requeue_stale(ExportJob, export_task, now=LATER) == [job.pk]
    assert own_redis.client().llen("celery") == queued + 1


@pytest.mark.django_db(transaction=True)
def test_a_job_started_too_often_fails_for_good_and_the_user_sees_it(job, contract_manager, client, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=3, started_at=timezone.now())
    assert jobs_requeue_stale(ExportJob, export_task, now=LATER) == []
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "3 attempts" in job.error
    assert export_run(job.pk) is False  # a late message does not bring it back

    client.force_login(contract_manager)
    page = client.get(f"/reports/exports/{job.pk}/").content.decode()
    assert "De export is mislukt." in page and "Gestopt na 3 pogingen." in page


@pytest.mark.django_db(transaction=True)
def test_a_quarterly_report_claimed_at_its_last_attempt_fails_instead_of_running(twente, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    report = QuarterlyReport.objects.create(region=twente, year=2025, quarter=1, status="running", attempts=2)
    assert quarterly_run(report.pk) is False
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.FAILED and report.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_beat_hands_out_both_exports_and_quarterly_reports_left_by_a_dead_worker(job, own_redis, twente):
    from reporting.services import stale_jobs_requeue

    old = timezone.now() - dt.timedelta(hours=1)
    report = QuarterlyReport.objects.create(
        region=twente, year=2025, quarter=1, status="running", attempts=1, started_at=old
    )
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, started_at=old)
    queued = own_redis.client().llen("celery")
    assert stale_jobs_requeue() == 2  # the beat task's body; nobody holds either run lock
    assert own_redis.client().llen("celery") == queued + 2
    assert quarterly_run(report.pk) is True
    report.refresh_from_db()
    assert (report.status, report.attempts) == (QuarterlyReport.Status.DONE, 2)
