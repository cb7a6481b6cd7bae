"""Issue 12: load the sixteen G7 bands and every region's default tariffs from
data/g7_intensiteiten.csv, and give every care type its CBS care form (hulpvorm 11-14):
pleegzorg 11; gezinshuis and small-scale living (kwv) 12; closed (a machtiging,
JeugdzorgPlus, kwv-gesloten) 13; everything else 14 (capacity.taxonomy.cbs_care_form_for).
0006 then lets the database refuse any other care form."""

from django.db import migrations


def forward(apps, schema_editor):
    from capacity.taxonomy import bands_load, cbs_care_form_for

    care_type = apps.get_model("capacity", "CareType")
    for row in care_type.objects.all():
        row.cbs_care_form = cbs_care_form_for(row.code, row.requires_authorisation)
        row.save(update_fields=["cbs_care_form"])
    bands_load(
        apps.get_model("capacity", "IntensityBand"),
        apps.get_model("capacity", "RegionBandTariff"),
        apps.get_model("accounts", "Region"),
    )


class Migration(migrations.Migration):
    dependencies = [("capacity", "0004_intensity_bands_and_region_tariffs")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
