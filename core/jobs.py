"""Background jobs that survive a lost broker message or a killed worker (issue 13.6).

A job is a row with `status` (queued, running, done, failed), `attempts`, `queued_at`
and `started_at` (reporting's ExportJob and QuarterlyReport). The rule, in one place:

- `job_claimed` runs a job at most once at a time. The runner holds a PostgreSQL
  session advisory lock on the job while it runs; PostgreSQL releases it when the
  runner's connection ends, also when the process is killed (-9). So a job that says
  "running" while nobody holds its lock was left by a dead worker, and is taken over
  (the task message is given back by acks_late + reject on worker lost, or handed out
  again by the sweep below). Every start counts as an attempt; a job started
  `JOB_MAX_ATTEMPTS` times fails for good, and the user sees that.
- `jobs_requeue_stale` (beat) hands to a worker again every job queued or running
  (with a dead runner) for longer than `STALE_JOB_SECONDS`: its message was lost (Redis
  down when it was published, or flushed) or its worker died.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.publish import publish

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def _lock_key(model, pk: int) -> tuple[int, int]:
    # Two int4 keys: the table (a stable 31-bit hash of its name) and the row.
    return zlib.crc32(model._meta.db_table.encode()) & 0x7FFFFFFF, int(pk)


def _try_lock(model, pk: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _lock_key(model, pk))
        return cursor.fetchone()[0]


def _unlock(model, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _lock_key(model, pk))


def runner_alive(model, pk: int) -> bool:
    """Whether some process holds the job's run lock right now."""
    if not _try_lock(model, pk):
        return True
    _unlock(model, pk)
    return False


def gave_up_error(attempts: int) -> str:
    return f"stopped after {attempts} attempts (worker lost each time)"


@contextmanager
def job_claimed(model, pk: int, *, related=()):
    """Claim job `pk` of `model` to run it: yields the row (status running, attempt
    counted) while this process holds its run lock, or None when there is nothing to run
    (done, failed, or being run by a live runner). The caller sets done/failed before the
    block ends."""
    if not _try_lock(model, pk):
        yield None  # a live runner has it
        return
    try:
        with transaction.atomic():
            job = (
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status__in=(QUEUED, RUNNING))
                .select_related(*related)
                .first()
            )
            if job is not None and job.attempts >= settings.JOB_MAX_ATTEMPTS:
                model.objects.filter(pk=pk).update(
                    status=FAILED, error=gave_up_error(job.attempts), finished_at=timezone.now()
                )
                log.error("job %s %s: %s", model.__name__, pk, gave_up_error(job.attempts))
                job = None
            if job is not None:
                if job.status == RUNNING:
                    log.warning("job %s %s: taking over from a runner that is gone", model.__name__, pk)
                job.status, job.attempts, job.started_at = RUNNING, job.attempts + 1, timezone.now()
                job.save(update_fields=["status", "attempts", "started_at"])
        yield job
    finally:
        _unlock(model, pk)


def jobs_requeue_stale(model, task, *, now=None) -> list[int]:
    """Hand every stale job of `model` to `task` again (see the module text). Returns the
    ids handed out."""
    now = now or timezone.now()
    before = now - dt.timedelta(seconds=settings.STALE_JOB_SECONDS)
    handed = []
    candidates = model.objects.filter(
        Q(status=QUEUED, queued_at__lt=before) | Q(status=RUNNING, started_at__lt=before)
    ).values_list("pk", flat=True)
    for pk in list(candidates[:500]):
        with transaction.atomic():
            job = model.objects.select_for_update(skip_locked=True).filter(pk=pk, status__in=(QUEUED, RUNNING)).first()
            if job is None or (job.status == RUNNING and runner_alive(model, pk)):
                continue
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                job.status, job.error, job.finished_at = FAILED, gave_up_error(job.attempts), now
                job.save(update_fields=["status", "error", "finished_at"])
                continue
            job.status, job.queued_at = QUEUED, now
            job.save(update_fields=["status", "queued_at"])
            transaction.on_commit(lambda pk=pk: publish(task, (pk,)), robust=True)
            handed.append(pk)
    return handed
