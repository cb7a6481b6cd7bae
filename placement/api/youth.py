"""/api/v1: one youth across requests (issue 11 point 3).

POST requests/{id}/youth/link and requests/{id}/youth/unlink (referrer of the own
organisation, coordinator of the region), GET youth/{id}. Wrong role (provider, anyone
else) -> 403; a request or youth outside the caller's scope, or a target request the
caller may not see -> 404; nothing changes in either case. Field errors -> 422
problem+json naming `target_request` and/or `reason`.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.idempotency import IdempotentMixin
from intake import selectors as intake_selectors
from placement import selectors, services
from placement.api.serializers.youth import (
    YouthAcrossRequestsSerializer,
    YouthLinkInput,
    YouthLinkResult,
    YouthUnlinkInput,
)

ROLES = (Role.REFERRER, Role.COORDINATOR)


class RequestYouthLink(IdempotentMixin, APIView):
    permission_classes = [HasRole(*ROLES)]

    @extend_schema(
        request=YouthLinkInput,
        responses={
            200: OpenApiResponse(YouthLinkResult, description="The request now has the target request's youth"),
            403: OpenApiResponse(description="problem+json; not a referrer or coordinator"),
            404: OpenApiResponse(description="problem+json; the request or the target request is not yours to see"),
            422: OpenApiResponse(description="problem+json naming target_request and/or reason"),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = YouthLinkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement_request = services.youth_link(
            placement_request=placement_request,
            target=serializer.validated_data["target_request"],
            reason=serializer.validated_data["reason"],
            by=request.user,
            membership=request.membership,
        )
        return Response(YouthLinkResult(placement_request).data)


class RequestYouthUnlink(IdempotentMixin, APIView):
    permission_classes = [HasRole(*ROLES)]

    @extend_schema(
        request=YouthUnlinkInput,
        responses={
            200: OpenApiResponse(YouthLinkResult, description="The request has its own copy of the youth"),
            403: OpenApiResponse(description="problem+json; not a referrer or coordinator"),
            404: OpenApiResponse(description="problem+json; the request is not yours to see"),
            409: OpenApiResponse(description="problem+json; the request's youth is not shared with another request"),
            422: OpenApiResponse(description="problem+json naming reason"),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = YouthUnlinkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement_request = services.youth_unlink(
            placement_request=placement_request,
            reason=serializer.validated_data["reason"],
            by=request.user,
            membership=request.membership,
        )
        return Response(YouthLinkResult(placement_request).data)


class YouthDetail(APIView):
    permission_classes = [HasRole(*ROLES)]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                YouthAcrossRequestsSerializer, description="The youth's requests, counts and timeline"
            ),
            403: OpenApiResponse(description="problem+json; not a referrer or coordinator"),
            404: OpenApiResponse(description="problem+json; no request of this youth is yours to see"),
        }
    )
    def get(self, request, pk):
        page = selectors.youth_page(membership=request.membership, pk=pk)
        return Response(YouthAcrossRequestsSerializer(page).data)
