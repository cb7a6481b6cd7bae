import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Municipality, Organisation, Region
from capacity.models import FACILITY_GENDER_CHOICES, CareType, Facility, FunctioningLevel, Specialisation
from core.api import StrictModelSerializer, StrictSerializer


class CareTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareType
        fields = ["code", "label", "cbs_care_form", "requires_authorisation"]


class SpecialisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialisation
        fields = ["code", "label"]


class ProviderSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    facility_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "agb_code", "email", "phone", "regions", "is_active", "facility_count"]


class _ProviderRef(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "agb_code"]


class _MunicipalityRef(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["code", "name", "latitude", "longitude"]


class _RegionRef(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "freshness_days"]


class FacilitySerializer(serializers.ModelSerializer):
    """A facility with its live availability. `places_free` is as reported; when
    `is_stale` is true the figure is older than the region's freshness period."""

    provider = _ProviderRef(read_only=True)
    municipality = _MunicipalityRef(read_only=True)
    region = _RegionRef(source="municipality.region", read_only=True)
    care_type = CareTypeSerializer(read_only=True)
    specialisations = SpecialisationSerializer(many=True, read_only=True)
    regions_served = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    places_occupied = serializers.IntegerField(read_only=True)
    places_held = serializers.IntegerField(source="held", read_only=True)
    places_free = serializers.IntegerField(source="free", read_only=True)
    is_stale = serializers.BooleanField(read_only=True)
    last_confirmed_by = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "provider",
            "address",
            "postcode",
            "municipality",
            "region",
            "care_type",
            "specialisations",
            "security_level",
            "age_min",
            "age_max",
            "genders",
            "intensity_band",
            "group_size",
            "care_product_code",
            "regions_served",
            "serves_nationally",
            "active_from",
            "active_until",
            "places_contracted",
            "places_staffed",
            "places_occupied",
            "occupied_internal",
            "occupied_external",
            "places_held",
            "places_free",
            "last_confirmed_at",
            "last_confirmed_by",
            "is_stale",
        ]

    def get_last_confirmed_by(self, facility) -> str | None:
        user = facility.last_confirmed_by
        return (user.get_full_name() or user.username) if user else None


class StrictIntegerField(serializers.IntegerField):
    """Only a JSON integer (no "3", no 2.5, no true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class AvailabilityInputSerializer(StrictSerializer):
    places_staffed = StrictIntegerField(
        required=False, min_value=0, max_value=1000, help_text="Places the provider can staff now; left out: unchanged."
    )
    occupied_external = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=1000,
        help_text="Places taken by youth placed from outside the product; left out: unchanged.",
    )


class FacilityWriteSerializer(StrictModelSerializer):
    """Input for POST /facilities (and, without staffed places, PATCH)."""

    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER),
        help_text="Id of the provider organisation (GET /providers).",
    )
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), help_text="CBS code of the municipality, e.g. GM0153."
    )
    care_type = serializers.SlugRelatedField(
        slug_field="code", queryset=CareType.objects.all(), help_text="Code of the care type (GET /care-types)."
    )
    specialisations = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Specialisation.objects.all(),
        required=False,
        help_text="Codes of the specialisations offered (GET /specialisations).",
    )
    regions_served = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Region.objects.all(),
        required=False,
        help_text="Codes of the youth regions the facility serves besides its own.",
    )
    genders = serializers.ListField(
        child=serializers.ChoiceField(choices=FACILITY_GENDER_CHOICES), min_length=1, help_text="The genders it takes."
    )
    places_contracted = StrictIntegerField(min_value=0, max_value=1000, help_text="Places in the contract.")
    places_staffed = StrictIntegerField(
        min_value=0,
        max_value=1000,
        required=False,
        help_text="Places that can be staffed now (unconfirmed until the provider confirms).",
    )
    age_min = StrictIntegerField(min_value=0, max_value=27, help_text="Youngest age taken (years).")
    age_max = StrictIntegerField(min_value=0, max_value=27, help_text="Oldest age taken (years).")
    group_size = StrictIntegerField(min_value=1, max_value=1000, help_text="Youth in one living group.")

    class Meta:
        model = Facility
        fields = [
            "provider",
            "name",
            "address",
            "postcode",
            "municipality",
            "care_type",
            "specialisations",
            "security_level",
            "age_min",
            "age_max",
            "genders",
            "intensity_band",
            "group_size",
            "care_product_code",
            "regions_served",
            "serves_nationally",
            "active_from",
            "active_until",
            "places_contracted",
            "places_staffed",
        ]
        validators = []  # rules that span fields are the service's (422 naming the field)
        # Issue 14.2 (api-examples): descriptions of the model fields in the OpenAPI document
        extra_kwargs = {
            "name": {"help_text": "The facility's name as providers and coordinators know it."},
            "address": {"help_text": "Street and number."},
            "postcode": {"help_text": "Dutch postcode, e.g. 7511 AB."},
            "security_level": {"help_text": "How closed the facility is."},
            "intensity_band": {
                "help_text": "Code of the G7 intensity band the facility offers (GET /regions/{code}/bands)."
            },
            "care_product_code": {"help_text": "The iJw care product code (productcode) used for billing."},
            "serves_nationally": {"help_text": "Takes youth from every region (national facilities)."},
            "active_from": {"help_text": "First day the facility takes youth."},
            "active_until": {"help_text": "Last day the facility takes youth; null: open-ended."},
        }

    def validate_postcode(self, value):
        value = value.strip().upper()
        if not re.fullmatch(r"[1-9][0-9]{3} ?[A-Z]{2}", value):
            raise serializers.ValidationError(_("Vul een Nederlandse postcode in, zoals 7511 AB."))
        return value


class FacilityPatchSerializer(FacilityWriteSerializer):
    class Meta(FacilityWriteSerializer.Meta):
        fields = [f for f in FacilityWriteSerializer.Meta.fields if f != "places_staffed"]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("places_staffed", None)
        return fields


# --- The current group of a small home (issue 11 point 7) --------------------------------


class GroupResidentSerializer(serializers.Serializer):
    """One resident: no names, no identifiers."""

    age = serializers.IntegerField(help_text="Age in years, 0-27.")
    gender = serializers.ChoiceField(choices=FACILITY_GENDER_CHOICES)
    level = serializers.ChoiceField(
        choices=FunctioningLevel.choices, help_text="Level of functioning: lvb, average, above_average."
    )
    machtiging = serializers.BooleanField(help_text="Lives here with a machtiging gesloten jeugdzorg.")


class GroupSerializer(serializers.Serializer):
    """The facility's current group as recorded by its provider. `recorded_at` null: no
    group recorded (matching treats fit with the group as unknown); `is_stale`: recorded
    longer ago than the region's freshness period."""

    facility = serializers.IntegerField(source="pk")
    recorded_at = serializers.DateTimeField(source="group_recorded_at", allow_null=True)
    is_stale = serializers.BooleanField(source="group_is_stale")
    places_contracted = serializers.IntegerField()
    residents = GroupResidentSerializer(many=True, source="group_residents")


class GroupInputDoc(serializers.Serializer):
    """PUT body (documentation): the whole group; an empty list says nobody lives there."""

    residents = GroupResidentSerializer(many=True)


class GroupInputSerializer(StrictSerializer):
    """PUT body as parsed: the rows go to `capacity.services.group_replace`, which checks
    every field of every row at once and names each as `residents.<row>.<field>`."""

    residents = serializers.ListField(child=serializers.JSONField(), allow_empty=True)


# --- A region's tariffs per intensity band (issue 12, refdata) ----------------------------


class BandTariffRowSerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    tariff_eur_per_day = serializers.DecimalField(max_digits=8, decimal_places=2)


class RegionBandSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="G7 band code, K (lightest) to Z.")
    label = serializers.CharField()
    hours_from = serializers.DecimalField(max_digits=4, decimal_places=2, help_text="Hours of support per day, from.")
    hours_to = serializers.DecimalField(max_digits=4, decimal_places=2)
    tariff_eur_per_day = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="The region's tariff valid today."
    )
    history = BandTariffRowSerializer(many=True, help_text="Every tariff row of the region, newest first.")


class RegionBandsSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="CBS code of the region, e.g. JZ14.")
    day = serializers.DateField(help_text="The day `tariff_eur_per_day` is valid on (today).")
    bands = RegionBandSerializer(many=True)


class BandTariffsInputSerializer(StrictSerializer):
    """The shape only; the rules (dates, amounts, known bands) are the service's and come
    back together in `invalid_params` (`valid_from`, `tariffs.<code>`)."""

    valid_from = serializers.CharField(help_text="First day the new tariffs hold (YYYY-MM-DD).")
    tariffs = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Band code -> euros per day (number or decimal string), e.g. {"K": "600.00"}.',
    )


# Issue 14 (api-push): bulk availability from a provider's system.
BULK_AVAILABILITY_MAX_ITEMS = 200


class AvailabilityBulkRowSerializer(StrictSerializer):
    facility = StrictIntegerField(min_value=1, help_text="Id of one of your own facilities.")
    places_staffed = StrictIntegerField(required=False, min_value=0, max_value=1000)
    occupied_external = StrictIntegerField(required=False, min_value=0, max_value=1000)
    measured_at = serializers.DateTimeField(
        required=False, help_text="When this row's figures were true, if not the call's measured_at."
    )


class AvailabilityBulkInputSerializer(StrictSerializer):
    measured_at = serializers.DateTimeField(
        help_text="The moment the figures were true (ISO 8601 with offset); becomes the confirmation time."
    )
    items = AvailabilityBulkRowSerializer(many=True, min_length=1, max_length=BULK_AVAILABILITY_MAX_ITEMS)


class AvailabilityBulkResultSerializer(serializers.Serializer):
    measured_at = serializers.DateTimeField()
    items = FacilitySerializer(many=True)
