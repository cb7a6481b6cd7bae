from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self):
        from reporting import (
            outcome_charts,  # noqa: F401 - issue 16 (fit-outcome): its charts
            reports,  # noqa: F401 - registers the report builders
        )
