from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import Municipality, Region
from capacity.models import CareType, Specialisation
from core.api import StrictSerializer
from core.errors import Invalid
from intake.models import (
    AlternativeConsidered,
    Gender,
    Kind,
    LegalStatus,
    Outcome,
    PerspectivePlan,
    Security,
    TriageDecision,
    Urgency,
)
from intake.services.requests import youth_validate
from intake.taxonomy import INTENSITY_BANDS, unknown_codes


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
    given_names = serializers.CharField(max_length=200)
    family_name = serializers.CharField(max_length=200)
    birth_date = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    bsn = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.select_related("region")
    )
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False, default=LegalStatus.NONE)
    machtiging_end_date = serializers.DateField(required=False, allow_null=True)
    school = serializers.CharField(max_length=200, required=False, allow_blank=True)
    guardians = GuardianInput(many=True, required=False)

    def validate(self, attrs):
        try:
            youth_validate(attrs, partial=self.partial)
        except Invalid as error:
            _raise_as_validation_error(error)
        return attrs


class NeedProfileInput(StrictSerializer):
    care_types = serializers.ListField(child=serializers.SlugField(max_length=50), allow_empty=False)
    specialisations = serializers.ListField(child=serializers.SlugField(max_length=50), required=False, default=list)
    intensity = serializers.ChoiceField(choices=INTENSITY_BANDS)
    security = serializers.ChoiceField(choices=Security.choices)
    preferred_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    max_distance_km = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True)
    school_continuity = serializers.BooleanField(required=False, default=False)

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
    youth = YouthInput()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.REGULAR)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, default=Kind.FIRST)
    previous_request = serializers.IntegerField(required=False, allow_null=True)
    wishes = WishesInput(required=False)
    analysis = AnalysisInput(required=False)
    perspective_plan = PerspectivePlanInput(required=False)
    safety_plan = SafetyPlanInput(required=False)
    alternatives = AlternativeInput(many=True, required=False)


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
    decision = serializers.ChoiceField(choices=TriageDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True, default="")


class WithdrawInput(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- output ----------------------------------------------------------------------------


class RequestSerializer(serializers.Serializer):
    """What every request in a response carries (no identifying data)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    referral_date = serializers.DateField()
    region = serializers.CharField(source="region.code")
    kind = serializers.CharField()
    urgency = serializers.CharField()
    outcome = serializers.CharField()
    status_reason = serializers.CharField()
    previous_request = serializers.IntegerField(source="previous_request_id", allow_null=True)
    analysis_version = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField()

    def get_analysis_version(self, obj) -> int | None:
        return obj.analysis.version if obj.analysis_id else None


def analysis_data(version) -> dict | None:
    if version is None:
        return None
    return {
        "id": version.pk,
        "version": version.version,
        "created_at": version.created_at,
        "presenting_problems": version.presenting_problems,
        "origins": version.origins,
        "maintaining_factors": version.maintaining_factors,
        "protective_factors": version.protective_factors,
        "hypotheses": version.hypotheses,
        "goals": version.goals,
        "written_by": version.written_by,
        "made_with_youth": version.made_with_youth,
        "made_with_family": version.made_with_family,
        "need_profile": {
            "care_types": version.care_types,
            "specialisations": version.specialisations,
            "intensity": version.intensity,
            "security": version.security,
            "preferred_region": version.preferred_region.code if version.preferred_region_id else None,
            "max_distance_km": version.max_distance_km,
            "school_continuity": version.school_continuity,
        }
        if version.has_need_profile
        else None,
    }


def request_detail_data(placement_request, *, duplicates=None, missing=None) -> dict:
    youth = placement_request.youth
    data = dict(RequestSerializer(placement_request).data)
    data["youth"] = {
        "given_names": youth.given_names,
        "family_name": youth.family_name,
        "birth_date": youth.birth_date,
        "gender": youth.gender,
        "bsn": youth.bsn,
        "address": youth.address,
        "postcode": youth.postcode,
        "city": youth.city,
        "municipality": youth.municipality.code,
        "legal_status": youth.legal_status,
        "machtiging_end_date": youth.machtiging_end_date,
        "school": youth.school,
        "guardians": [
            {
                "name": g.name,
                "relationship": g.relationship,
                "has_authority": g.has_authority,
                "phone": g.phone,
                "email": g.email,
            }
            for g in youth.guardians.all()
        ],
    }
    data["referrer_organisation"] = placement_request.referrer_organisation.name
    data["analysis"] = analysis_data(placement_request.analysis)
    plan = (
        getattr(placement_request, "perspective_plan", None) if hasattr(placement_request, "perspective_plan") else None
    )
    data["perspective_plan"] = (
        {
            "goal": plan.goal,
            "expected_duration_months": plan.expected_duration_months,
            "return_perspective": plan.return_perspective,
            "return_explanation": plan.return_explanation,
        }
        if plan
        else None
    )
    safety = placement_request.safety_plan if hasattr(placement_request, "safety_plan") else None
    data["safety_plan"] = (
        {"risks": safety.risks, "agreements": safety.agreements, "contacts": safety.contacts} if safety else None
    )
    data["wishes"] = {"youth": placement_request.wishes_youth, "parents": placement_request.wishes_parents}
    data["alternatives"] = [
        {"form": a.form, "description": a.description, "why_insufficient": a.why_insufficient}
        for a in placement_request.alternatives.all()
    ]
    data["documents"] = [document_data(d) for d in placement_request.documents.all()]
    if missing is not None:
        data["missing"] = missing
    if duplicates is not None:
        data["possible_duplicates"] = [
            {
                "id": d.pk,
                "region": d.region.code,
                "status": d.status,
                "referral_date": d.referral_date,
                "referrer_organisation": d.referrer_organisation.name,
            }
            for d in duplicates
        ]
    return data


def document_data(document) -> dict:
    return {
        "id": document.pk,
        "kind": document.kind,
        "title": document.title,
        "size": document.size,
        "sha256": document.sha256,
        "shareable": document.shareable,
        "uploaded_at": document.uploaded_at,
        "download": reverse("api-request-document", args=[document.request_id, document.pk]),
    }
