"""Least privilege for behavioural scientists (issue 10): an assignment ends when its
request leaves the open states. Assignments that were left open or accepted on requests
already closed or ended before this rule existed are cancelled here, so the scientist's
access to those dossiers ends too. Reversing leaves them cancelled (nothing to restore)."""

from django.db import migrations

OPEN_STATUSES = ["submitted", "returned", "matching", "expert_table", "waiting", "offered", "accepted", "placed"]


def cancel_ended(apps, schema_editor):
    AnalysisAssignment = apps.get_model("analyses", "AnalysisAssignment")
    AnalysisAssignment.objects.filter(status__in=["open", "accepted"]).exclude(
        request__status__in=OPEN_STATUSES
    ).update(status="cancelled")


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0002_initial"),
        ("placement", "0004_referral_documents_by_kind"),
    ]

    operations = [migrations.RunPython(cancel_ended, migrations.RunPython.noop)]
