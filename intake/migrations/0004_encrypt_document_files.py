"""Issue 10: uploaded documents encrypted on disk (core.private_files), mode 0600 in a 0700
directory. Plaintext files from before are encrypted in place; files already encrypted
are left as they are (idempotent). Reverses to plaintext files (still 0600). The same work
is `manage.py rotate_encryption_keys` (it also encrypts plaintext files it finds)."""

import os
from pathlib import Path

from django.conf import settings
from django.db import migrations


def _paths(apps):
    directory = Path(settings.PRIVATE_MEDIA_ROOT) / "documents"
    Document = apps.get_model("analyses", "Document")
    for storage_name in Document.objects.values_list("storage_name", flat=True).iterator():
        path = directory / storage_name
        if path.is_file():
            yield path


def encrypt_files(apps, schema_editor):
    from core.private_files import private_rotate

    for path in _paths(apps):
        private_rotate(path)


def decrypt_files(apps, schema_editor):
    from core.private_files import FILE_MODE, private_read

    for path in _paths(apps):
        if path.read_bytes().startswith(b"gAAAAA"):
            content = private_read(path)
            descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC, FILE_MODE)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)


class Migration(migrations.Migration):
    dependencies = [("analyses", "0003_end_assignments_of_closed_requests")]

    operations = [migrations.RunPython(encrypt_files, decrypt_files)]
