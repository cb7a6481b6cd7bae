"""Encryption at rest and the keyed hash for the BSN.

Keys come from `settings.FIELD_ENCRYPTION_KEYS` (the first one encrypts, all of them
decrypt, so keys can be rotated). Two independent keys are derived from every configured
secret with HKDF-SHA256 and different `info` labels: one for Fernet (AES-128-CBC +
HMAC), one for the HMAC-SHA256 "blind index" that finds the same BSN again without ever
storing it in the clear. A plain (unkeyed) hash of a BSN would be worthless: there are
only ~10^9 BSNs, so it is reversed by brute force in minutes.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from stdnum.nl import bsn as stdnum_bsn


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"regie-op-plaatsing", info=label).derive(
        secret.encode("utf-8")
    )


@lru_cache(maxsize=8)
def _keys(secrets: tuple[str, ...]):
    if not secrets:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored.")
    fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(s, b"fernet-v1"))) for s in secrets])
    hash_key = _derive(secrets[0], b"blind-index-v1")
    return fernet, hash_key


def _current():
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    fernet, _ = _current()
    return fernet.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    fernet, _ = _current()
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # wrong key set: fail loudly rather than show garbage
        raise ImproperlyConfigured("Encrypted field cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


def blind_index(value: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a normalised value; '' for no value."""
    if not value:
        return ""
    _, key = _current()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def bsn_normalise(value: str) -> str:
    """Digits only, 9 long (stdnum pads 8-digit BSNs with a leading zero)."""
    return stdnum_bsn.compact(value or "").zfill(9) if value and value.strip() else ""


def bsn_is_valid(value: str) -> bool:
    return stdnum_bsn.is_valid(value or "")
