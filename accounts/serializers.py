from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Membership, Municipality, Region
from core.api import StrictSerializer


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        # django-axes marks the underlying HttpRequest, so its middleware answers a lockout.
        request = getattr(self.context["request"], "_request", self.context["request"])
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": [_("Gebruikersnaam of wachtwoord onjuist.")]}, code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    """An API token (rest_framework.authtoken's Token): send it as `Authorization: Token <token>`."""

    token = serializers.CharField(source="key")


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "freshness_days", "offer_response_working_days"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "code", "name", "region", "latitude", "longitude"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["role", "organisation", "organisation_kind", "regions"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    memberships = MembershipSerializer(many=True)
