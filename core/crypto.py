"""Encryption at rest and keyed hashes ("blind indexes") for personal data (issue 10).

Two independent secrets:

- `settings.FIELD_ENCRYPTION_KEYS` encrypt. The first one encrypts, every one decrypts
  (MultiFernet), so a key is rotated by putting a new one in front and running
  `manage.py rotate_encryption_keys`, after which the old one can be removed. From every
  secret a Fernet key (AES-128-CBC + HMAC-SHA256) is derived with HKDF-SHA256.
- `settings.BLIND_INDEX_KEY` keys the HMAC-SHA256 blind indexes that find the same value
  again (the same BSN, the same family name and birth date) without storing it in the
  clear. It is separate from the encryption keys, so rotating those never changes a hash
  and duplicate detection keeps working. A plain (unkeyed) hash would be worthless: there
  are only ~10^9 BSNs and few names per birth date, so it is reversed by brute force.
  Each purpose (`bsn`, `name_birth`) gets its own derived key, so equal input in two
  indexes does not give equal hashes.

Files (uploaded PDFs) use the same key set: the whole file is one Fernet token (uploads
are at most MAX_UPLOAD_BYTES, 10 MiB).
"""

import base64
import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FERNET_LABEL = b"fernet-v1"
BLIND_INDEX_LABEL = b"blind-index-v2"


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"regie-op-plaatsing", info=label).derive(
        secret.encode("utf-8")
    )


@lru_cache(maxsize=8)
def _fernets(secrets: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not secrets or not all(secrets):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored.")
    return tuple(Fernet(base64.urlsafe_b64encode(_derive(s, FERNET_LABEL))) for s in secrets)


@lru_cache(maxsize=8)
def _multi_for(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(list(_fernets(secrets)))


@lru_cache(maxsize=32)
def _index_key(secret: str, purpose: str) -> bytes:
    if not secret:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty: personal data cannot be indexed.")
    return _derive(secret, BLIND_INDEX_LABEL + b":" + purpose.encode("ascii"))


def _multi() -> MultiFernet:
    return _multi_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def _primary() -> Fernet:
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]


class UndecryptableError(ImproperlyConfigured):
    """A value or file none of FIELD_ENCRYPTION_KEYS opens (a key was removed too early)."""


# --- bytes -------------------------------------------------------------------------------


def encrypt_bytes(data: bytes) -> bytes:
    return _primary().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _multi().decrypt(token)
    except InvalidToken as exc:  # wrong key set: fail loudly rather than show garbage
        raise UndecryptableError("Encrypted data cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


def is_current(token: bytes) -> bool:
    """Whether the token is encrypted with the first (current) key."""
    try:
        _primary().decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_bytes(token: bytes) -> bytes:
    """The same plaintext, encrypted with the first key (raises UndecryptableError)."""
    try:
        return _multi().rotate(token)
    except InvalidToken as exc:
        raise UndecryptableError("Encrypted data cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


# --- text --------------------------------------------------------------------------------


def encrypt(value: str) -> str:
    """A Fernet token (ASCII) for the text; '' stays '' (no value, nothing to hide)."""
    if not value:
        return ""
    return encrypt_bytes(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


# --- blind indexes -------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def normalise_text(value: str) -> str:
    """What makes two spellings of a name the same: NFKC, invisible characters removed,
    case folded, whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value or "").translate(_INVISIBLE)
    return " ".join(value.casefold().split())


def blind_index(value: str, *, purpose: str = "bsn") -> str:
    """Keyed HMAC-SHA256 (hex) of an already normalised value under BLIND_INDEX_KEY; '' for
    no value."""
    if not value:
        return ""
    key = _index_key(settings.BLIND_INDEX_KEY, purpose)
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
