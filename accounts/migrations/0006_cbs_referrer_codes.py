"""Issue 12: the referrer codes of CBS Beleidsinformatie Jeugd (data/cbs_codelijsten.csv).

The old list had 06 = court, 07 = no referrer, 08 = unknown. CBS has 06 = no referrer,
08 = court / public prosecutor / juvenile institution, and neither a 07 nor an "unknown".
Existing organisations are mapped: old 06 -> 08, old 07 -> 06, old 08 -> 06 (CBS has no
"unknown": a referral without a known referrer is recorded as "no referrer"). Then the
database refuses any code outside the list. Backwards: 08 -> 06 and 06 -> 07 (old 07 and
08 cannot be told apart any more; both come back as 07 "no referrer").
"""

from django.db import migrations, models
from django.db.models import Case, Value, When

FORWARD = {"06": "08", "07": "06", "08": "06"}
BACKWARD = {"08": "06", "06": "07"}


def _remap(mapping):
    def run(apps, schema_editor):
        organisation = apps.get_model("accounts", "Organisation")
        # One UPDATE with CASE: every row moves from its old code at once (06 -> 08 and
        # 08 -> 06 in one statement, never twice).
        organisation.objects.filter(referrer_code__in=list(mapping)).update(
            referrer_code=Case(*[When(referrer_code=old, then=Value(new)) for old, new in mapping.items()])
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_region_settings_for_urgency_crisis_and_declines"),
    ]

    operations = [
        migrations.RunPython(_remap(FORWARD), _remap(BACKWARD)),
        migrations.AlterField(
            model_name="organisation",
            name="referrer_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("01", "Gemeentelijke toegang"),
                    ("02", "Huisarts"),
                    ("03", "Jeugdarts"),
                    ("04", "Gecertificeerde instelling"),
                    ("05", "Medisch specialist"),
                    ("06", "Geen verwijzer"),
                    ("08", "Rechter, officier van justitie, functionaris justitiële jeugdinrichting"),
                ],
                max_length=2,
                verbose_name="CBS-verwijzercode",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("referrer_code", ""),
                    ("referrer_code__in", ["01", "02", "03", "04", "05", "06", "08"]),
                    _connector="OR",
                ),
                name="organisation_referrer_code_cbs",
            ),
        ),
    ]
