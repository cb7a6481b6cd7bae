"""/api/v1/regions/{code}/settings: the coordination settings of a region.

GET: every member of the region reads them (any role whose memberships see the region;
an administrator any region). PATCH (some settings) and PUT (all of them): a coordinator
of the region or an administrator; another role is a 403, a region the caller does not
see a 404. The rules between settings are the service's (`region_settings_update`)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.models import Role
from accounts.permissions import HasRole
from placement.api.serializers.region_settings import RegionSettingsReplaceSerializer, RegionSettingsSerializer
from placement.services.region_settings import region_settings_update

WRITERS = (Role.COORDINATOR, Role.ADMIN)
_ERRORS = {
    403: OpenApiResponse(description="problem+json; a role that may not change the settings"),
    404: OpenApiResponse(description="problem+json; a region the caller does not see"),
    422: OpenApiResponse(description="problem+json; `invalid_params` names every setting that is refused"),
}


class RegionSettings(APIView):
    def get_permissions(self):
        if self.request.method in ("PATCH", "PUT"):
            return [HasRole(*WRITERS)()]
        return [HasRole(*Role.values)()]

    @extend_schema(
        summary="Read a region's coordination settings",
        description="Offer deadlines, the bounds of a deadline per offer, the crisis dossier term, the "
        "machtiging warning, group fit and the decline policy of one region. Readable by every member "
        "of the region; administrators read any region.",
        responses={200: RegionSettingsSerializer, 404: _ERRORS[404]},
    )
    def get(self, request, code):
        region = account_selectors.region_readable_get(request.membership, code)
        return Response(RegionSettingsSerializer(region).data)

    def _save(self, request, code, serializer_class, partial):
        region = account_selectors.region_readable_get(request.membership, code)
        serializer = serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        region = region_settings_update(
            region=region, changes=dict(serializer.validated_data), by=request.user, membership=request.membership
        )
        return Response(RegionSettingsSerializer(region).data)

    @extend_schema(
        summary="Change some of a region's settings",
        description="Send any subset of the settings; the others stay. Coordinators of the region and "
        "administrators. Every change is recorded as an event with the old and new value.",
        request=RegionSettingsSerializer,
        responses={200: RegionSettingsSerializer, **_ERRORS},
    )
    def patch(self, request, code):
        return self._save(request, code, RegionSettingsSerializer, partial=True)

    @extend_schema(
        summary="Replace all of a region's settings",
        description="Send every setting (a missing one is named in `invalid_params`). Coordinators of the "
        "region and administrators.",
        request=RegionSettingsReplaceSerializer,
        responses={200: RegionSettingsSerializer, **_ERRORS},
    )
    def put(self, request, code):
        return self._save(request, code, RegionSettingsReplaceSerializer, partial=False)
