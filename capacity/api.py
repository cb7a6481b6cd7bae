"""Capacity API (/api/v1). Who sees which facility: see `capacity.selectors` (coordinators
and contract managers their regions' and national facilities, providers their own,
administrators all). Writes: availability by the owning provider's staff only; facilities
by administrators (also the role integrations use)."""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.models import Role
from accounts.permissions import HasRole
from capacity import selectors, services
from capacity.filters import FacilityFilter
from capacity.models import Facility
from capacity.serializers import (
    AvailabilityBulkInputSerializer,
    AvailabilityBulkResultSerializer,
    AvailabilityInputSerializer,
    BandTariffsInputSerializer,
    CareTypeSerializer,
    FacilityPatchSerializer,
    FacilitySerializer,
    FacilityWriteSerializer,
    GroupInputDoc,
    GroupInputSerializer,
    GroupSerializer,
    ProviderSerializer,
    RegionBandsSerializer,
    SpecialisationSerializer,
)
from capacity.services.bands import TARIFF_ROLES
from capacity.services.common import facility_lock
from core.api import created
from core.conditional import (
    ETAG_HEADER,
    NOT_MODIFIED,
    PRECONDITION_FAILED,
    conditional_parameters,
    conditional_response,
    precondition_check,
)
from core.errors import NotFound
from core.idempotency import IdempotentMixin


def _facility_or_404(request, pk):
    facility = selectors.facility_get(membership=request.membership, pk=pk)
    if facility is None:
        raise NotFound()
    return facility


class FacilityList(IdempotentMixin, generics.ListAPIView):
    """GET: facilities the user may see, with live availability (filters as on the board).
    POST (administrators): create a facility; its figures are unconfirmed until the
    provider confirms them."""

    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasRole(Role.ADMIN)()]
        return [HasRole(*selectors.READ_ROLES)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Facility.objects.none()
        return selectors.facility_list(membership=self.request.membership)

    @extend_schema(request=FacilityWriteSerializer, responses={201: FacilitySerializer})
    def post(self, request):
        serializer = FacilityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        facility = services.facility_create(by=request.user, **data)
        facility = selectors.facility_get(membership=request.membership, pk=facility.pk)
        return created(request, FacilitySerializer(facility).data, ("api-facility", [facility.pk]))


class FacilityDetail(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [HasRole(Role.ADMIN)()]
        return [HasRole(*selectors.READ_ROLES)()]

    @extend_schema(
        responses={200: FacilitySerializer, 304: NOT_MODIFIED},
        parameters=[*conditional_parameters("GET"), ETAG_HEADER],
    )
    def get(self, request, pk):
        return conditional_response(request, FacilitySerializer(_facility_or_404(request, pk)).data)

    @extend_schema(
        request=FacilityPatchSerializer,
        responses={200: FacilitySerializer, 412: PRECONDITION_FAILED},
        parameters=[*conditional_parameters("PATCH"), ETAG_HEADER],
    )
    def patch(self, request, pk):
        facility = _facility_or_404(request, pk)

        def current():  # as the caller would GET it now, with the row locked
            facility_lock(facility)
            return FacilitySerializer(_facility_or_404(request, pk)).data

        with transaction.atomic():
            precondition_check(request, current)
            serializer = FacilityPatchSerializer(facility, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            services.facility_update(facility=facility, by=request.user, **serializer.validated_data)
        return conditional_response(request, FacilitySerializer(_facility_or_404(request, pk)).data)


class FacilityAvailability(IdempotentMixin, APIView):
    """The owning provider's staff report staffed places and/or youth placed from outside
    the product; with an empty body the current figures are confirmed unchanged."""

    permission_classes = [HasRole(Role.PROVIDER)]

    @extend_schema(
        request=AvailabilityInputSerializer,
        responses={200: FacilitySerializer, 412: PRECONDITION_FAILED},
        parameters=[*conditional_parameters("POST"), ETAG_HEADER],
    )
    def post(self, request, pk):
        facility = _facility_or_404(request, pk)

        def current():  # the facility as the caller would GET it now, row locked
            facility_lock(facility)
            return FacilitySerializer(_facility_or_404(request, pk)).data

        with transaction.atomic():
            precondition_check(request, current)
            serializer = AvailabilityInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.availability_update(facility=facility, by=request.user, **serializer.validated_data)
        return conditional_response(request, FacilitySerializer(_facility_or_404(request, pk)).data)


class AvailabilityBulk(IdempotentMixin, APIView):
    """Issue 14 (api-push): POST /availability, many facilities of a provider's system in
    one call (capacity.services.availability_bulk_update)."""

    permission_classes = [HasRole(Role.PROVIDER)]

    @extend_schema(
        tags=["facilities"],
        summary="Beschikbaarheid van veel locaties tegelijk bijwerken",
        description=(
            "For a provider's own system: the figures of many of the caller's facilities with the moment "
            "they were true (`measured_at`, which becomes each facility's confirmation time). All or nothing "
            "in one transaction: every problem of every row is named in `invalid_params` as "
            "`items.<index>.<field>` and then nothing is stored. A facility that is not yours is "
            "`items.<index>.facility` not found; figures older than the facility's latest recorded change "
            "or in the future are refused (`items.<index>.measured_at`). An omitted figure is confirmed "
            "unchanged. At most 200 rows."
        ),
        request=AvailabilityBulkInputSerializer,
        responses={
            200: AvailabilityBulkResultSerializer,
            400: OpenApiResponse(description="Ongeldige JSON (problem+json)"),
            401: OpenApiResponse(description="Niet ingelogd (problem+json)"),
            403: OpenApiResponse(description="Geen medewerker van een zorgaanbieder (problem+json)"),
            422: OpenApiResponse(description="Rijfouten in invalid_params als items.<n>.<veld>; niets opgeslagen"),
        },
    )
    def post(self, request):
        serializer = AvailabilityBulkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facilities = services.availability_bulk_update(
            provider_rows=data["items"],
            by=request.user,
            measured_at=data["measured_at"],
            visible_facility=lambda pk: selectors.facility_get(membership=request.membership, pk=pk),
        )
        fresh = {
            f.pk: f
            for f in selectors.facility_list(membership=request.membership).filter(pk__in=[f.pk for f in facilities])
        }
        return Response(
            AvailabilityBulkResultSerializer(
                {"measured_at": data["measured_at"], "items": [fresh[f.pk] for f in facilities]}
            ).data
        )


def _group_response(request, pk):
    facility = _facility_or_404(request, pk)
    facility.group_residents = selectors.group_of(facility=facility)
    return Response(GroupSerializer(facility).data)


class FacilityGroup(APIView):
    """The current group of a small home (no names). GET: anyone who may see the
    facility. PUT (the owning provider's staff): replace the whole group; every bad field
    of every row is named at once (`residents.<row>.<field>`) and nothing is written.
    Another organisation's facility: 404."""

    def get_permissions(self):
        if self.request.method == "PUT":
            return [HasRole(Role.PROVIDER)()]
        return [HasRole(*selectors.READ_ROLES)()]

    @extend_schema(responses=GroupSerializer)
    def get(self, request, pk):
        return _group_response(request, pk)

    @extend_schema(request=GroupInputDoc, responses=GroupSerializer)
    def put(self, request, pk):
        facility = _facility_or_404(request, pk)
        serializer = GroupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.group_replace(facility=facility, residents=serializer.validated_data["residents"], by=request.user)
        return _group_response(request, pk)


class ProviderList(generics.ListAPIView):
    serializer_class = ProviderSerializer
    permission_classes = [HasRole(Role.ADMIN, Role.COORDINATOR, Role.CONTRACT_MANAGER)]
    filterset_class = None

    def get_queryset(self):
        return selectors.provider_list()


class CareTypeList(generics.ListAPIView):
    serializer_class = CareTypeSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filterset_class = None

    def get_queryset(self):
        return selectors.care_type_list()


class SpecialisationList(generics.ListAPIView):
    serializer_class = SpecialisationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filterset_class = None

    def get_queryset(self):
        return selectors.specialisation_list()


# --- A region's tariffs per intensity band (issue 12, refdata) ----------------------------


def _region_bands(region) -> dict:
    today = timezone.localdate()
    current = selectors.band_tariffs(region_id=region.pk, day=today)
    history = selectors.band_tariff_history(region_id=region.pk)
    return {
        "region": region.code,
        "day": today,
        "bands": [
            {
                "code": band.code,
                "label": band.label,
                "hours_from": band.hours_from,
                "hours_to": band.hours_to,
                "tariff_eur_per_day": current.get(band.code),
                "history": history.get(band.code, []),
            }
            for band in selectors.band_list()
        ],
    }


class RegionBands(APIView):
    """GET/PUT /api/v1/regions/{code}/bands: the G7 bands with the region's tariffs, for a
    coordinator or contract manager of the region (another region 404, another role 403).
    PUT adds new tariffs from `valid_from` (history kept)."""

    permission_classes = [HasRole(*TARIFF_ROLES)]

    @extend_schema(responses={200: RegionBandsSerializer})
    def get(self, request, code):
        region = account_selectors.region_covered_get(request.membership, code)
        return Response(RegionBandsSerializer(_region_bands(region)).data)

    @extend_schema(
        request=BandTariffsInputSerializer,
        responses={
            200: RegionBandsSerializer,
            422: OpenApiResponse(description="problem+json; `invalid_params` names every refused field"),
        },
    )
    def put(self, request, code):
        region = account_selectors.region_covered_get(request.membership, code)
        serializer = BandTariffsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.band_tariffs_change(
            region=region,
            valid_from=serializer.validated_data["valid_from"],
            tariffs=serializer.validated_data["tariffs"],
            by=request.user,
            membership=request.membership,
        )
        return Response(RegionBandsSerializer(_region_bands(region)).data)
