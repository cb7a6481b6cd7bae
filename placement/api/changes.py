"""/api/v1/placements/{id}/changes: changes in place of a running placement (issue 11).

Coordinator of the request's region or staff of the placement's provider; anyone else with
another role 403, an outsider 404 (selectors). A change keeps the placement running and
its place occupied; it is not a transfer.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.api import created
from core.idempotency import IdempotentMixin
from placement import selectors, services
from placement.api.serializers.changes import PlacementChangeInput, PlacementChangesSerializer


def _body(membership, pk):
    placement = selectors.placement_get(membership=membership, pk=pk)
    return {"placement": placement, "changes": selectors.placement_changes(placement)}


class PlacementChanges(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(
        operation_id="placements_changes_list",
        responses={200: OpenApiResponse(PlacementChangesSerializer, description="The placement and its changes")},
    )
    def get(self, request, pk):
        return Response(PlacementChangesSerializer(_body(request.membership, pk)).data)

    @extend_schema(
        request=PlacementChangeInput,
        responses={
            201: OpenApiResponse(PlacementChangesSerializer, description="The placement with its new values"),
            409: OpenApiResponse(description="problem+json; the placement is not running (ended)"),
            422: OpenApiResponse(
                description="problem+json naming effective_date, reason, intensity, care_type, legal_status, "
                "machtiging_end_date, or `changes` when nothing changes"
            ),
        },
    )
    def post(self, request, pk):
        placement = selectors.placement_get(membership=request.membership, pk=pk)
        serializer = PlacementChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.placement_change(
            placement=placement, by=request.user, membership=request.membership, **serializer.validated_data
        )
        return created(
            request, PlacementChangesSerializer(_body(request.membership, pk)).data, ("api-placement-changes", [pk])
        )
