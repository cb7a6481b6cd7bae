"""Issue 14 point 6: the placement resources integrators missed.

- GET /placements, GET /placements/{id}: provider staff (their own facilities),
  coordinators (their region), referrers (their organisation's requests). Lists carry no
  identifying data; the detail carries the youth's identity, access-logged;
- GET /transfers, GET /transfers/{id}: the transfers of the placements the caller sees;
- GET/PUT /offers/{id}/documents: which of the request's shareable documents go with an
  offer (coordinator of the region; PUT while the provider has not answered);
- POST /requests/{id}/resume-matching: end a waiting period and return the request to
  matching (coordinator), the same service as the screen's "resume" button;
- GET /assignments/{id}: one behavioural-scientist assignment.

Wrong role -> 403 (HasRole); someone else's object -> 404 (selectors); nothing changes
in either case. Bad filters -> 400 problem+json naming each parameter.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.idempotency import IdempotentMixin
from core.renderers import Pagination
from intake import selectors as intake_selectors
from placement import selectors, services
from placement.api.serializers.pool import AssignmentSerializer
from placement.api.serializers.requests import RequestSerializer
from placement.api.serializers.resources import (
    OfferDocumentsInput,
    OfferDocumentsSerializer,
    PlacementDetailSerializer,
    PlacementListItemSerializer,
    TransferSerializer,
)
from placement.referral import shareable_documents
from placement.selectors.placements import PLACEMENT_STATUSES

PLACEMENT_READERS = (Role.PROVIDER, Role.COORDINATOR, Role.REFERRER)


def _problem(description):
    return OpenApiResponse(description=f"problem+json; {description}")


ERR_403 = _problem("the caller's role may not use this operation")
ERR_404 = _problem("not found, or outside the caller's scope (the same answer for both)")
ERR_409 = _problem("the object is not in a state that allows this")
ERR_400_FILTERS = _problem("`invalid_params` names every query parameter that is refused")

_ID_FILTERS = [
    OpenApiParameter("facility", OpenApiTypes.INT, description="Only at this facility (id)."),
    OpenApiParameter("provider", OpenApiTypes.INT, description="Only of this provider organisation (id)."),
]
PLACEMENT_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(PLACEMENT_STATUSES)),
    *_ID_FILTERS,
    OpenApiParameter("from", OpenApiTypes.DATE, description="Ran on or after this day (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Started on or before this day (YYYY-MM-DD)."),
]
TRANSFER_FILTERS = [
    *_ID_FILTERS,
    OpenApiParameter("from", OpenApiTypes.DATE, description="Made on or after this day (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Made on or before this day (YYYY-MM-DD)."),
]


def _paginated(view, request, rows, serializer_class):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class PlacementList(APIView):
    permission_classes = [HasRole(*PLACEMENT_READERS)]
    pagination_class = Pagination

    @extend_schema(
        operation_id="placements_list",
        summary="List placements",
        description="The placements the caller may see, newest start first: provider staff those at their "
        "organisation's facilities, coordinators those of their region(s), referrers those of their "
        "organisation's requests. No identifying data (see the detail).",
        parameters=PLACEMENT_FILTERS,
        responses={200: PlacementListItemSerializer(many=True), 403: ERR_403, 400: ERR_400_FILTERS},
    )
    def get(self, request):
        filters = selectors.list_filters_parse(request.query_params)
        rows = selectors.placement_list(membership=request.membership, filters=filters)
        return _paginated(self, request, rows, PlacementListItemSerializer)


class PlacementDetail(APIView):
    permission_classes = [HasRole(*PLACEMENT_READERS)]

    @extend_schema(
        summary="Read one placement",
        description="The placement with the school, handover, transport and funding and the youth's "
        "identity. Every read is written to the access log (who, for whom, why).",
        responses={200: PlacementDetailSerializer, 403: ERR_403, 404: ERR_404},
    )
    def get(self, request, pk):
        placement = selectors.placement_read(membership=request.membership, pk=pk)
        identity = selectors.placement_identity(membership=request.membership, placement=placement)
        return Response(PlacementDetailSerializer(placement, context={"identity": identity}).data)


class TransferList(APIView):
    permission_classes = [HasRole(*PLACEMENT_READERS)]
    pagination_class = Pagination

    @extend_schema(
        operation_id="transfers_list",
        summary="List transfers",
        description="Transfers (doorplaatsingen) of the placements the caller may see, newest first.",
        parameters=TRANSFER_FILTERS,
        responses={200: TransferSerializer(many=True), 403: ERR_403, 400: ERR_400_FILTERS},
    )
    def get(self, request):
        filters = selectors.list_filters_parse(request.query_params, statuses=())
        rows = selectors.transfer_list(membership=request.membership, filters=filters)
        return _paginated(self, request, rows, TransferSerializer)


class TransferDetail(APIView):
    permission_classes = [HasRole(*PLACEMENT_READERS)]

    @extend_schema(
        summary="Read one transfer",
        description="The ended placement and the new request made for the youth's next place.",
        responses={200: TransferSerializer, 403: ERR_403, 404: ERR_404},
    )
    def get(self, request, pk):
        return Response(TransferSerializer(selectors.transfer_get(membership=request.membership, pk=pk)).data)


def _offer_documents(offer):
    chosen = {d["id"] for d in offer.referral.get("documents", [])}
    documents = shareable_documents(offer.request)
    return {
        "offer": offer.pk,
        "editable": services.offer_documents_editable(offer),
        "document_kinds": sorted({d["kind"] for d in offer.referral.get("documents", [])}),
        "documents": [
            {"id": d.pk, "kind": d.kind, "title": d.title, "uploaded_at": d.uploaded_at, "included": d.pk in chosen}
            for d in documents
        ],
    }


class OfferDocuments(APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        summary="Documents that go with an offer",
        description="The request's shareable documents and which of them go with this offer. The provider "
        "sees the kinds before it answers and can open the files only after it accepts.",
        responses={200: OfferDocumentsSerializer, 403: ERR_403, 404: ERR_404},
    )
    def get(self, request, pk):
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        return Response(OfferDocumentsSerializer(_offer_documents(offer)).data)

    @extend_schema(
        summary="Choose the documents that go with an offer",
        description="Replace the kinds of shareable documents that go with the offer, while the provider "
        "has not answered (409 `offer_answered` after). Recorded as an event.",
        request=OfferDocumentsInput,
        responses={
            200: OfferDocumentsSerializer,
            403: ERR_403,
            404: ERR_404,
            409: ERR_409,
            422: _problem("`document_kinds` names a kind without a shareable document, or an unknown kind"),
        },
    )
    def put(self, request, pk):
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        serializer = OfferDocumentsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.offer_documents_set(
            offer=offer,
            document_kinds=serializer.validated_data["document_kinds"],
            by=request.user,
            membership=request.membership,
        )
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        return Response(OfferDocumentsSerializer(_offer_documents(offer)).data)


class RequestResumeMatching(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        summary="Resume matching of a waiting request",
        description="End the request's waiting period (vertraagd) and return it to matching; the same "
        "action as the screen's button. Only from waiting (409 otherwise).",
        request=None,
        responses={200: RequestSerializer, 403: ERR_403, 404: ERR_404, 409: ERR_409},
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        services.request_resume_matching(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
        placement_request.refresh_from_db()
        return Response(RequestSerializer(placement_request).data)


class AssignmentDetail(APIView):
    permission_classes = [HasRole(Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(
        summary="Read one assignment",
        description="A request for help of the caller's pool: open ones of the caller's regions and the "
        "ones the caller took, while active. No identifying data.",
        responses={200: AssignmentSerializer, 403: ERR_403, 404: ERR_404},
    )
    def get(self, request, pk):
        return Response(
            AssignmentSerializer(intake_selectors.assignment_get(membership=request.membership, pk=pk)).data
        )
