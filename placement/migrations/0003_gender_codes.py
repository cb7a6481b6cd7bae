"""One gender code set for youth and facilities (capacity.models.Gender, issue 9).

Youth.gender was m/f/x ("Jongen", "Meisje", "Anders / onbekend"); it takes the facility
codes female/male/other plus "unknown". The old "x" lumped "other" and "unknown" together
and nobody can tell now which was meant, so it becomes "unknown": the referral then claims
nothing about the youth, and matching stays on the safe side (an unknown gender fits only
facilities that accept every gender; each of those accepted "other" too, so no youth now
fits a facility it did not fit before).

The anonymised referrals already sent (Offer.referral, a JSON snapshot) carry the youth's
gender code and are recoded the same way, so that what a provider received speaks the
codes of its facilities.

Backward: female/male become f/m; other and unknown both become x (the old set cannot
tell them apart, so a round trip turns "other" into "unknown").
"""

from django.db import migrations, models

FORWARD = {"m": "male", "f": "female", "x": "unknown"}
BACKWARD = {"male": "m", "female": "f", "other": "x", "unknown": "x"}


def _recode(apps, schema_editor, mapping):
    Youth = apps.get_model("placement", "Youth")
    Offer = apps.get_model("placement", "Offer")
    for old, new in mapping.items():
        Youth.objects.filter(gender=old).update(gender=new)
    offers = schema_editor.quote_name(Offer._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for old, new in mapping.items():
            cursor.execute(
                f"UPDATE {offers} SET referral = jsonb_set(referral, '{{gender}}', to_jsonb(%s::text))"
                " WHERE referral->>'gender' = %s",
                [new, old],
            )


def forward(apps, schema_editor):
    _recode(apps, schema_editor, FORWARD)


def backward(apps, schema_editor):
    _recode(apps, schema_editor, BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('placement', '0002_offer_placement_transfer_waitingperiod_and_more'),
    ]

    operations = [
        migrations.AlterField(
            model_name='youth',
            name='gender',
            field=models.CharField(choices=[('female', 'Meisje'), ('male', 'Jongen'), ('other', 'Anders / non-binair'), ('unknown', 'Onbekend')], max_length=8, verbose_name='geslacht'),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddConstraint(
            model_name='youth',
            constraint=models.CheckConstraint(condition=models.Q(('gender__in', ['female', 'male', 'other', 'unknown'])), name='youth_gender_valid'),
        ),
    ]
