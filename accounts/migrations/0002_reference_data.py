from django.db import migrations


def load(apps, schema_editor):
    from accounts.reference_data import reference_data_load

    reference_data_load(apps.get_model("accounts", "Region"), apps.get_model("accounts", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
