"""Issue 12: a care type's CBS care form is one of 11-14 (the database refuses others)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("capacity", "0005_load_bands_and_cbs_care_forms")]

    operations = [
        migrations.AlterField(
            model_name="caretype",
            name="cbs_care_form",
            field=models.CharField(
                choices=[
                    ("11", "Jeugdhulp met verblijf, pleegzorg"),
                    ("12", "Jeugdhulp met verblijf, gezinsgericht"),
                    ("13", "Jeugdhulp met verblijf, gesloten plaatsing"),
                    ("14", "Jeugdhulp met verblijf, anders dan bovenstaand"),
                ],
                default="14",
                max_length=2,
                verbose_name="CBS-hulpvorm",
            ),
        ),
        migrations.AddConstraint(
            model_name="caretype",
            constraint=models.CheckConstraint(
                condition=models.Q(("cbs_care_form__in", ["11", "12", "13", "14"])), name="care_type_cbs_care_form"
            ),
        ),
    ]
