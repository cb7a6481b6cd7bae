"""The product's Celery app for the fault tests' workers (`celery -A tests.faults.worker_app`),
with a test report `faults-slow` registered. With FAULTS_SLOW_MARKER set, the first run writing
its export stops after the first rows: the partial file is on disk, the marker file says
so (with the pid of the process running it), and it sleeps there until the test kills it."""

import os
import time
from pathlib import Path

from celery.signals import worker_init

from config.celery import app

__all__ = ["app"]

SLOW_REPORT = "faults-slow"


def slow_report(*, membership, params):
    from reporting.tables import Column, Table

    rows = [{"i": i, "text": f"rij {i}"} for i in range(params.get("n", 2000))]
    return [Table("slow", "Traag", [Column("i", "Nummer"), Column("text", "Tekst")], rows)]


def register() -> None:
    from reporting.registry import REPORTS

    REPORTS[SLOW_REPORT] = slow_report


@worker_init.connect
def _set_up(**kwargs):
    import django

    django.setup()
    register()
    marker = os.environ.get("FAULTS_SLOW_MARKER")
    if not marker:
        return
    from reporting import exports

    original = exports.write_csv

    def write_csv(tables, path, progress=None, cover=None):
        def stall(done, total):
            if progress:
                progress(done, total)
            if not Path(marker).exists():  # the first run only: the one the test kills
                Path(marker).write_text(str(os.getpid()))
                time.sleep(600)  # killed here

        return original(tables, path, progress=stall, cover=cover)

    exports.write_csv = write_csv
