from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.serializers import (
    MeSerializer,
    MunicipalitySerializer,
    RegionSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for an API token (counted by the lockout)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response(TokenSerializer(token).data, status=status.HTTP_200_OK)


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


class MunicipalityList(generics.ListAPIView):
    serializer_class = MunicipalitySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.municipality_list(region_code=self.request.query_params.get("region"))
