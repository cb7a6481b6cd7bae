from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from accounts.models import Municipality, Region
from capacity.models import CareType, Specialisation
from core.api import StrictSerializer
from core.errors import Invalid
from core.schema_fields import coded
from intake.models import (
    AlternativeConsidered,
    Document,
    Gender,
    Kind,
    LegalStatus,
    Outcome,
    PerspectivePlan,
    Security,
    Status,
    TriageDecision,
    Urgency,
)
from intake.services.requests import youth_validate
from intake.taxonomy import intensity_known, unknown_codes
from placement.api.serializers.fields import ContextListField, UTCDateTimeField
from placement.api.serializers.pool import ExpertTableMeetingSerializer


def _raise_as_validation_error(error: Invalid):
    raise serializers.ValidationError({p["name"]: [p["reason"]] for p in error.invalid_params})


# --- input -----------------------------------------------------------------------------


class GuardianInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    has_authority = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class YouthInput(StrictSerializer):
    given_names = serializers.CharField(max_length=200, help_text="The youth's given names.")
    family_name = serializers.CharField(max_length=200, help_text="The youth's family name, with prefixes (de Vries).")
    birth_date = serializers.DateField(help_text="Date of birth (ISO 8601).")
    gender = serializers.ChoiceField(choices=Gender.choices, help_text="Gender as registered.")
    bsn = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Burgerservicenummer: 9 digits passing the eleven test (elfproef); encrypted at rest.",
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.select_related("region"),
        help_text="CBS code of the youth's municipality (GET /municipalities), e.g. GM0153; decides the region.",
    )
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False, default=LegalStatus.NONE)
    machtiging_end_date = serializers.DateField(required=False, allow_null=True)
    school = serializers.CharField(max_length=200, required=False, allow_blank=True)
    guardians = GuardianInput(
        many=True, required=False, help_text="Parents or guardians and who has parental authority."
    )

    def get_fields(self):
        """Issue 14 (api-behaviour): `YouthInput(partial=True)` inside a serializer that is
        not partial itself (PATCH /requests/{id}) really is partial: every field optional
        and no defaults filled in, so one field sent changes only that field."""
        fields = super().get_fields()
        if self.partial:
            for field in fields.values():
                field.required = False
                field.default = empty
        return fields

    def validate(self, attrs):
        try:
            youth_validate(attrs, partial=self.partial)
        except Invalid as error:
            _raise_as_validation_error(error)
        return attrs


class NeedProfileInput(StrictSerializer):
    care_types = serializers.ListField(child=serializers.SlugField(max_length=50), allow_empty=False)
    specialisations = serializers.ListField(child=serializers.SlugField(max_length=50), required=False, default=list)
    intensity = serializers.CharField(
        max_length=1, help_text="Code of an active G7 intensity band (GET /api/v1/regions/{code}/bands), e.g. M."
    )
    security = serializers.ChoiceField(choices=Security.choices)
    preferred_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    max_distance_km = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True)
    school_continuity = serializers.BooleanField(required=False, default=False)

    def validate_intensity(self, code):
        if not intensity_known(code):
            raise serializers.ValidationError(_("Onbekende intensiteitsklasse: %(code)s") % {"code": code})
        return code

    def validate_care_types(self, codes):
        unknown = unknown_codes(codes, CareType)
        if unknown:
            raise serializers.ValidationError(_("Onbekende zorgvorm: %(codes)s") % {"codes": ", ".join(unknown)})
        return codes

    def validate_specialisations(self, codes):
        unknown = unknown_codes(codes, Specialisation)
        if unknown:
            raise serializers.ValidationError(_("Onbekende specialisatie: %(codes)s") % {"codes": ", ".join(unknown)})
        return codes


class AnalysisInput(StrictSerializer):
    presenting_problems = serializers.CharField(required=False, allow_blank=True)
    origins = serializers.CharField(required=False, allow_blank=True)
    maintaining_factors = serializers.CharField(required=False, allow_blank=True)
    protective_factors = serializers.CharField(required=False, allow_blank=True)
    hypotheses = serializers.CharField(required=False, allow_blank=True)
    goals = serializers.CharField(required=False, allow_blank=True)
    written_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    made_with_youth = serializers.BooleanField(required=False)
    made_with_family = serializers.BooleanField(required=False)
    need_profile = NeedProfileInput()

    def to_service_data(self) -> dict:
        data = dict(self.validated_data)
        profile = data.pop("need_profile", None) or {}
        data.update(profile)
        return data


class PerspectivePlanInput(StrictSerializer):
    goal = serializers.CharField()
    expected_duration_months = serializers.IntegerField(min_value=1, max_value=120)
    return_perspective = serializers.ChoiceField(choices=PerspectivePlan.Return.choices)
    return_explanation = serializers.CharField(required=False, allow_blank=True)


class SafetyPlanInput(StrictSerializer):
    risks = serializers.CharField()
    agreements = serializers.CharField()
    contacts = serializers.CharField(required=False, allow_blank=True)


class AlternativeInput(StrictSerializer):
    form = serializers.ChoiceField(choices=AlternativeConsidered.Form.choices)
    description = serializers.CharField()
    why_insufficient = serializers.CharField()


class WishesInput(StrictSerializer):
    youth = serializers.CharField(required=False, allow_blank=True)
    parents = serializers.CharField(required=False, allow_blank=True)


class RequestCreateInput(StrictSerializer):
    youth = YouthInput(help_text="The youth the request is for (identifying: a provider sees it only after accepting).")
    urgency = serializers.ChoiceField(
        choices=Urgency.choices,
        required=False,
        default=Urgency.REGULAR,
        help_text="Decides the offer deadlines (region settings).",
    )
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        required=False,
        default=Kind.FIRST,
        help_text="A first placement, or a transfer from a running placement.",
    )
    previous_request = serializers.IntegerField(
        required=False, allow_null=True, help_text="The earlier request of the same youth, if any."
    )
    wishes = WishesInput(required=False, help_text="The wishes of the youth and the parents.")
    analysis = AnalysisInput(required=False, help_text="The explanatory analysis with the need profile.")
    perspective_plan = PerspectivePlanInput(required=False, help_text="Goal and expected duration of the placement.")
    safety_plan = SafetyPlanInput(required=False, help_text="Risks and safety agreements.")
    alternatives = AlternativeInput(
        many=True, required=False, help_text="Lighter forms of help that were considered and why they fall short."
    )


class RequestUpdateInput(StrictSerializer):
    youth = YouthInput(required=False, partial=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    wishes = WishesInput(required=False)
    perspective_plan = PerspectivePlanInput(required=False)
    safety_plan = SafetyPlanInput(required=False)
    alternatives = AlternativeInput(many=True, required=False)


class DocumentUploadInput(StrictSerializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    kind = serializers.ChoiceField(
        choices=[(k, k) for k in ("zorgvraag", "perspectiefplan", "veiligheidsplan", "analyse", "other")]
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TriageInput(StrictSerializer):
    decision = serializers.ChoiceField(choices=TriageDecision.choices, help_text="What the coordinator decides.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why; shown to the referrer when returned."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the request ends, when it is closed.",
    )


class WithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the request is withdrawn (required for a coordinator withdrawing an accepted request).",
    )


class OwnerInput(StrictSerializer):
    owner = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="A coordinator of the request's region; null: nobody."
    )


# --- output ----------------------------------------------------------------------------


class RequestSerializer(serializers.Serializer):
    """What every request in a response carries (no identifying data)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = coded(Status.choices)
    referral_date = serializers.DateField(allow_null=True, help_text="Null while the request is a draft.")
    region = serializers.CharField(source="region.code")
    kind = coded(Kind.choices)
    urgency = coded(Urgency.choices)
    outcome = coded(Outcome.choices, blank=True, help_text="Empty until the request is closed.")
    status_reason = serializers.CharField()
    previous_request = serializers.IntegerField(source="previous_request_id", allow_null=True)
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="The coordinator who has it in hand."
    )
    analysis_version = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    parked_until = serializers.DateField(
        allow_null=True, help_text="Decline policy: not offered before this date (null: not parked)."
    )
    parked_reason = serializers.CharField(help_text="The decline reason code that parked the request.")

    def get_analysis_version(self, obj) -> int | None:
        return obj.analysis.version if obj.analysis_id else None


class GuardianSerializer(serializers.Serializer):
    name = serializers.CharField()
    relationship = serializers.CharField()
    has_authority = serializers.BooleanField()
    phone = serializers.CharField()
    email = serializers.CharField()


class YouthSerializer(serializers.Serializer):
    """The youth's identifying data (only in responses whose read is access-logged)."""

    given_names = serializers.CharField()
    family_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True, help_text="Empty until a crisis dossier gives it.")
    gender = serializers.CharField()
    bsn = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code")
    legal_status = coded(LegalStatus.choices)
    machtiging_end_date = serializers.DateField(allow_null=True)
    school = serializers.CharField()
    guardians = GuardianSerializer(many=True)


class NeedProfileSerializer(serializers.Serializer):
    care_types = serializers.ListField(child=serializers.CharField())
    specialisations = serializers.ListField(child=serializers.CharField())
    intensity = serializers.CharField()
    security = serializers.CharField()
    preferred_region = serializers.CharField(source="preferred_region.code", allow_null=True)
    max_distance_km = serializers.IntegerField(allow_null=True)
    school_continuity = serializers.BooleanField()


class AnalysisSerializer(serializers.Serializer):
    """One version of the explanatory analysis (every save writes a new one)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    created_at = UTCDateTimeField()
    presenting_problems = serializers.CharField()
    origins = serializers.CharField()
    maintaining_factors = serializers.CharField()
    protective_factors = serializers.CharField()
    hypotheses = serializers.CharField()
    goals = serializers.CharField()
    written_by = serializers.CharField()
    made_with_youth = serializers.BooleanField()
    made_with_family = serializers.BooleanField()
    need_profile = serializers.SerializerMethodField(
        help_text="Null until care types, intensity and security are filled in."
    )

    @extend_schema_field(NeedProfileSerializer(allow_null=True))
    def get_need_profile(self, version):
        # The need profile is columns of the analysis row, not a row of its own.
        return NeedProfileSerializer(version).data if version.has_need_profile else None


class PerspectivePlanSerializer(serializers.Serializer):
    goal = serializers.CharField()
    expected_duration_months = serializers.IntegerField()
    return_perspective = serializers.CharField()
    return_explanation = serializers.CharField()


class SafetyPlanSerializer(serializers.Serializer):
    risks = serializers.CharField()
    agreements = serializers.CharField()
    contacts = serializers.CharField()


class WishesSerializer(serializers.Serializer):
    youth = serializers.CharField(source="wishes_youth")
    parents = serializers.CharField(source="wishes_parents")


class AlternativeSerializer(serializers.Serializer):
    form = serializers.CharField()
    description = serializers.CharField()
    why_insufficient = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = coded(Document.DocumentKind.choices)
    title = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    shareable = serializers.BooleanField()
    uploaded_at = UTCDateTimeField()
    download = serializers.SerializerMethodField(help_text="Path of the PDF (GET, access-logged).")

    def get_download(self, document) -> str:
        return reverse("api-request-document", args=[document.request_id, document.pk])


class MissingItemSerializer(serializers.Serializer):
    """Something that still blocks submission (named as in invalid_params)."""

    name = serializers.CharField()
    reason = serializers.CharField()


class DuplicateContactSerializer(serializers.Serializer):
    """The coordination organisation of the region a hidden possible duplicate is in."""

    organisation = serializers.CharField(source="name")
    email = serializers.CharField()
    phone = serializers.CharField()


class PossibleDuplicateSerializer(serializers.Serializer):
    """Another open request that may be for the same youth (`intake.selectors.PossibleDuplicate`).
    In a region the reader may see (`visible`): the request's id, status, referral date and
    referrer organisation. Elsewhere only the region and its coordination contact; the
    request fields are null and one entry stands for the region."""

    visible = serializers.BooleanField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    id = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    referral_date = serializers.SerializerMethodField()
    referrer_organisation = serializers.SerializerMethodField()
    contact = DuplicateContactSerializer(allow_null=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_id(self, duplicate):
        return duplicate.request.pk if duplicate.visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status(self, duplicate):
        return duplicate.request.status if duplicate.visible else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_referral_date(self, duplicate):
        if not duplicate.visible or duplicate.request.referral_date is None:
            return None
        return duplicate.request.referral_date.isoformat()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_referrer_organisation(self, duplicate):
        return duplicate.request.referrer_organisation.name if duplicate.visible else None


class RequestDetailSerializer(RequestSerializer):
    """One request with the youth's identity and the whole dossier. Views give `missing`
    (referrer, while the request is editable) and `possible_duplicates` (coordinator) in
    the context; for anyone else those keys are absent."""

    youth = YouthSerializer()
    referrer_organisation = serializers.CharField(source="referrer_organisation.name")
    analysis = AnalysisSerializer(allow_null=True, help_text="The latest version; null until one is written.")
    perspective_plan = PerspectivePlanSerializer(allow_null=True)
    safety_plan = SafetyPlanSerializer(allow_null=True)
    wishes = WishesSerializer(source="*")
    alternatives = AlternativeSerializer(many=True)
    documents = DocumentSerializer(many=True)
    expert_table_meetings = ExpertTableMeetingSerializer(
        many=True, help_text="The expert table's records, oldest first; the latest decision moved the request."
    )
    missing = ContextListField(
        child=MissingItemSerializer(),
        required=False,
        help_text="Referrer only, while the request is editable: what still blocks submission.",
    )
    possible_duplicates = ContextListField(
        child=PossibleDuplicateSerializer(),
        required=False,
        help_text=(
            "Coordinator only: other open requests that may be for the same youth; in a region the "
            "coordinator does not cover, only the region and its contact."
        ),
    )


class TimelineEventSerializer(serializers.Serializer):
    """One row of `intake.selectors.request_timeline` (which decides what the reader may
    see of providers and reasons)."""

    id = serializers.IntegerField()
    occurred_at = UTCDateTimeField()
    event_type = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason_code = serializers.CharField()
    organisation = serializers.CharField(allow_null=True, help_text="Null where the reader may not see who it was.")
    reason = serializers.CharField()
    analysis_version = serializers.IntegerField(allow_null=True)
    facility_name = serializers.CharField()
