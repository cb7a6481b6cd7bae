"""Key rotation for personal data at rest (issue 10), run by `manage.py rotate_encryption_keys`.

Rotating FIELD_ENCRYPTION_KEYS: put the new key first, keep the old one behind it, run
`encryption_keys_rotate`, then remove the old key. Every encrypted column (every
`core.fields.EncryptedField` of every model, and the BSN token) and every uploaded file is
re-encrypted with the first key; values already under the first key are left alone, so a
second run changes nothing (idempotent). Rows are done in batches, each batch in its own
transaction with its rows locked (a save at the same time waits, and is not overwritten).

Blind indexes do not depend on FIELD_ENCRYPTION_KEYS. After BLIND_INDEX_KEY was changed,
`reindex=True` recomputes every index from the decrypted values under the new key (the old
blind-index key is not needed: the values themselves can be decrypted).
"""

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from core import crypto
from core.fields import EncryptedField
from core.private_files import private_rotate
from intake.models import Document, Youth

# Token columns kept by hand rather than by an EncryptedField (the model encrypts them).
TOKEN_COLUMNS = {Youth: ["bsn_encrypted"]}


def encrypted_columns() -> dict:
    """Per model, the columns that hold Fernet tokens."""
    found = {}
    for model in apps.get_models():
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        columns += TOKEN_COLUMNS.get(model, [])
        if columns:
            found[model] = columns
    return found


def _pk_batches(model, batch_size):
    last = 0
    while True:
        pks = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        yield pks
        last = pks[-1]


def _rotate_table(model, columns, *, dry_run, batch_size, counts):
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(c) for c in columns]
    for pks in _pk_batches(model, batch_size):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(quoted)} FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [pks]
            )
            updates = []
            for pk, *tokens in cursor.fetchall():
                new_tokens, changed = [], False
                for token in tokens:
                    if not token:
                        new_tokens.append(token)
                        continue
                    data = token.encode("ascii")
                    if crypto.is_current(data):
                        counts["current"] += 1
                        new_tokens.append(token)
                        continue
                    try:
                        new_tokens.append(crypto.rotate_bytes(data).decode("ascii"))
                    except crypto.UndecryptableError:
                        counts["failed"] += 1
                        new_tokens.append(token)
                        continue
                    counts["rotated"] += 1
                    changed = True
                counts["rows"] += 1
                if changed:
                    updates.append([*new_tokens, pk])
            if updates and not dry_run:
                cursor.executemany(
                    f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in quoted)} WHERE id = %s", updates
                )


def _reindex_youth(*, dry_run, batch_size, counts):
    for pks in _pk_batches(Youth, batch_size):
        with transaction.atomic():
            for youth in Youth.objects.filter(pk__in=pks).order_by("pk").select_for_update():
                counts["rows"] += 1
                try:
                    fresh = {
                        "bsn_hash": crypto.blind_index(youth.bsn, purpose="bsn"),
                        "name_birth_hash": youth.name_birth_index(),
                    }
                except crypto.UndecryptableError:
                    counts["failed"] += 1
                    continue
                stale = {name: value for name, value in fresh.items() if getattr(youth, name) != value}
                counts["reindexed"] += len(stale)
                if stale and not dry_run:
                    Youth.objects.filter(pk=youth.pk).update(**stale)


def _rotate_files(*, dry_run, counts):
    directory = Path(settings.PRIVATE_MEDIA_ROOT) / "documents"
    for storage_name in Document.objects.order_by("pk").values_list("storage_name", flat=True).iterator():
        path = directory / storage_name
        if not path.is_file():
            counts["missing"] += 1
            continue
        counts[private_rotate(path, dry_run=dry_run)] += 1


def encryption_keys_rotate(*, dry_run: bool = False, reindex: bool = False, batch_size: int = 500) -> dict:
    """Re-encrypt every encrypted value and file with the first key (and, with `reindex`,
    recompute every blind index). Returns counts per part: {label: Counter}."""
    report = {}
    for model, columns in encrypted_columns().items():
        counts = Counter()
        _rotate_table(model, columns, dry_run=dry_run, batch_size=batch_size, counts=counts)
        report[f"{model._meta.label} ({', '.join(columns)})"] = counts
    files = Counter()
    _rotate_files(dry_run=dry_run, counts=files)
    report["documents (files)"] = files
    if reindex:
        counts = Counter()
        _reindex_youth(dry_run=dry_run, batch_size=batch_size, counts=counts)
        report[f"{Youth._meta.label} blind indexes (bsn_hash, name_birth_hash)"] = counts
    return report
