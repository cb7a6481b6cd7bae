"""Planning (issue 16): what-if replays of past requests against a changed landscape, and
what to contract. Above reporting: it reads requests, placements, capacity and the
reports' helpers, and nothing below it reads planning."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"

    def ready(self):
        # Issue 16.3 (contracting): the "what to contract" section of the quarterly report.
        from planning.contracting import register_quarterly

        register_quarterly()
