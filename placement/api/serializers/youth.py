"""Input and output of the youth endpoints (issue 11 point 3): link and unlink a request,
and one youth across requests (no identifying data: ids, counts and the timeline)."""

from rest_framework import serializers

from core.api import StrictSerializer
from placement.api.serializers.requests import RequestSerializer, TimelineEventSerializer


class YouthLinkInput(StrictSerializer):
    target_request = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the earlier request whose youth this joins."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required.")


class YouthUnlinkInput(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required.")


class YouthLinkResult(serializers.Serializer):
    request = serializers.IntegerField(source="pk")
    youth = serializers.IntegerField(source="youth_id")


class YouthRequestSerializer(serializers.Serializer):
    request = RequestSerializer()
    reentry = serializers.SerializerMethodField(help_text="True when an earlier placement ended within 6 months.")

    def get_reentry(self, row) -> bool:
        return row["reentry"] is not None


class YouthTimelineEventSerializer(TimelineEventSerializer):
    request = serializers.IntegerField(source="request.pk")


class YouthCountsSerializer(serializers.Serializer):
    placements = serializers.IntegerField()
    transfers = serializers.IntegerField()
    provider_changes = serializers.IntegerField()
    reentries = serializers.IntegerField()


class YouthElsewhereSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.name")
    contact = serializers.CharField(source="contact.name", allow_null=True, default=None)


class YouthAcrossRequestsSerializer(serializers.Serializer):
    """One youth across the requests the reader may see (no name, no BSN)."""

    id = serializers.IntegerField(source="youth.pk")
    requests = YouthRequestSerializer(many=True)
    counts = YouthCountsSerializer()
    timeline = YouthTimelineEventSerializer(many=True)
    elsewhere = YouthElsewhereSerializer(
        many=True, help_text="Coordinators: other regions with a request for this youth (name and contact only)."
    )
