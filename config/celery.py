import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("regie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Issue 13 (observe): worker and beat log like the web (core/logs.py, Django's LOGGING) instead
# of Celery's own format, and a task carries the request id of whoever published it.
@signals.setup_logging.connect
def _product_logging(**kwargs):
    from django.conf import settings

    from core.logs import reapply

    reapply(settings.LOGGING)


def _connect_request_id() -> None:
    from core import request_id

    signals.before_task_publish.connect(request_id.task_publish_add_request_id, weak=False)
    signals.task_prerun.connect(request_id.task_prerun_bind_request_id, weak=False)
    signals.task_postrun.connect(request_id.task_postrun_clear, weak=False)


_connect_request_id()


# Issue 15 (perf-tuning): the same process tuning as the web workers (config/process.py),
# in each worker child once the tasks are loaded.
@signals.worker_process_init.connect
def _process_tuning(**kwargs):
    from config.process import apply

    apply()
