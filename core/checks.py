"""`manage.py check --deploy`: the personal-data keys (core.keys) must be fit for
production. Production already refuses to start with them (config.production); this check
also reports them for settings loaded any other way (another settings module, a
development environment about to be promoted)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from core.keys import GENERATE_HINT, blind_index_key_problem, field_keys_problem


@register(Tags.security, deploy=True)
def personal_data_keys_check(app_configs, **kwargs):
    field_keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    problems = [
        ("core.E101", field_keys_problem(field_keys)),
        ("core.E102", blind_index_key_problem(getattr(settings, "BLIND_INDEX_KEY", "") or "", field_keys)),
    ]
    return [
        Error(problem, hint=f"Generate a key with: {GENERATE_HINT}", id=code) for code, problem in problems if problem
    ]
