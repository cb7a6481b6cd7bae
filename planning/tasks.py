from celery import shared_task

from planning import services


@shared_task(name="planning.tasks.replay_run", acks_late=True)
def replay_run(run_id: int) -> bool:
    return services.replay_run(run_id)


@shared_task(name="planning.tasks.replay_stale_requeue")
def replay_stale_requeue() -> int:
    """Beat: replays whose message was lost or whose worker died go to a worker again."""
    return services.replay_stale_requeue()
