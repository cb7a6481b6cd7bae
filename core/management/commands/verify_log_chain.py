"""Verify the hash chain of the event log and the access log (core.log_chain).

    python manage.py verify_log_chain                # both logs
    python manage.py verify_log_chain --log access   # one

Prints OK with the row count per log; otherwise the first broken row (table, id,
expected and found) on stderr and exits with status 1."""

from django.core.management.base import BaseCommand

from core.log_chain import LOGS, chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the append-only logs; reports the first broken row."

    def add_arguments(self, parser):
        parser.add_argument("--log", choices=sorted(LOGS), help="only this log (default: both)")

    def handle(self, *args, log=None, **options):
        broken = False
        for name in [log] if log else ["events", "access"]:
            result = chain_verify(LOGS[name])
            if result.broken is None:
                self.stdout.write(f"OK {name} ({result.table}): {result.rows} rows")
            else:
                broken = True
                self.stderr.write(f"BROKEN {name}: {result.broken} (after {result.rows} valid rows)")
        if broken:
            raise SystemExit(1)
