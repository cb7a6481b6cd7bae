"""Input and output of changes in place (issue 11, point 6)."""

from rest_framework import serializers

from core.api import StrictSerializer
from placement.api.serializers.fields import UTCDateTimeField
from placement.api.serializers.offers import PlacementSerializer


class PlacementChangeInput(StrictSerializer):
    """What changes in place. Leave a value empty to keep it; the service names every
    problem at once (effective_date, reason, intensity, care_type, legal_status,
    machtiging_end_date, or `changes` when nothing changes)."""

    intensity = serializers.CharField(required=False, allow_blank=True, default="", max_length=2)
    care_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    legal_status = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=16,
        help_text="none, ots, voogdij or machtiging_gj (then machtiging_end_date is required).",
    )
    machtiging_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class PlacementChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    field = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    old_end_date = serializers.DateField(allow_null=True)
    new_end_date = serializers.DateField(allow_null=True)
    effective_date = serializers.DateField()
    reason = serializers.CharField()
    created_at = UTCDateTimeField()
    organisation = serializers.CharField(source="organisation.name")


class PlacementChangesSerializer(serializers.Serializer):
    """The placement with its current values, and its changes in place, oldest first."""

    placement = PlacementSerializer()
    changes = PlacementChangeSerializer(many=True)
