"""Serializers of issue 14's missing resources in the placement API: placements and
transfers (list, detail), the documents that go with an offer, resume matching."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import StrictSerializer
from intake.models import Document
from placement.api.serializers.fields import UTCDateTimeField
from placement.api.serializers.offers import (
    FacilityRefSerializer,
    OfferIdentitySerializer,
    OrganisationRefSerializer,
    PlacementSerializer,
)
from placement.models import AftercareDestination, EndReason, PlacementKind

# The kinds of a request's documents, named once in the schema (config.settings, ENUM_NAME_OVERRIDES).
DOCUMENT_KINDS = Document.DocumentKind.choices


class PlacementListItemSerializer(serializers.Serializer):
    """A placement in a list: no identifying data (no school, no free texts); the detail
    (`GET /placements/{id}`) has them, access-logged."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PlacementKind.choices, help_text="regular or crisis")
    request = serializers.IntegerField(source="request_id")
    offer = serializers.IntegerField(source="offer_id", allow_null=True, help_text="Empty for a crisis placement.")
    reference = serializers.CharField(
        source="offer.pseudonym", allow_null=True, default=None, help_text="The offer's pseudonymous reference."
    )
    facility = FacilityRefSerializer()
    provider = OrganisationRefSerializer()
    start_date = serializers.DateField()
    started_at = UTCDateTimeField(allow_null=True, help_text="The moment a crisis placement started.")
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.ChoiceField(
        choices=EndReason.choices, allow_blank=True, help_text="CBS end reason 01-05; empty while running."
    )
    aftercare_destination = serializers.ChoiceField(
        choices=AftercareDestination.choices, allow_blank=True, help_text="Empty while running."
    )
    needs_new_place = serializers.BooleanField()
    intensity = serializers.CharField(help_text="Current G7 intensity band (K-Z); empty when not known.")
    care_type = serializers.CharField(source="care_type.code", allow_null=True, default=None)
    transfer = serializers.IntegerField(
        source="transfer.pk", allow_null=True, default=None, help_text="The transfer this placement's end led to."
    )


class PlacementDetailSerializer(PlacementSerializer):
    """One placement with the youth's identity (the read is access-logged). The view gives
    `identity` in the context."""

    kind = serializers.ChoiceField(choices=PlacementKind.choices)
    request = serializers.IntegerField(source="request_id")
    provider = OrganisationRefSerializer()
    started_at = UTCDateTimeField(allow_null=True)
    identity = serializers.SerializerMethodField()

    @extend_schema_field(OfferIdentitySerializer)
    def get_identity(self, placement):
        return OfferIdentitySerializer(self.context["identity"]).data


class TransferSerializer(serializers.Serializer):
    """A transfer (doorplaatsing): a placement ended and a new request was made for the
    youth's next place. No identifying data."""

    id = serializers.IntegerField()
    from_placement = serializers.IntegerField(source="from_placement_id")
    new_request = serializers.IntegerField(source="new_request_id")
    new_request_status = serializers.CharField(source="new_request.status")
    facility = FacilityRefSerializer(source="from_placement.facility")
    provider = OrganisationRefSerializer(source="from_placement.provider")
    start_date = serializers.DateField(source="from_placement.start_date")
    end_date = serializers.DateField(source="from_placement.end_date", allow_null=True)
    end_reason = serializers.ChoiceField(choices=EndReason.choices, source="from_placement.end_reason")
    created_at = UTCDateTimeField()


class OfferDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Document.DocumentKind.choices)
    title = serializers.CharField()
    uploaded_at = UTCDateTimeField()
    included = serializers.BooleanField(help_text="Goes with this offer.")


class OfferDocumentsSerializer(serializers.Serializer):
    """The request's shareable documents and which of them go with the offer."""

    offer = serializers.IntegerField()
    editable = serializers.BooleanField(help_text="True while the provider has not answered (PUT allowed).")
    document_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.DocumentKind.choices),
        help_text="The kinds that go with the offer (what the provider sees before accepting).",
    )
    documents = OfferDocumentSerializer(many=True)


class OfferDocumentsInput(StrictSerializer):
    document_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.DocumentKind.choices),
        allow_empty=True,
        max_length=len(Document.DocumentKind.choices),
        help_text="The kinds of the request's shareable documents that go with the offer; []: none. A kind "
        "without a shareable document is refused (422, `document_kinds`).",
    )
