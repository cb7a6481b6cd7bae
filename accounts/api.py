from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, tokens
from accounts.serializers import (
    MeSerializer,
    MunicipalitySerializer,
    RegionSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from core.api import flatten_errors, problem

# Issue 14 (api-core): the codes of accounts.serializers.TokenRequestSerializer that mean
# "these credentials are wrong" (password or the second factor's code): 401.
WRONG_CREDENTIALS = {"authorization", "otp_invalid"}


class TokenView(APIView):
    """POST: exchange a username and password (and, with two-factor authentication, a code)
    for an API token that expires; one per `client`, a new one replaces that client's old
    one. Counted by the lockout. DELETE: revoke the token this request is made with."""

    def _revoking(self):
        return getattr(getattr(self, "request", None), "method", None) == "DELETE"

    def get_authenticators(self):
        # POST needs no token (a stale one in the header must not stand in the way)
        return [TokenAuthentication()] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            params = flatten_errors(serializer.errors)
            if any(p["code"] in WRONG_CREDENTIALS for p in params):
                # Issue 14 (api-core): wrong credentials are a 401, not a 422 (Design Rules)
                return problem(
                    status.HTTP_401_UNAUTHORIZED,
                    _("Niet ingelogd"),
                    _("Gebruikersnaam, wachtwoord of code onjuist."),
                    code="wrong_credentials",
                    invalid_params=params,
                    headers={"WWW-Authenticate": "Token"},
                )
            raise exceptions.ValidationError(serializer.errors)
        instance, token = tokens.token_issue(
            user=serializer.validated_data["user"], client=serializer.validated_data["client"]
        )
        data = {"token": token, "expiry": instance.expiry, "client": instance.client}
        return Response(TokenSerializer(data).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Token ingetrokken")})
    def delete(self, request):
        tokens.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "get_full_name": user.get_full_name(),
            "memberships": selectors.memberships_of(user),
        }
        return Response(MeSerializer(data).data)


class RegionList(generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.region_list()


@extend_schema(parameters=[OpenApiParameter("region", str, description="Only this region's municipalities (code).")])
class MunicipalityList(generics.ListAPIView):
    serializer_class = MunicipalitySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.municipality_list(region_code=self.request.query_params.get("region"))
