from celery import shared_task

from reporting import services


@shared_task(name="reporting.tasks.export_run", acks_late=True)
def export_run(job_id: int) -> bool:
    return services.export_run(job_id)


@shared_task(name="reporting.tasks.quarterly_reports_build")
def quarterly_reports_build() -> int:
    return services.quarterly_reports_build_all()


@shared_task(name="reporting.tasks.quarterly_run", acks_late=True)
def quarterly_run(report_id: int) -> bool:
    """A quarterly report asked for on demand (idempotent: only a queued one runs)."""
    return services.quarterly_run(report_id)


@shared_task(name="reporting.tasks.stale_jobs_requeue")
def stale_jobs_requeue() -> int:
    """Beat (issue 13.6): exports and quarterly reports whose message was lost or whose
    worker died go to a worker again; a job started too often fails for good."""
    return services.stale_jobs_requeue()
