"""Issue 10: the school copied onto a placement is encrypted at rest like the youth's own.

The data step works on the raw column (the historical field would try to decrypt
plaintext), with the keys of the running settings; it reverses.
"""

from django.db import migrations

import core.fields


def _rewrite(schema_editor, convert):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, school FROM placement_placement WHERE school <> ''")
        for pk, school in cursor.fetchall():
            cursor.execute("UPDATE placement_placement SET school = %s WHERE id = %s", [convert(school), pk])


def encrypt_school(apps, schema_editor):
    from core import crypto

    _rewrite(schema_editor, crypto.encrypt)


def decrypt_school(apps, schema_editor):
    from core import crypto

    _rewrite(schema_editor, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [("placement", "0005_encrypt_identifiers")]

    operations = [
        migrations.AlterField(
            model_name="placement",
            name="school",
            field=core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name="school"),
        ),
        migrations.RunPython(encrypt_school, decrypt_school),
    ]
