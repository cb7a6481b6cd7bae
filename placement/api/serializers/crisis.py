"""Input and output of the crisis placements API (issue 11)."""

from rest_framework import serializers

from capacity.models import Gender
from core.api import StrictSerializer
from core.schema_fields import coded
from intake.models import Status
from placement.api.serializers.fields import UTCDateTimeField
from placement.api.serializers.offers import FacilityRefSerializer
from placement.models import PlacementKind


class CrisisYouthInput(StrictSerializer):
    """What is known of the youth; names and birth date may follow with the dossier."""

    municipality = serializers.IntegerField(help_text="The youth's municipality (decides the region).")
    given_names = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    family_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.UNKNOWN)
    bsn = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class CrisisPlacementInput(StrictSerializer):
    """Either `request` (a request in triage becomes the follow-up) or `youth` and
    `referrer_organisation` (a new follow-up request)."""

    request = serializers.IntegerField(required=False, allow_null=True, default=None)
    youth = CrisisYouthInput(required=False, allow_null=True, default=None)
    referrer_organisation = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The referrer organisation that completes the dossier."
    )
    facility = serializers.IntegerField(required=False, allow_null=True, default=None)
    started_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CrisisPlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = coded(PlacementKind.choices)
    request = serializers.IntegerField(source="request_id", help_text="The follow-up request (the dossier).")
    request_status = coded(Status.choices, source="request.status")
    dossier_due = serializers.DateField(source="request.crisis_dossier_due")
    facility = FacilityRefSerializer()
    started_at = UTCDateTimeField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class CrisisFollowUpTriageInput(StrictSerializer):
    decision = serializers.ChoiceField(
        choices=[("stay", "stay"), ("longer_term", "longer_term")],
        help_text="`stay`: the crisis placement continues as the placement; `longer_term`: a transfer "
        "request goes to matching (the crisis placement ends when the next one starts).",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
