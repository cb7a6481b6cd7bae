"""What production refuses to start with (issue 9).

`config.settings` calls `refuse_weak_production_settings` when DJANGO_ENV=production, so a
web process, a worker or `manage.py` stops at once with ImproperlyConfigured naming the
variable, instead of running with DEBUG on or finding a missing key at the first BSN read.
Outside production the development defaults below are used and nothing is refused.
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789"
DEV_FIELD_ENCRYPTION_KEY = "dev-only-field-key-0123456789abcdef0123456789abcdef"

# The field cipher (crypto.py, for the BSN) derives its Fernet key and its blind-index key
# from each configured secret with HKDF-SHA256 over the secret's UTF-8 bytes, so the
# derivation adds no strength: the secret itself must carry it. 32 characters such as
# `secrets.token_urlsafe(32)` (43 characters, 256 bits) or a Fernet key (44) are enough.
FIELD_KEY_MIN_LENGTH = 32
GENERATE_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(64))"'


def secret_key_problem(secret_key: str) -> str | None:
    """Why SECRET_KEY is unfit for production (Django's own W009 rule, made fatal), or None."""
    if not secret_key:
        return "SECRET_KEY is not set."
    if secret_key == DEV_SECRET_KEY:
        return "SECRET_KEY is the development key."
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or secret_key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        return (
            f"SECRET_KEY is weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and no '{SECRET_KEY_INSECURE_PREFIX}' prefix."
        )
    return None


def field_keys_problem(keys: list[str]) -> str | None:
    """Why FIELD_ENCRYPTION_KEYS cannot protect personal data in production, or None."""
    if not keys:
        return "FIELD_ENCRYPTION_KEYS is not set: personal data (BSN) cannot be encrypted."
    for position, key in enumerate(keys, start=1):
        where = f"FIELD_ENCRYPTION_KEYS key {position}"
        if not key.strip():
            return f"{where} is empty."
        if key == DEV_FIELD_ENCRYPTION_KEY:
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


def refuse_weak_production_settings(
    *, debug: bool, secret_key: str, field_keys: list[str], two_factor_demo_exempt: bool = False
) -> None:
    """Raise ImproperlyConfigured listing every problem, so one restart fixes them all."""
    problems = [
        "DEBUG is on; production never runs with DEBUG (unset DEBUG or set DEBUG=false)." if debug else None,
        secret_key_problem(secret_key),
        field_keys_problem(field_keys),
        (
            "TWO_FACTOR_DEMO_EXEMPT is on; demo users skip two-factor authentication only in "
            "development (unset TWO_FACTOR_DEMO_EXEMPT)."
        )
        if two_factor_demo_exempt
        else None,
    ]
    problems = [problem for problem in problems if problem]
    if problems:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production refuses to start:\n"
            + "\n".join(f"- {problem}" for problem in problems)
            + f"\nGenerate a key with: {GENERATE_HINT}"
        )
