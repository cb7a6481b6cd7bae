"""Issue 12: the G7 intensity bands become a table (capacity.IntensityBand) with a day
tariff per region (capacity.RegionBandTariff, append-only). Stored band codes (K, M, P, T,
Z) are all codes of the new table, so facilities keep theirs. Data: 0005."""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_region_settings_for_urgency_crisis_and_declines"),
        ("capacity", "0003_group_composition"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IntensityBand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=1, unique=True, verbose_name="code")),
                ("hours_from", models.DecimalField(decimal_places=2, max_digits=4, verbose_name="uren vanaf")),
                ("hours_to", models.DecimalField(decimal_places=2, max_digits=4, verbose_name="uren tot")),
                ("sort_order", models.PositiveSmallIntegerField(default=100, verbose_name="volgorde")),
                ("is_active", models.BooleanField(default=True, verbose_name="actief")),
            ],
            options={
                "verbose_name": "intensiteitsklasse",
                "verbose_name_plural": "intensiteitsklassen",
                "ordering": ["sort_order", "code"],
            },
        ),
        migrations.CreateModel(
            name="RegionBandTariff",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "tariff_eur_per_day",
                    models.DecimalField(decimal_places=2, max_digits=8, verbose_name="tarief per dag (euro)"),
                ),
                ("valid_from", models.DateField(verbose_name="geldig vanaf")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "tarief per intensiteitsklasse",
                "verbose_name_plural": "tarieven per intensiteitsklasse",
                "ordering": ["region", "band__sort_order", "valid_from"],
            },
        ),
        migrations.AlterField(
            model_name="facility",
            name="intensity_band",
            field=models.CharField(max_length=1, verbose_name="intensiteit (G7)"),
        ),
        migrations.AddConstraint(
            model_name="facility",
            constraint=models.CheckConstraint(
                condition=models.Q(("intensity_band__regex", "^[K-Z]$")), name="facility_intensity_band_format"
            ),
        ),
        migrations.AddConstraint(
            model_name="intensityband",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^[K-Z]$")), name="intensity_band_code_format"
            ),
        ),
        migrations.AddConstraint(
            model_name="intensityband",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("hours_from__gte", 0), ("hours_from__lt", models.F("hours_to")), ("hours_to__lte", 24)
                ),
                name="intensity_band_hours_range",
            ),
        ),
        migrations.AddField(
            model_name="regionbandtariff",
            name="band",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tariffs",
                to="capacity.intensityband",
                verbose_name="intensiteitsklasse",
            ),
        ),
        migrations.AddField(
            model_name="regionbandtariff",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="regionbandtariff",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="band_tariffs",
                to="accounts.region",
                verbose_name="jeugdregio",
            ),
        ),
        migrations.AddIndex(
            model_name="regionbandtariff",
            index=models.Index(fields=["region", "valid_from"], name="band_tariff_region_day"),
        ),
        migrations.AddConstraint(
            model_name="regionbandtariff",
            constraint=models.CheckConstraint(
                condition=models.Q(("tariff_eur_per_day__gt", 0)), name="band_tariff_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="regionbandtariff",
            constraint=models.UniqueConstraint(
                fields=("region", "band", "valid_from"), name="band_tariff_once_per_day"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="regionbandtariff",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="c40251fbf81551cb0df3ca80fd0db684edcec76d",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_e7fb1",
                    table="capacity_regionbandtariff",
                    when="BEFORE",
                ),
            ),
        ),
    ]
