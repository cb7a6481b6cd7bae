"""API shapes of contracts (issue 12 point 2): read only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.models import Contract, ContractTariff, FundingForm
from core.api import StrictSerializer


class ContractTariffSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractTariff
        fields = ["band", "day_tariff"]


class ContractSerializer(serializers.ModelSerializer):
    provider = serializers.SerializerMethodField()
    region = serializers.CharField(source="region.code")
    facility = serializers.IntegerField(source="facility_id", allow_null=True)
    care_type = serializers.CharField(source="care_type.code", allow_null=True, default=None)
    tariffs = ContractTariffSerializer(many=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "provider",
            "region",
            "facility",
            "care_type",
            "reference",
            "start_date",
            "end_date",
            "funding_form",
            "places_contracted",
            "day_tariff",
            "guaranteed_places",
            "budget",
            "tariffs",
            "notes",
            "version",
        ]

    def get_provider(self, contract) -> dict:
        return {"id": contract.provider_id, "name": contract.provider.name}


class ContractFilterSerializer(StrictSerializer):
    """The query of GET /contracts; an unknown or bad parameter is a 400 naming it."""

    provider = serializers.IntegerField(required=False, min_value=1)
    funding_form = serializers.ChoiceField(choices=FundingForm.choices, required=False)
    active_on = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)

    def validate_active_on(self, value):
        if not 1900 <= value.year <= 2200:
            raise serializers.ValidationError(_("Kies een datum tussen 1900 en 2200."))
        return value
