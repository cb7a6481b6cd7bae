"""Input and output of the offers, matching, waiting and placements API."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core.api import StrictSerializer
from core.schema_fields import coded
from intake.models import Document, LegalStatus
from placement.api.serializers.fields import RoundedFloatField, UTCDateTimeField
from placement.models import (
    PROVIDER_DECLINE_REASONS,
    AftercareDestination,
    DeclineReason,
    EndReason,
    FallThroughParty,
    FallThroughReason,
    IntroductionOutcome,
    OfferStatus,
    WaitingReason,
)
from placement.referral import OFFER_TEXT_FIELDS

# The free texts the coordinator may edit for this offer (a copy; the referrer's original stays).
OfferTextsInput = type(
    "OfferTextsInput",
    (StrictSerializer,),
    {name: serializers.CharField(required=False, allow_blank=True, max_length=20000) for name in OFFER_TEXT_FIELDS},
)


class OverrideInput(StrictSerializer):
    """Leave one finding of the identifying-data check in the text, with a reason."""

    finding = serializers.CharField(max_length=300, help_text="The `finding` of an invalid_params entry.")
    reason = serializers.CharField(allow_blank=True, max_length=500)


class OfferCreateInput(StrictSerializer):
    facility = serializers.IntegerField(
        help_text="Id of the facility the request is offered to (from GET /requests/{id}/matches)."
    )
    texts = OfferTextsInput(
        required=False, help_text="The anonymised referral texts; they pass the identifying-data check."
    )
    overrides = OverrideInput(
        many=True,
        required=False,
        help_text="Findings of the identifying-data check the coordinator overrides, with a reason.",
    )
    reoffer_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Required when the facility's provider refused this request before (decline policy); "
        "without it: 422 naming `reoffer_reason`. Stored on the offer, not shown to the provider.",
    )
    document_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.DocumentKind.choices),
        required=False,
        allow_empty=True,
        help_text="Which kinds of the request's shareable documents go along with this offer. The provider "
        "sees the kinds; after accepting it can open only these documents. Left out: every shareable "
        "kind; []: none. A kind without a shareable document is refused (422, `document_kinds`).",
    )
    deadline = serializers.DateTimeField(
        required=False,
        help_text="When the provider must answer (ISO 8601; without an offset: Europe/Amsterdam). Left out: "
        "by the request's urgency (region settings: crisis in hours, urgent and regular in working days). "
        "Must lie between `offer_deadline_min_hours` hours and `offer_deadline_max_working_days` working "
        "days from now (422, `deadline`).",
    )


class ParkingLiftInput(StrictSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=1000)


class AcceptInput(StrictSerializer):
    availability_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms the facility's availability (required when it is stale); records a fresh confirmation.",
    )


class DeclineInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=PROVIDER_DECLINE_REASONS, help_text="The coded reason for declining.")
    motivation = serializers.CharField(
        allow_blank=True, max_length=5000, help_text="Why, in words; the coordinator reads it."
    )


class OfferWithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="Why the offer is withdrawn; the provider sees it."
    )


def _choices(choices) -> str:
    return "One of: " + ", ".join(choices.values)


class IntroductionInput(StrictSerializer):
    """The introduction visit (kennismaking) on an accepted offer."""

    # Checked by the service, so that every problem is named at once.
    date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True, max_length=16, help_text=_choices(IntroductionOutcome))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FallThroughInput(StrictSerializer):
    """Who refused after acceptance, why, and a motivation. Provider staff may only send
    `party: provider` (403 otherwise)."""

    party = serializers.CharField(allow_blank=True, max_length=16, help_text=_choices(FallThroughParty))
    reason_code = serializers.CharField(allow_blank=True, max_length=32, help_text=_choices(FallThroughReason))
    motivation = serializers.CharField(allow_blank=True, max_length=5000)


class IntroductionSerializer(serializers.Serializer):
    date = serializers.DateField(source="introduction_date")
    outcome = coded(IntroductionOutcome.choices, blank=True, source="introduction_outcome")
    note = serializers.CharField(source="introduction_note")


class BridgingCareInput(StrictSerializer):
    what = serializers.CharField(allow_blank=True, max_length=2000)
    by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    since = serializers.DateField(required=False, allow_null=True, default=None)


class WaitInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=WaitingReason.choices, help_text="Why there is no fitting place now.")
    bridging_care = BridgingCareInput(help_text="The help the youth gets while waiting, and from whom.")


class PlacementStartInput(StrictSerializer):
    start_date = serializers.DateField(help_text="The day the youth moves in.")
    school = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    handover = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    transport = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    funding = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class PlacementEndInput(StrictSerializer):
    end_date = serializers.DateField()
    reason = serializers.ChoiceField(choices=EndReason.choices)
    destination = serializers.ChoiceField(
        choices=AftercareDestination.choices, help_text="Where the youth goes after leaving (after-care)."
    )
    narrative = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    needs_new_place = serializers.BooleanField(required=False, default=False)


# --- output ----------------------------------------------------------------------------


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    ok = serializers.BooleanField()
    hard = serializers.BooleanField(help_text="A facility that fails a hard criterion can never be offered.")
    unknown = serializers.BooleanField(help_text="Nothing to judge on (e.g. no group recorded): not a misfit.")
    text = serializers.CharField()


class MatchFacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    municipality = serializers.CharField(source="municipality.name")
    care_type = serializers.CharField(source="care_type.code")
    places_free = serializers.IntegerField(source="free")
    is_stale = serializers.BooleanField()
    last_confirmed_at = UTCDateTimeField(allow_null=True)


class MatchSerializer(serializers.Serializer):
    """One facility of a matching list with the explanation. The facility rows come from
    the matching result, given by the view in the context (`facilities`: id -> Facility)."""

    facility = serializers.SerializerMethodField()
    group = serializers.CharField()
    distance_km = RoundedFloatField(decimals=1)
    specialisation_coverage = RoundedFloatField(decimals=2)
    declined_this_request = serializers.BooleanField(source="facility.declined_this_request")
    criteria = CriterionSerializer(many=True)
    failed = serializers.SerializerMethodField(help_text="Codes of the hard criteria the facility fails.")

    @extend_schema_field(MatchFacilitySerializer)
    def get_facility(self, match):
        # One facility serializer for the whole list: building a serializer per row copies
        # its fields each time, which at national scale (2,000 rows) is most of the time.
        serializer = self.__dict__.get("_facility_serializer")
        if serializer is None:
            serializer = self.__dict__["_facility_serializer"] = MatchFacilitySerializer()
        return serializer.to_representation(self.context["facilities"][match.facility.facility_id])

    def get_failed(self, match) -> list[str]:
        return [criterion.code for criterion in match.failed]


class MatchingSerializer(serializers.Serializer):
    """A `placement.selectors.matching.MatchingResult`; pass its `facilities` in the context."""

    start_date = serializers.DateField(source="need.start_date")
    available = MatchSerializer(many=True)
    full = MatchSerializer(many=True)
    unfit = MatchSerializer(many=True, help_text="One page of the unfit facilities (`unfitPage`), explained.")
    # Issue 15 (perf-matching): present only when the unfit list has more than one page.
    unfit_total = serializers.IntegerField(required=False, help_text="Unfit facilities in all pages.")
    unfit_page = serializers.IntegerField(required=False)
    unfit_pages = serializers.IntegerField(required=False)
    unfit_failed = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Hard criterion code -> number of unfit facilities (all pages) failing it.",
    )

    PAGED = ("unfit_total", "unfit_page", "unfit_pages", "unfit_failed")

    def to_representation(self, instance):
        """The fields above written out by hand (issue 15, perf-matching): the same body
        as the nested serializers give (tests/placement/test_api_output.py holds it byte
        for byte), without a serializer field walk per criterion of ~250 rows (that walk
        was 40% of the answer at 2,000 facilities)."""
        facilities = self.context["facilities"]
        confirmed = UTCDateTimeField()

        def row(match):
            facility = facilities[match.facility.facility_id]
            when = facility.last_confirmed_at
            return {
                "facility": {
                    "id": facility.pk,
                    "name": str(facility.name),
                    "provider": str(facility.provider.name),
                    "municipality": str(facility.municipality.name),
                    "care_type": str(facility.care_type.code),
                    "places_free": int(facility.free),
                    "is_stale": bool(facility.is_stale),
                    "last_confirmed_at": None if when is None else confirmed.to_representation(when),
                },
                "group": str(match.group),
                "distance_km": round(float(match.distance_km), 1),
                "specialisation_coverage": round(float(match.specialisation_coverage), 2),
                "declined_this_request": bool(match.facility.declined_this_request),
                "criteria": [
                    {
                        "code": c.code,
                        "ok": bool(c.ok),
                        "hard": bool(c.hard),
                        "unknown": bool(c.unknown),
                        "text": str(c.text),
                    }
                    for c in match.criteria
                ],
                "failed": [c.code for c in match.failed],
            }

        data = {
            "start_date": instance.need.start_date.isoformat(),
            "available": [row(m) for m in instance.available],
            "full": [row(m) for m in instance.full],
            "unfit": [row(m) for m in instance.unfit],
        }
        if instance.unfit_pages > 1:
            data.update(
                unfit_total=instance.unfit_total,
                unfit_page=instance.unfit_page,
                unfit_pages=instance.unfit_pages,
                unfit_failed=dict(instance.unfit_failed),
            )
        return data


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfferIdentityGuardianSerializer(serializers.Serializer):
    name = serializers.CharField()
    relationship = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class OfferIdentitySerializer(serializers.Serializer):
    """The identity `placement.selectors.offer_identity` discloses (and access-logs)."""

    given_names = serializers.CharField()
    family_name = serializers.CharField()
    birth_date = serializers.DateField()
    bsn = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    school = serializers.CharField()
    guardians = OfferIdentityGuardianSerializer(many=True)


class OfferSerializer(serializers.Serializer):
    """What every reader of an offer sees: the anonymised referral as it was sent. Use
    `CoordinatorOfferSerializer` or `ProviderOfferSerializer`."""

    id = serializers.IntegerField()
    reference = serializers.CharField(source="pseudonym", help_text="What the provider calls this youth.")
    status = coded(OfferStatus.choices)
    facility = FacilityRefSerializer()
    created_at = UTCDateTimeField()
    deadline = UTCDateTimeField()
    reconfirm_availability = serializers.BooleanField()
    analysis_version = serializers.IntegerField(source="referral.analysis.version", allow_null=True)
    referral = serializers.JSONField(help_text="The anonymised referral, as sent to the provider.")
    answered_at = UTCDateTimeField(allow_null=True)
    decline_reason = coded(DeclineReason.choices, blank=True, help_text="Empty unless declined.")
    motivation = serializers.CharField()
    withdraw_reason = serializers.CharField()
    fall_through_party = coded(FallThroughParty.choices, blank=True, help_text="Empty unless fallen_through.")
    fall_through_reason = coded(FallThroughReason.choices, blank=True, help_text="Empty unless fallen_through.")
    introduction = serializers.SerializerMethodField()
    placement = serializers.IntegerField(source="placement.pk", allow_null=True)

    @extend_schema_field(IntroductionSerializer(allow_null=True))
    def get_introduction(self, offer):
        return IntroductionSerializer(offer).data if offer.introduction_date else None


class CoordinatorOfferSerializer(OfferSerializer):
    """An offer as the coordinator sees it: with the request and the provider."""

    request = serializers.IntegerField(source="request_id")
    provider = OrganisationRefSerializer()
    reoffer_reason = serializers.CharField(help_text="Why it was offered again to a provider that refused before.")


class ProviderOfferSerializer(OfferSerializer):
    """An offer as the provider sees it. The view gives `identity` in the context: what
    `placement.selectors.offer_identity` returned (None until the provider's organisation
    accepted), or None for lists, which never carry identities."""

    identity = serializers.SerializerMethodField()

    @extend_schema_field(OfferIdentitySerializer(allow_null=True))
    def get_identity(self, offer):
        identity = self.context["identity"]
        return None if identity is None else OfferIdentitySerializer(identity).data


def _offer_for_reader(**kwargs):
    return PolymorphicProxySerializer(
        component_name="OfferForReader",
        serializers=[CoordinatorOfferSerializer, ProviderOfferSerializer],
        resource_type_field_name=None,
        **kwargs,
    )


# Offers read by both roles: the coordinator's form or the provider's.
OfferForReader = _offer_for_reader()
OfferForReaderList = _offer_for_reader(many=True)


class PlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    offer = serializers.IntegerField(source="offer_id", allow_null=True, help_text="Empty for a crisis placement.")
    facility = FacilityRefSerializer()
    start_date = serializers.DateField()
    school = serializers.CharField()
    handover = serializers.CharField()
    transport = serializers.CharField()
    funding = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    end_narrative = serializers.CharField()
    aftercare_destination = serializers.CharField(help_text="After-care destination; empty while running.")
    needs_new_place = serializers.BooleanField()
    intensity = serializers.CharField(help_text="Current G7 intensity (a change in place updates it).")
    care_type = serializers.CharField(source="care_type.code", allow_null=True, default=None)
    legal_status = coded(
        LegalStatus.choices, source="youth.legal_status", help_text="The youth's current legal status."
    )
    machtiging_end_date = serializers.DateField(source="youth.machtiging_end_date", allow_null=True)
    transfer_request = serializers.IntegerField(
        source="transfer.new_request_id", allow_null=True, help_text="The request made to find the next place."
    )
