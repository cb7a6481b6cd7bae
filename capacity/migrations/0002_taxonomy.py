from django.db import migrations


def load(apps, schema_editor):
    from capacity.taxonomy import taxonomy_load

    taxonomy_load(apps.get_model("capacity", "CareType"), apps.get_model("capacity", "Specialisation"))


class Migration(migrations.Migration):
    dependencies = [("capacity", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
