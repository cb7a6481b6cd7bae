"""Intake: youth, placement requests, the explanatory analysis and the other required
documents, up to triage. One layer: requests and analyses belong together and import
each other freely; placement (matching, offers, placements) builds on top of it.

The database keeps the app labels the tables were created under: the analysis tables
belong to the label ``analyses`` (this app) and the youth and request tables to the label
``placement`` (their models say ``app_label = "placement"``), so that no table, migration
or content type had to move.
"""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    label = "analyses"
