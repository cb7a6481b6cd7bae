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

# The rules for the personal-data keys live in core (the `check --deploy` system check uses
# them too); re-exported here with the development defaults settings.py falls back to.
from core.keys import (  # noqa: F401 - re-exported
    DEV_BLIND_INDEX_KEY,
    DEV_FIELD_ENCRYPTION_KEY,
    FIELD_KEY_MIN_LENGTH,
    GENERATE_HINT,
    blind_index_key_problem,
    field_keys_problem,
    key_problems,
)

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789"


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


def refuse_weak_production_settings(
    *, debug: bool, secret_key: str, field_keys: list[str], blind_index_key: str, two_factor_demo_exempt: bool = False
) -> None:
    """Raise ImproperlyConfigured listing every problem, so one restart fixes them all."""
    problems = [
        "DEBUG is on; production never runs with DEBUG (unset DEBUG or set DEBUG=false)." if debug else None,
        secret_key_problem(secret_key),
        *key_problems(field_keys=field_keys, blind_index_key=blind_index_key),
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
