"""Issue 10: direct identifiers of youth and guardians encrypted at rest (core.fields), a
blind index on family name + birth date, the birth month for reports, and the BSN hash
re-keyed from the first FIELD_ENCRYPTION_KEYS key to the separate BLIND_INDEX_KEY.

The data step works on the raw columns (the historical model's fields would try to decrypt
plaintext), in batches, with the keys of the running settings. It reverses: plaintext back,
the BSN hash again under the first encryption key (the scheme before this migration).
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

import core.fields

YOUTH_TEXT = ["given_names", "family_name", "address", "postcode", "city", "school"]
GUARDIAN_TEXT = ["name", "phone", "email"]
BATCH = 500


def _legacy_bsn_hash(value: str) -> str:
    """The blind index before issue 10: keyed by the first encryption key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if not value:
        return ""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"regie-op-plaatsing", info=b"blind-index-v1").derive(
        settings.FIELD_ENCRYPTION_KEYS[0].encode("utf-8")
    )
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _batches(cursor, sql):
    cursor.execute(sql)
    rows = cursor.fetchall()
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _name_birth_hash(family: str, birth: datetime.date) -> str:
    from core import crypto

    family = crypto.normalise_text(family)
    if not family:
        return ""
    return crypto.blind_index(f"{family}\x1f{birth.isoformat()}", purpose="name_birth")


def _flush_deferred_checks(cursor):
    """The updates queue deferred foreign-key checks; PostgreSQL refuses the ALTER TABLEs
    that follow in this transaction while any are pending, so run them now."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def encrypt_rows(apps, schema_editor):
    from core import crypto

    with schema_editor.connection.cursor() as cursor:
        columns = ", ".join(YOUTH_TEXT)
        for rows in list(_batches(cursor, f"SELECT id, birth_date, bsn_encrypted, {columns} FROM placement_youth")):
            updates = []
            for pk, birth_text, bsn_token, *texts in rows:
                birth = datetime.date.fromisoformat(birth_text)
                bsn = crypto.decrypt(bsn_token)
                updates.append(
                    [
                        *[crypto.encrypt(t or "") for t in texts],
                        crypto.encrypt(birth.isoformat()),
                        birth.replace(day=1),
                        _name_birth_hash(texts[1], birth),
                        crypto.blind_index(bsn, purpose="bsn"),
                        pk,
                    ]
                )
            cursor.executemany(
                "UPDATE placement_youth SET "
                + ", ".join(f"{c} = %s" for c in YOUTH_TEXT)
                + ", birth_date = %s, birth_month = %s, name_birth_hash = %s, bsn_hash = %s WHERE id = %s",
                updates,
            )
        columns = ", ".join(GUARDIAN_TEXT)
        for rows in list(_batches(cursor, f"SELECT id, {columns} FROM placement_guardian")):
            cursor.executemany(
                "UPDATE placement_guardian SET " + ", ".join(f"{c} = %s" for c in GUARDIAN_TEXT) + " WHERE id = %s",
                [[*[crypto.encrypt(t or "") for t in texts], pk] for pk, *texts in rows],
            )
        _flush_deferred_checks(cursor)


def decrypt_rows(apps, schema_editor):
    from core import crypto

    with schema_editor.connection.cursor() as cursor:
        columns = ", ".join(YOUTH_TEXT)
        for rows in list(_batches(cursor, f"SELECT id, birth_date, bsn_encrypted, {columns} FROM placement_youth")):
            cursor.executemany(
                "UPDATE placement_youth SET "
                + ", ".join(f"{c} = %s" for c in YOUTH_TEXT)
                + ", birth_date = %s, bsn_hash = %s WHERE id = %s",
                [
                    [
                        *[crypto.decrypt(t or "") for t in texts],
                        crypto.decrypt(birth),
                        _legacy_bsn_hash(crypto.decrypt(bsn_token)),
                        pk,
                    ]
                    for pk, birth, bsn_token, *texts in rows
                ],
            )
        columns = ", ".join(GUARDIAN_TEXT)
        for rows in list(_batches(cursor, f"SELECT id, {columns} FROM placement_guardian")):
            cursor.executemany(
                "UPDATE placement_guardian SET " + ", ".join(f"{c} = %s" for c in GUARDIAN_TEXT) + " WHERE id = %s",
                [[*[crypto.decrypt(t or "") for t in texts], pk] for pk, *texts in rows],
            )
        _flush_deferred_checks(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reference_data"),
        ("placement", "0004_referral_documents_by_kind"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="youth", name="youth_name_birth"),
        migrations.AddField(
            model_name="youth",
            name="birth_month",
            field=core.fields.DerivedDateField(compute="birth_month_of", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="youth",
            name="name_birth_hash",
            field=core.fields.BlindIndexField(
                blank=True, compute="name_birth_index", default="", editable=False, max_length=64
            ),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="email",
            field=core.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mailadres"),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="name",
            field=core.fields.EncryptedTextField(max_length=200, verbose_name="naam"),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="phone",
            field=core.fields.EncryptedTextField(blank=True, max_length=32, verbose_name="telefoon"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="address",
            field=core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name="adres"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="birth_date",
            field=core.fields.EncryptedDateField(verbose_name="geboortedatum"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="city",
            field=core.fields.EncryptedTextField(blank=True, max_length=100, verbose_name="woonplaats"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="family_name",
            field=core.fields.EncryptedTextField(max_length=200, verbose_name="achternaam"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="given_names",
            field=core.fields.EncryptedTextField(max_length=200, verbose_name="voornamen"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="postcode",
            field=core.fields.EncryptedTextField(blank=True, max_length=7, verbose_name="postcode"),
        ),
        migrations.AlterField(
            model_name="youth",
            name="school",
            field=core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name="huidige school"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AlterField(
            model_name="youth",
            name="birth_month",
            field=core.fields.DerivedDateField(compute="birth_month_of", editable=False),
        ),
        migrations.AddIndex(
            model_name="youth",
            index=models.Index(
                condition=models.Q(("name_birth_hash", ""), _negated=True),
                fields=["name_birth_hash"],
                name="youth_name_birth_hash",
            ),
        ),
    ]
