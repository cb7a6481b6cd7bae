"""Re-encrypt all personal data at rest with the first FIELD_ENCRYPTION_KEYS key, and with
--reindex recompute the blind indexes under BLIND_INDEX_KEY (intake.services.keys)."""

from django.core.management.base import BaseCommand, CommandError

from intake.services.keys import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column and uploaded file with the first FIELD_ENCRYPTION_KEYS key "
        "(put the new key first, keep the old one behind it, run this, then remove the old key). "
        "Idempotent; reports counts. --reindex recomputes the blind indexes after BLIND_INDEX_KEY changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute every blind index (BSN, family name + birth date) under BLIND_INDEX_KEY.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, dry_run, reindex, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = encryption_keys_rotate(dry_run=dry_run, reindex=reindex, batch_size=batch_size)
        failed = 0
        for label, counts in report.items():
            parts = ", ".join(f"{name} {counts[name]}" for name in sorted(counts)) or "nothing"
            self.stdout.write(f"{label}: {parts}")
            failed += counts.get("failed", 0)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if failed:
            raise CommandError(
                f"{failed} value(s) or file(s) could not be decrypted with FIELD_ENCRYPTION_KEYS; "
                "do not remove an old key yet."
            )
        self.stdout.write(self.style.SUCCESS("Done." if not dry_run else "Dry run done."))
