"""Two years of history for the demo regions, so the figures have something to show.

`make run` calls this after `seed_demo`. It loads once: a region that already has its
history is left alone, so a second run adds nothing; two runs at the same time queue on
one advisory lock and the second finds the first one's rows. Everything goes in one
transaction: a load that fails leaves nothing behind. Refuses to run in production.

The rows come from the benchmark generator (`bench.generate.demo_history`, the same code
that makes the national benchmark data) at a small scale: see README, "Demo history".
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Region
from intake.models import PlacementRequest

DEMO_REGIONS = ["JZ14", "JZ04"]  # Twente and Drenthe, as seed_demo
LOCK_KEY = 72_012  # pg_advisory_xact_lock key of this loader (issue 12)


def load_demo_history(
    region_codes=DEMO_REGIONS, *, years=2, per_region_year=400, progress=lambda message: None
) -> dict | None:
    """Load the history for the regions that have none yet; None when all have one."""
    from bench.generate import DEMO_USERNAME, demo_history

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        loaded = set(
            PlacementRequest.objects.filter(referrer__username=DEMO_USERNAME, region__code__in=region_codes)
            .values_list("region__code", flat=True)
            .distinct()
        )
        missing = [code for code in region_codes if code not in loaded]
        unknown = set(missing) - set(Region.objects.filter(code__in=missing).values_list("code", flat=True))
        if unknown:
            raise CommandError(f"Onbekende regio: {', '.join(sorted(unknown))}")
        if not missing:
            return None
        return demo_history(missing, years=years, per_region_year=per_region_year, progress=progress)


class Command(BaseCommand):
    help = "Laad eenmalig twee jaar demo-geschiedenis voor de demoregio's (weigert in productie)."

    def add_arguments(self, parser):
        parser.add_argument("--regions", default=",".join(DEMO_REGIONS), help="regiocodes, komma-gescheiden")
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--per-region-year", type=int, default=400, help="eerste verzoeken per regio per jaar")

    def handle(self, *args, regions, years, per_region_year, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_history weigert te draaien met DJANGO_ENV=production.")
        if not 1 <= years <= 10 or not 1 <= per_region_year <= 5000:
            raise CommandError("--years moet 1-10 zijn en --per-region-year 1-5000.")
        codes = [code.strip() for code in regions.split(",") if code.strip()]
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"Demo-geschiedenis laden: {message}")
            self.stdout.flush()

        progress(f"regio's {', '.join(codes)}, {years} jaar, {per_region_year} verzoeken per regio per jaar")
        counts = load_demo_history(codes, years=years, per_region_year=per_region_year, progress=progress)
        if counts is None:
            progress("al aanwezig, niets toegevoegd")
        else:
            progress(f"klaar in {time.monotonic() - started:.1f} s")
