from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Audit, outbox and API conventions"

    def ready(self):
        from core import checks  # noqa: F401 - registers the `check --deploy` key check
        from core.parsers import install_drf_guards  # Issue 14 (api-core): no 5xx at the calendar's edge

        install_drf_guards()
