"""Serializers of issue 11's pool help before submission and expert-table records. Input
is parsed leniently (types only); the services check every rule at once and name the
fields in problem+json."""

from rest_framework import serializers

from core.api import StrictSerializer
from core.schema_fields import coded
from intake.models import AnalysisAssignment, ExpertTableDecision, Outcome, ParticipantRole, Status
from placement.api.serializers.fields import UTCDateTimeField


def _choices(choices) -> str:
    return "One of: " + ", ".join(choices.values)


class DraftHelpInput(StrictSerializer):
    question = serializers.CharField(allow_blank=True, max_length=5000, help_text="What the pool may help with.")


class AssignmentCompleteInput(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AssignmentSerializer(serializers.Serializer):
    """A request for help from the behavioural-scientist pool. No identifying data: the
    request is named by its id and reference only."""

    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    reference = serializers.CharField(source="request.reference")
    region = serializers.CharField(source="request.region.code")
    status = coded(AnalysisAssignment.AssignmentStatus.choices)
    before_submission = serializers.BooleanField(help_text="Asked by the referrer for a draft, before submission.")
    question = serializers.CharField()
    requested_at = UTCDateTimeField()
    accepted_at = UTCDateTimeField(allow_null=True)
    completed_at = UTCDateTimeField(allow_null=True)
    waiting_working_days = serializers.SerializerMethodField(
        help_text="Working days from asking to taking (to today while nobody has taken it)."
    )
    completion_note = serializers.CharField()

    def get_waiting_working_days(self, assignment) -> int:
        return assignment.waiting_working_days()


class PoolWaitingSerializer(serializers.Serializer):
    """`intake.selectors.PoolWaiting`: how long requests for help wait, in working days."""

    waiting = serializers.IntegerField()
    waiting_before_submission = serializers.IntegerField()
    median_waiting = serializers.FloatField(allow_null=True)
    oldest_waiting = serializers.IntegerField(allow_null=True)
    taken = serializers.IntegerField()
    median_until_taken = serializers.FloatField(allow_null=True)
    period_days = serializers.IntegerField()


class ParticipantInput(StrictSerializer):
    role = serializers.CharField(allow_blank=True, max_length=24, help_text=_choices(ParticipantRole))
    organisation = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ExpertTableMeetingInput(StrictSerializer):
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    participants = ParticipantInput(many=True, required=False, default=list)
    advice = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    decision = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=16, help_text=_choices(ExpertTableDecision)
    )
    motivation = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=32,
        help_text="With decision close: " + _choices(Outcome),
    )


class ParticipantSerializer(serializers.Serializer):
    role = coded(ParticipantRole.choices)
    organisation = serializers.CharField()


class ExpertTableMeetingSerializer(serializers.Serializer):
    """A recorded expert-table meeting (part of the dossier; never changed)."""

    id = serializers.IntegerField()
    held_on = serializers.DateField()
    participants = ParticipantSerializer(many=True)
    advice = serializers.CharField()
    decision = coded(ExpertTableDecision.choices)
    motivation = serializers.CharField()
    outcome = coded(Outcome.choices, blank=True, help_text="With decision close: how it ended; else empty.")
    status_after = coded(Status.choices, help_text="The request's status the decision moved it to.")
    recorded_at = UTCDateTimeField()
