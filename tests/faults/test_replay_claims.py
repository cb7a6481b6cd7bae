"""A what-if replay is a core.jobs job like an export (issue 16.2): a replay whose worker was
killed (its connection, and with it the run lock, gone) is handed out again by beat's sweep
and finishes once, with a second attempt counted. Same pattern as test_job_claims.py."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.jobs import job_claimed
from planning.models import ReplayRun, Scenario
from planning.services import replay_run, replay_stale_requeue
from tests.accounts.factories import member
from tests.reporting.factories import facility

LATER = timezone.now() + dt.timedelta(hours=1)


class Runner(threading.Thread):
    """Claims the run in its own connection, then dies (ends its connection unfinished)."""

    def __init__(self, pk):
        super().__init__()
        self.pk, self.claimed, self.release, self.got = pk, threading.Event(), threading.Event(), None

    def run(self):
        try:
            with job_claimed(ReplayRun, self.pk) as job:
                self.got = job
                self.claimed.set()
                self.release.wait(60)
                connection.close()  # ends the session: PostgreSQL releases the lock
        finally:
            self.claimed.set()
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_replay_whose_worker_died_is_handed_out_again_and_finishes_once(own_redis, twente):
    user = member("contract_manager", regions=[twente])
    f1 = facility(name="F1", places_contracted=1, places_staffed=1)
    scenario = Scenario.objects.create(
        region=twente,
        name="Sluiten",
        period_start=dt.date(2024, 1, 1),
        period_months=12,
        changes=[{"kind": "close", "facility": f1.pk}],
        created_by=user,
    )
    run = ReplayRun.objects.create(scenario=scenario, requested_by=user)
    runner = Runner(run.pk)
    runner.start()
    assert runner.claimed.wait(60) and runner.got is not None
    assert replay_run(run.pk) is False  # a redelivered message while the first runner lives
    runner.release.set()
    runner.join(60)
    assert ReplayRun.objects.get(pk=run.pk).status == ReplayRun.Status.RUNNING  # left behind

    ReplayRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    queued = own_redis.client().llen("celery")
    assert replay_stale_requeue() == 1
    assert own_redis.client().llen("celery") == queued + 1  # the message is on the broker again
    assert replay_run(run.pk) is True and replay_run(run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress) == (ReplayRun.Status.DONE, 2, 100)
    assert run.results.count() == 3
