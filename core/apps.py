from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Audit, outbox and API conventions"

    def ready(self):
        from core import checks  # noqa: F401 - registers the `check --deploy` key check


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, without what no page serves (issue 13, prod): the
    sidecar's ReDoc bundle (15 MB; the API docs are Swagger UI, config/urls.py)."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "redoc"]
