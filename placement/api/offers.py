"""/api/v1: matching, offers, waiting and placements.

Wrong role -> 403 (HasRole); an offer, request or placement outside the caller's scope
-> 404 (selectors); nothing changes in either case.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.api import created, problem
from core.errors import Invalid
from core.idempotency import IdempotentMixin
from core.renderers import Pagination
from intake import selectors as intake_selectors
from placement import selectors, services
from placement.api.serializers.offers import (
    AcceptInput,
    CoordinatorOfferSerializer,
    DeclineInput,
    FallThroughInput,
    IntroductionInput,
    MatchingSerializer,
    OfferCreateInput,
    OfferForReader,
    OfferForReaderList,
    OfferWithdrawInput,
    ParkingLiftInput,
    PlacementEndInput,
    PlacementSerializer,
    PlacementStartInput,
    ProviderOfferSerializer,
    WaitInput,
)
from placement.api.serializers.requests import RequestSerializer
from placement.models import OfferStatus


def _offer_response(request, offer, status_code=200):
    """The offer as the caller may see it: the provider gets the anonymised referral and,
    once its organisation accepted, the identity (the selector decides and logs); the
    coordinator also sees the request and the provider."""
    membership = request.membership
    offer = selectors.offer_get(membership=membership, pk=offer.pk)
    if membership.role == Role.PROVIDER:
        identity = selectors.offer_identity(membership=membership, offer=offer)
        return Response(ProviderOfferSerializer(offer, context={"identity": identity}).data, status=status_code)
    return Response(CoordinatorOfferSerializer(offer).data, status=status_code)


def _offer_created(request, offer):
    response = _offer_response(request, offer)
    return created(request, response.data, ("api-offer", [offer.pk]))


class RequestMatches(APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unfitPage",
                int,
                description=f"Page (from 1) of the unfit list, {selectors.UNFIT_PAGE_SIZE} facilities per page with "
                "explanations; the `Link` header names the next and previous pages.",
            )
        ],
        responses={
            200: OpenApiResponse(MatchingSerializer, description="Three lists: available, full, unfit"),
            400: OpenApiResponse(description="problem+json: `unfitPage` is not a page number from 1"),
        },
    )
    def get(self, request, pk):
        placement_request = intake_selectors.request_get(
            membership=request.membership, pk=pk, log=False, documents=False
        )
        # Issue 15 (perf-matching): explanations only for the rows shown; unfit ones a page at a time.
        raw = request.query_params.get("unfitPage", "1")
        if not raw.isdigit() or not 0 < int(raw) < 100_000:
            return problem(
                status.HTTP_400_BAD_REQUEST,
                _("Ongeldige parameter"),
                code="invalid_query",
                invalid_params=[{"name": "unfitPage", "reason": _("Geef een paginanummer vanaf 1.")}],
            )
        result = selectors.matching_for_request(
            membership=request.membership, placement_request=placement_request, unfit_page=int(raw)
        )
        links = [
            f'<{request.build_absolute_uri(request.path)}?unfitPage={page}>; rel="{rel}"'
            for page, rel in ((result.unfit_page - 1, "prev"), (result.unfit_page + 1, "next"))
            if 1 <= page <= result.unfit_pages
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(MatchingSerializer(result, context={"facilities": result.facilities}).data, headers=headers)


class RequestOffers(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        request=OfferCreateInput,
        responses={
            201: OpenApiResponse(CoordinatorOfferSerializer, description="The offer"),
            422: OpenApiResponse(
                description="problem+json; `identifying_data`: one invalid_params entry per finding "
                "(name `texts.<field>`, kind, source, start, end, finding). Send again with "
                "`overrides: [{finding, reason}]` to leave a finding in place (recorded as an event). "
                "`deadline` outside the region's bounds and `document_kinds` without a shareable document "
                "are named in the same invalid_params."
            ),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = OfferCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = services.offer_create(
            placement_request=placement_request,
            facility_id=serializer.validated_data["facility"],
            by=request.user,
            membership=request.membership,
            texts=serializer.validated_data.get("texts"),
            overrides=serializer.validated_data.get("overrides"),
            reoffer_reason=serializer.validated_data.get("reoffer_reason", ""),
            document_kinds=serializer.validated_data.get("document_kinds"),
            deadline=serializer.validated_data.get("deadline"),
        )
        return _offer_created(request, offer)


class RequestParkingLift(IdempotentMixin, APIView):
    """Decline policy: the coordinator lifts the parking of a request early, with a reason
    (422 naming `reason` without one, 409 `not_parked` when it is not parked)."""

    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(request=ParkingLiftInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = ParkingLiftInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        placement_request = services.request_parking_lift(
            placement_request=placement_request,
            reason=serializer.validated_data["reason"],
            by=request.user,
            membership=request.membership,
        )
        return Response(RequestSerializer(placement_request).data)


class OfferList(APIView):
    permission_classes = [HasRole(Role.PROVIDER, Role.COORDINATOR)]
    pagination_class = Pagination

    @extend_schema(
        operation_id="offers_list",
        responses={200: OpenApiResponse(OfferForReaderList, description="Offers the caller may see, newest first")},
    )
    def get(self, request):
        statuses = request.query_params.getlist("status") or None
        if statuses and set(statuses) - set(OfferStatus.values):
            raise Invalid.field("status", "Onbekende status.")
        rows = selectors.offer_list(membership=request.membership, statuses=statuses)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        if request.membership.role == Role.PROVIDER:
            # Lists never carry identities; GET /offers/{id} does, access-logged.
            data = ProviderOfferSerializer(page, many=True, context={"identity": None}).data
        else:
            data = CoordinatorOfferSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class OfferDetail(APIView):
    permission_classes = [HasRole(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(responses={200: OpenApiResponse(OfferForReader, description="The offer")})
    def get(self, request, pk):
        return _offer_response(request, selectors.offer_get(membership=request.membership, pk=pk))


class OfferAccept(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.PROVIDER)]

    @extend_schema(
        request=AcceptInput,
        responses={
            200: OpenApiResponse(ProviderOfferSerializer, description="The accepted offer, with identity"),
            422: OpenApiResponse(description="problem+json; the availability is stale and not confirmed"),
        },
    )
    def post(self, request, pk):
        offer = selectors.offer_to_answer(membership=request.membership, pk=pk)
        serializer = AcceptInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        services.offer_accept(offer=offer, by=request.user, membership=request.membership, **serializer.validated_data)
        return _offer_response(request, offer)


class OfferDecline(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.PROVIDER)]

    @extend_schema(
        request=DeclineInput,
        responses={200: OpenApiResponse(ProviderOfferSerializer, description="The declined offer")},
    )
    def post(self, request, pk):
        offer = selectors.offer_to_answer(membership=request.membership, pk=pk)
        serializer = DeclineInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.offer_decline(offer=offer, by=request.user, membership=request.membership, **serializer.validated_data)
        return _offer_response(request, offer)


class OfferWithdraw(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        request=OfferWithdrawInput,
        responses={200: OpenApiResponse(CoordinatorOfferSerializer, description="The withdrawn offer")},
    )
    def post(self, request, pk):
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        serializer = OfferWithdrawInput(data=request.data or {"reason": ""})
        serializer.is_valid(raise_exception=True)
        services.offer_withdraw(
            offer=offer, by=request.user, membership=request.membership, reason=serializer.validated_data["reason"]
        )
        return _offer_response(request, offer)


class OfferIntroduction(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(
        request=IntroductionInput,
        responses={
            200: OpenApiResponse(OfferForReader, description="The offer with its introduction visit"),
            409: OpenApiResponse(description="problem+json; the offer is not (or no longer) accepted"),
            422: OpenApiResponse(description="problem+json naming `date` and/or `outcome`"),
        },
    )
    def post(self, request, pk):
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        serializer = IntroductionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.offer_introduction_record(
            offer=offer,
            introduction_date=data["date"],
            outcome=data["outcome"],
            note=data["note"],
            by=request.user,
            membership=request.membership,
        )
        return _offer_response(request, offer)


class OfferFallThrough(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(
        request=FallThroughInput,
        responses={
            200: OpenApiResponse(OfferForReader, description="The fallen-through offer; the request is in matching"),
            403: OpenApiResponse(description="problem+json; provider staff recording another party's refusal"),
            409: OpenApiResponse(description="problem+json; the offer is not accepted or the placement started"),
            422: OpenApiResponse(description="problem+json naming party, reason_code and/or motivation"),
        },
    )
    def post(self, request, pk):
        offer = selectors.offer_get(membership=request.membership, pk=pk)
        serializer = FallThroughInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.offer_fall_through(
            offer=offer, by=request.user, membership=request.membership, **serializer.validated_data
        )
        return _offer_response(request, offer)


class RequestWait(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(request=WaitInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = WaitInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        care = serializer.validated_data["bridging_care"]
        services.request_wait(
            placement_request=placement_request,
            reason=serializer.validated_data["reason"],
            bridging_care=care["what"],
            bridging_provider=care["by"],
            bridging_from=care["since"],
            by=request.user,
            membership=request.membership,
        )
        placement_request.refresh_from_db()
        return Response(RequestSerializer(placement_request).data)


class RequestPlacement(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(
        request=PlacementStartInput, responses={201: OpenApiResponse(PlacementSerializer, description="The placement")}
    )
    def post(self, request, pk):
        placement_request = selectors.request_for_placement(membership=request.membership, pk=pk)
        serializer = PlacementStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = services.placement_start(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            **serializer.validated_data,
        )
        return created(
            request,
            PlacementSerializer(placement).data,
            ("api-placement", [placement.pk]),
            ("api-placement-changes", [placement.pk]),
        )


class PlacementEnd(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR, Role.PROVIDER)]

    @extend_schema(
        request=PlacementEndInput,
        responses={200: OpenApiResponse(PlacementSerializer, description="The ended placement")},
    )
    def post(self, request, pk):
        placement = selectors.placement_get(membership=request.membership, pk=pk)
        serializer = PlacementEndInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = services.placement_end(
            placement=placement, by=request.user, membership=request.membership, **serializer.validated_data
        )
        placement = selectors.placement_get(membership=request.membership, pk=placement.pk)
        return Response(PlacementSerializer(placement).data)
