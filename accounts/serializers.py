from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts import two_factor
from accounts.lockout import note_username
from accounts.models import Membership, Municipality, Region
from core.api import StrictSerializer


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_(
            "Verplicht voor wie met tweestapsverificatie inlogt: de code uit de authenticator-app of een herstelcode."
        ),
    )
    client = serializers.RegexField(
        r"^[A-Za-z0-9._-]{1,64}$",
        required=False,
        default="default",
        help_text=_(
            "Naam van de toepassing die het token gebruikt; een nieuw token voor dezelfde naam vervangt het vorige."
        ),
        error_messages={"invalid": _("Gebruik 1 tot 64 letters, cijfers, punten, streepjes of liggende streepjes.")},
    )

    def validate(self, attrs):
        # django-axes marks the underlying HttpRequest, so its middleware answers a lockout.
        request = getattr(self.context["request"], "_request", self.context["request"])
        note_username(request, attrs["username"])
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": [_("Gebruikersnaam of wachtwoord onjuist.")]}, code="authorization"
            )
        if two_factor.code_needed(user):
            self._second_factor(user, attrs.get("otp_token", ""))
        attrs["user"] = user
        return attrs

    @staticmethod
    def _second_factor(user, code):
        if not two_factor.has_device(user):
            raise serializers.ValidationError(
                {
                    "otp_token": [
                        _(
                            "Stel eerst een authenticator-app in: log in op de website. "
                            "Vraag daarna een token aan met de code uit de app."
                        )
                    ]
                },
                code="otp_not_set_up",
            )
        if not code.strip():
            raise serializers.ValidationError(
                {"otp_token": [_("Vul de code uit uw authenticator-app of een herstelcode in.")]},
                code="otp_required",
            )
        try:
            two_factor.code_check(user, code)
        except two_factor.CodeRefused as refused:
            raise serializers.ValidationError(
                {
                    "otp_token": [
                        _("Te veel verkeerde codes na elkaar. Wacht een paar seconden en probeer het opnieuw.")
                        if refused.throttled
                        else _("Deze code klopt niet.")
                    ]
                },
                code="otp_invalid",
            ) from None


class TokenSerializer(serializers.Serializer):
    """An API token (django-rest-knox): send it as `Authorization: Token <token>` until `expiry`."""

    token = serializers.CharField()
    expiry = serializers.DateTimeField()
    client = serializers.CharField()


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
