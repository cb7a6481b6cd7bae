"""The BSN: validation (elfproef), normalisation, and the names intake has always used for
encryption at rest and the keyed hash. The key machinery lives in `core.crypto` (also used
for the other identifiers and for uploaded files); see there for the keys and rotation."""

from stdnum.nl import bsn as stdnum_bsn

from core.crypto import UndecryptableError, blind_index, decrypt, encrypt, normalise_text

__all__ = ["UndecryptableError", "blind_index", "bsn_is_valid", "bsn_normalise", "decrypt", "encrypt", "normalise_text"]


def bsn_normalise(value: str) -> str:
    """Digits only, 9 long (stdnum pads 8-digit BSNs with a leading zero)."""
    return stdnum_bsn.compact(value or "").zfill(9) if value and value.strip() else ""


def bsn_is_valid(value: str) -> bool:
    return stdnum_bsn.is_valid(value or "")
