"""The rules for the personal-data keys (issue 10): FIELD_ENCRYPTION_KEYS and
BLIND_INDEX_KEY. `config.production` refuses to start production with a problem here, and
the `check --deploy` system check (core.checks) reports the same problems for whatever
settings are loaded. Pure functions: settings.py imports this module."""

from django.core.checks.security.base import SECRET_KEY_MIN_UNIQUE_CHARACTERS

DEV_FIELD_ENCRYPTION_KEY = "dev-only-field-key-0123456789abcdef0123456789abcdef"
DEV_BLIND_INDEX_KEY = "dev-only-blind-index-key-0123456789abcdef0123456789"

# The field cipher (core/crypto.py) derives its Fernet keys from each FIELD_ENCRYPTION_KEYS
# secret, and its blind-index keys from BLIND_INDEX_KEY, with HKDF-SHA256 over the
# secret's UTF-8 bytes, so the derivation adds no strength: the secret itself
# must carry it. 32 characters such as `secrets.token_urlsafe(32)` (43 characters, 256 bits) or a
# Fernet key (44) are enough.
FIELD_KEY_MIN_LENGTH = 32
DEV_KEYS = (DEV_FIELD_ENCRYPTION_KEY, DEV_BLIND_INDEX_KEY)
GENERATE_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(64))"'


def _key_problem(key: str, where: str) -> str | None:
    if not key.strip():
        return f"{where} is empty."
    if key in DEV_KEYS:
        return f"{where} is the development key."
    try:
        key.encode("utf-8")  # what the cipher derives its keys from
    except UnicodeEncodeError:
        return f"{where} is not valid UTF-8 text."
    if len(key) < FIELD_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"{where} is weak: it needs at least {FIELD_KEY_MIN_LENGTH} characters and at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones."
        )
    return None


def field_keys_problem(keys: list[str]) -> str | None:
    """Why FIELD_ENCRYPTION_KEYS cannot protect personal data in production, or None."""
    if not keys:
        return "FIELD_ENCRYPTION_KEYS is not set: personal data cannot be encrypted."
    for position, key in enumerate(keys, start=1):
        problem = _key_problem(key, f"FIELD_ENCRYPTION_KEYS key {position}")
        if problem:
            return problem
    return None


def blind_index_key_problem(key: str, field_keys: list[str]) -> str | None:
    """Why BLIND_INDEX_KEY cannot key the duplicate-finding hashes in production, or None.
    It must be its own secret: equal to an encryption key, rotating that key would either
    keep the old secret alive or silently change every hash."""
    if not key:
        return "BLIND_INDEX_KEY is not set: the same youth cannot be found again without storing its BSN."
    problem = _key_problem(key, "BLIND_INDEX_KEY")
    if problem:
        return problem
    if key in field_keys:
        return "BLIND_INDEX_KEY equals one of FIELD_ENCRYPTION_KEYS; it must be a separate secret."
    return None


def key_problems(*, field_keys: list[str], blind_index_key: str) -> list[str]:
    """Every problem with the personal-data keys (used at start-up and by `check --deploy`)."""
    return [p for p in (field_keys_problem(field_keys), blind_index_key_problem(blind_index_key, field_keys)) if p]
