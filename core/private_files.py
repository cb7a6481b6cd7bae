"""Private files (uploaded documents) encrypted on disk (issue 10).

A file holds one Fernet token of its whole content (core.crypto, the FIELD_ENCRYPTION_KEYS
key set; uploads are at most MAX_UPLOAD_BYTES, 10 MiB). Files are written with mode 0600
in directories with mode 0700 under PRIVATE_MEDIA_ROOT, whatever the process umask is
(os.open with the mode, then chmod), and atomically: a reader sees the old file or the
new one, never half of it. Only code that checked the reader's permission calls
`private_read`; nothing here knows about users.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings

from core import crypto

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
_TOKEN_PREFIX = b"gAAAAA"  # every Fernet token (version byte 0x80, base64)


def private_directory(directory: Path) -> Path:
    """Create `directory` (and its parents under PRIVATE_MEDIA_ROOT) with mode 0700."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    current = directory.resolve()
    while True:
        os.chmod(current, DIRECTORY_MODE)
        if current == root or root not in current.parents:
            break
        current = current.parent
    return directory


def _write_atomically(path: Path, data: bytes) -> None:
    path = Path(path)
    private_directory(path.parent)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # the umask may have taken bits away; never adds any
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def private_write(path: Path, content: bytes) -> None:
    """Encrypt `content` with the current key and store it at `path` (0600, dir 0700)."""
    _write_atomically(path, crypto.encrypt_bytes(content))


def private_read(path: Path) -> bytes:
    """The decrypted content (FileNotFoundError when gone, UndecryptableError when no key
    opens it)."""
    return crypto.decrypt_bytes(Path(path).read_bytes())


def private_copy(source: Path, target: Path) -> None:
    """A copy of a private file, encrypted anew with the current key."""
    private_write(target, private_read(source))


def _is_token(data: bytes) -> bool:
    return data.startswith(_TOKEN_PREFIX)


def private_rotate(path: Path, *, dry_run: bool = False) -> str:
    """Bring one file to the current key: 'rotated', 'current' (nothing to do),
    'encrypted' (it was a plaintext file from before issue 10) or 'failed' (no key opens
    it). Idempotent; the mode is set to 0600 either way. With `dry_run` nothing is
    written and the answer says what would happen."""
    path = Path(path)
    data = path.read_bytes()
    if not _is_token(data):
        if not dry_run:
            _write_atomically(path, crypto.encrypt_bytes(data))
        return "encrypted"
    if crypto.is_current(data):
        if not dry_run:
            os.chmod(path, FILE_MODE)
        return "current"
    try:
        rotated = crypto.rotate_bytes(data)
    except crypto.UndecryptableError:
        return "failed"
    if not dry_run:
        _write_atomically(path, rotated)
    return "rotated"
