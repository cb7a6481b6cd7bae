"""/api/v1/regions/{code}/settings: the coordination settings of a region the caller
coordinates. Another region is a 404, another role a 403."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.models import Role
from accounts.permissions import HasRole
from placement.api.serializers.region_settings import RegionSettingsSerializer
from placement.services.region_settings import region_settings_update


class RegionSettings(APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(responses={200: RegionSettingsSerializer})
    def get(self, request, code):
        region = account_selectors.region_covered_get(request.membership, code)
        return Response(RegionSettingsSerializer(region).data)

    @extend_schema(
        request=RegionSettingsSerializer,
        responses={
            200: RegionSettingsSerializer,
            422: OpenApiResponse(description="problem+json; `invalid_params` names every setting that is refused"),
        },
    )
    def patch(self, request, code):
        region = account_selectors.region_covered_get(request.membership, code)
        serializer = RegionSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        region = region_settings_update(
            region=region, changes=dict(serializer.validated_data), by=request.user, membership=request.membership
        )
        return Response(RegionSettingsSerializer(region).data)
