import os
import subprocess
import sys

import pytest
from django.conf import settings

from config import production

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0987654321-qwerty",
    "ALLOWED_HOSTS": "regie.example.org",
    "FIELD_ENCRYPTION_KEYS": "production-field-key-0123456789abcdef",
    "BLIND_INDEX_KEY": "production-blind-index-key-9876543210-zyxwv",
}


def _environ(extra):
    """The test process's environment without what the browser tests set for themselves."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **extra}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=_environ(env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_deploy_check_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "no issues" in result.stdout


# One broken variable at a time on top of the good production configuration: each must
# stop `manage.py` (so also gunicorn and the Celery worker, which load the same settings)
# with a message that names the variable and the reason. None means: leave the variable out.
STRONG_KEY = "k7Qm2xV9pL4sT1wZ8rB6nC3yF5hJ0dGa"  # 32 characters, many different ones
REFUSED = {
    "debug-on": ({"DEBUG": "true"}, "DEBUG is on"),
    "secret-key-missing": ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    "secret-key-empty": ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
    "secret-key-dev-default": ({"SECRET_KEY": production.DEV_SECRET_KEY}, "SECRET_KEY is the development key"),
    "secret-key-too-short": ({"SECRET_KEY": STRONG_KEY + "x" * 17}, "SECRET_KEY is weak"),  # 49 characters
    "secret-key-few-characters": ({"SECRET_KEY": "abcd" * 20}, "SECRET_KEY is weak"),
    "secret-key-django-insecure": ({"SECRET_KEY": "django-insecure-" + STRONG_KEY * 2}, "SECRET_KEY is weak"),
    "field-keys-missing": ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS is not set"),
    "field-keys-empty": ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS is not set"),
    "field-keys-blank": ({"FIELD_ENCRYPTION_KEYS": "   "}, "FIELD_ENCRYPTION_KEYS key 1 is empty"),
    "field-keys-dev-key": (
        {"FIELD_ENCRYPTION_KEYS": production.DEV_FIELD_ENCRYPTION_KEY},
        "FIELD_ENCRYPTION_KEYS key 1 is the development key",
    ),
    "field-keys-dev-key-as-old-key": (
        {"FIELD_ENCRYPTION_KEYS": f"{STRONG_KEY},{production.DEV_FIELD_ENCRYPTION_KEY}"},
        "FIELD_ENCRYPTION_KEYS key 2 is the development key",
    ),
    "field-keys-too-short": ({"FIELD_ENCRYPTION_KEYS": STRONG_KEY[:31]}, "FIELD_ENCRYPTION_KEYS key 1 is weak"),
    "field-keys-few-characters": ({"FIELD_ENCRYPTION_KEYS": "ab" * 20}, "FIELD_ENCRYPTION_KEYS key 1 is weak"),
    # Bytes that are not UTF-8 reach Python as surrogates the cipher cannot encode.
    "field-keys-not-utf8": (
        {"FIELD_ENCRYPTION_KEYS": STRONG_KEY.encode() + b"\xff\xfe"},
        "FIELD_ENCRYPTION_KEYS key 1 is not valid UTF-8",
    ),
    "two-factor-demo-exempt": ({"TWO_FACTOR_DEMO_EXEMPT": "true"}, "TWO_FACTOR_DEMO_EXEMPT is on"),
    "field-keys-one-letter": ({"FIELD_ENCRYPTION_KEYS": "x"}, "FIELD_ENCRYPTION_KEYS key 1 is weak"),
    "field-keys-blind-index-dev-key": (
        {"FIELD_ENCRYPTION_KEYS": production.DEV_BLIND_INDEX_KEY},
        "FIELD_ENCRYPTION_KEYS key 1 is the development key",
    ),
    # The blind-index key (issue 10): its own secret, as strong as an encryption key.
    "blind-index-key-missing": ({"BLIND_INDEX_KEY": None}, "BLIND_INDEX_KEY is not set"),
    "blind-index-key-empty": ({"BLIND_INDEX_KEY": ""}, "BLIND_INDEX_KEY is not set"),
    "blind-index-key-blank": ({"BLIND_INDEX_KEY": "   "}, "BLIND_INDEX_KEY is empty"),
    "blind-index-key-one-letter": ({"BLIND_INDEX_KEY": "x"}, "BLIND_INDEX_KEY is weak"),
    "blind-index-key-too-short": ({"BLIND_INDEX_KEY": STRONG_KEY[:31]}, "BLIND_INDEX_KEY is weak"),
    "blind-index-key-few-characters": ({"BLIND_INDEX_KEY": "ab" * 20}, "BLIND_INDEX_KEY is weak"),
    "blind-index-key-dev-key": (
        {"BLIND_INDEX_KEY": production.DEV_BLIND_INDEX_KEY},
        "BLIND_INDEX_KEY is the development key",
    ),
    "blind-index-key-field-dev-key": (
        {"BLIND_INDEX_KEY": production.DEV_FIELD_ENCRYPTION_KEY},
        "BLIND_INDEX_KEY is the development key",
    ),
    "blind-index-key-equals-field-key": (
        {"BLIND_INDEX_KEY": PRODUCTION_ENV["FIELD_ENCRYPTION_KEYS"]},
        "BLIND_INDEX_KEY equals one of FIELD_ENCRYPTION_KEYS",
    ),
    "blind-index-key-equals-old-field-key": (
        {"FIELD_ENCRYPTION_KEYS": f"{STRONG_KEY},{PRODUCTION_ENV['BLIND_INDEX_KEY']}"},
        "BLIND_INDEX_KEY equals one of FIELD_ENCRYPTION_KEYS",
    ),
}


def _environ_changed(base, changes):
    env = _environ(base)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _problems(stderr):
    return [line[2:] for line in stderr.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("changes, reason", REFUSED.values(), ids=REFUSED.keys())
def test_production_refuses_to_start_with(changes, reason):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=_environ_changed(PRODUCTION_ENV, changes),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured: DJANGO_ENV=production refuses to start" in result.stderr, result.stderr
    problems = _problems(result.stderr)
    assert len(problems) == 1 and problems[0].startswith(reason), result.stderr
    for value in changes.values():  # a refused secret is named, never printed
        if isinstance(value, str) and len(value) > 8:
            assert value not in result.stderr


def test_production_names_every_problem_at_once():
    result = _manage(
        "check",
        env={
            **PRODUCTION_ENV,
            "DEBUG": "1",
            "SECRET_KEY": "short",
            "FIELD_ENCRYPTION_KEYS": "",
            "BLIND_INDEX_KEY": "x",
        },
    )
    assert result.returncode != 0
    assert [p.split()[0] for p in _problems(result.stderr)] == [
        "DEBUG",
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "BLIND_INDEX_KEY",
    ]


def test_development_keeps_its_defaults_without_any_variable():
    env = _environ_changed(
        {"DJANGO_ENV": "development"},
        {"DEBUG": None, "SECRET_KEY": None, "FIELD_ENCRYPTION_KEYS": None, "BLIND_INDEX_KEY": None},
    )
    script = """
from django.conf import settings as s
from config.production import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEY, DEV_SECRET_KEY
print("DEFAULTS", s.DEBUG, s.SECRET_KEY == DEV_SECRET_KEY, s.FIELD_ENCRYPTION_KEYS == [DEV_FIELD_ENCRYPTION_KEY],
      s.BLIND_INDEX_KEY == DEV_BLIND_INDEX_KEY)
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "DEFAULTS True True True True" in result.stdout.splitlines()


def test_deploy_check_refuses_the_development_keys():
    """`check --deploy` names the personal-data key problems for settings that did not go
    through the production start-up refusal (here: development defaults)."""
    env = _environ_changed({"DJANGO_ENV": "development"}, {"FIELD_ENCRYPTION_KEYS": None, "BLIND_INDEX_KEY": None})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "(core.E101) FIELD_ENCRYPTION_KEYS key 1 is the development key." in result.stderr, result.stderr
    assert "(core.E102) BLIND_INDEX_KEY is the development key." in result.stderr, result.stderr


@pytest.mark.parametrize(
    "field_keys, blind_index_key, codes",
    [
        ([], "", ["core.E101", "core.E102"]),
        (["x"], "y", ["core.E101", "core.E102"]),
        ([STRONG_KEY], STRONG_KEY, ["core.E102"]),
        ([STRONG_KEY], PRODUCTION_ENV["BLIND_INDEX_KEY"], []),
    ],
    ids=["missing", "one-letter", "equal", "good"],
)
def test_deploy_system_check_on_the_loaded_settings(settings, field_keys, blind_index_key, codes):
    from core.checks import personal_data_keys_check

    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = field_keys, blind_index_key
    assert [error.id for error in personal_data_keys_check(None)] == codes


# What a browser (Accept: text/html first) gets from an API endpoint: the browsable API
# page in development, the JSON problem body (this is a 401) in production.
BROWSER_REQUEST = """
import json
from django.test import Client
response = Client().get("/api/v1/me", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",
                        HTTP_HOST="regie.example.org", secure=True)
body = response.content.decode()
print("BODY", response.status_code, "html" if body.lstrip().startswith("<") else json.loads(body)["status"])
"""


@pytest.mark.parametrize(
    "env, expected",
    [(PRODUCTION_ENV, "BODY 401 401"), ({"DJANGO_ENV": "development"}, "BODY 401 html")],
    ids=["production-json-only", "development-browsable"],
)
def test_browsable_api_only_outside_production(env, expected):
    result = _manage("shell", "-c", BROWSER_REQUEST, env={"ALLOWED_HOSTS": "regie.example.org", **env})
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.splitlines(), result.stdout + result.stderr


@pytest.mark.django_db
def test_seed_demo_refuses_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0 and "production" in result.stderr
