"""/api/v1/requests: placement requests for referrers, coordinators and behavioural scientists.

Wrong role -> 403 (HasRole); a request outside the caller's scope -> 404 (selector).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.api import created
from core.conditional import (
    ETAG_HEADER,
    NOT_MODIFIED,
    PRECONDITION_FAILED,
    conditional_parameters,
    conditional_response,
    precondition_check,
)
from core.downloads import private_pdf_response
from core.errors import Invalid, NotFound
from core.idempotency import IdempotentMixin
from core.renderers import Pagination
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import WITHDRAW_ACCEPTED_FROM, Status
from intake.services.workflow import request_lock
from placement import services as placement_services
from placement.api.serializers.requests import (
    AnalysisInput,
    AnalysisSerializer,
    DocumentSerializer,
    DocumentUploadInput,
    OwnerInput,
    RequestCreateInput,
    RequestDetailSerializer,
    RequestSerializer,
    RequestUpdateInput,
    TimelineEventSerializer,
    TriageInput,
    WithdrawInput,
)

READERS = (Role.REFERRER, Role.COORDINATOR, Role.BEHAVIOURAL_SCIENTIST)


def _detail(request, placement_request):
    membership = request.membership
    context = {}
    if membership.role == Role.COORDINATOR:
        context["possible_duplicates"] = intake_selectors.request_possible_duplicates(
            placement_request=placement_request, membership=membership
        )
    if membership.role == Role.REFERRER and placement_request.is_editable:
        context["missing"] = intake_services.request_missing_items(placement_request)
    return RequestDetailSerializer(placement_request, context=context).data


def _reload(request, pk):
    return intake_selectors.request_get(membership=request.membership, pk=pk, view="api")


class RequestListCreate(IdempotentMixin, APIView):
    pagination_class = Pagination

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasRole(Role.REFERRER)()]
        return [HasRole(*READERS)()]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Status.values,
                many=True,
                description="Only requests in these statuses (repeat the parameter for more than one).",
            )
        ],
        responses=RequestSerializer(many=True),
    )
    def get(self, request):
        rows = intake_selectors.request_list(
            membership=request.membership, statuses=request.query_params.getlist("status") or None, with_youth=False
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(RequestSerializer(page, many=True).data)

    @extend_schema(request=RequestCreateInput, responses={201: RequestDetailSerializer})
    def post(self, request):
        serializer = RequestCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        previous = None
        if data.get("previous_request"):
            previous = intake_selectors.request_scope(request.membership).filter(pk=data["previous_request"]).first()
            if previous is None:
                raise Invalid.field("previous_request", _("Onbekend verzoek."))
        analysis = None
        if data.get("analysis") is not None:
            analysis = dict(data["analysis"])
            analysis.update(analysis.pop("need_profile", None) or {})
        placement_request = intake_services.request_file(
            by=request.user,
            membership=request.membership,
            youth=data["youth"],
            urgency=data["urgency"],
            kind=data["kind"],
            previous_request=previous,
            wishes=data.get("wishes"),
            analysis=analysis,
            perspective_plan=data.get("perspective_plan"),
            safety_plan=data.get("safety_plan"),
            alternatives=data.get("alternatives"),
        )
        return created(
            request,
            _detail(request, _reload(request, placement_request.pk)),
            ("api-request", [placement_request.pk]),
        )


class RequestDetail(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [HasRole(Role.REFERRER)()]
        return [HasRole(*READERS)()]

    @extend_schema(
        responses={200: RequestDetailSerializer, 304: NOT_MODIFIED},
        parameters=[*conditional_parameters("GET"), ETAG_HEADER],
    )
    def get(self, request, pk):
        return conditional_response(request, _detail(request, _reload(request, pk)))

    @extend_schema(
        request=RequestUpdateInput,
        responses={200: RequestDetailSerializer, 412: PRECONDITION_FAILED},
        parameters=[*conditional_parameters("PATCH"), ETAG_HEADER],
        description="Partial: only the fields sent change (within `youth` too). `perspective_plan`, "
        "`safety_plan` and `alternatives` are replaced as a whole when sent.",
    )
    def patch(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)

        def current():  # as the caller would GET it now, with the row locked (no access log: not shown)
            request_lock(placement_request)
            fresh = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
            return _detail(request, fresh)

        with transaction.atomic():
            precondition_check(request, current)
            serializer = RequestUpdateInput(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            wishes = data.get("wishes") or {}
            intake_services.request_update(
                placement_request=placement_request,
                by=request.user,
                membership=request.membership,
                youth=data.get("youth"),
                urgency=data.get("urgency"),
                wishes_youth=wishes.get("youth"),
                wishes_parents=wishes.get("parents"),
            )
            intake_services.request_content_save(
                placement_request=placement_request,
                by=request.user,
                membership=request.membership,
                perspective_plan=data.get("perspective_plan"),
                safety_plan=data.get("safety_plan"),
                alternatives=data.get("alternatives"),
            )
        return conditional_response(request, _detail(request, _reload(request, pk)))


class RequestAnalysis(APIView):
    """PUT replaces the analysis, PATCH changes some fields; both write a new version."""

    permission_classes = [HasRole(Role.REFERRER, Role.BEHAVIOURAL_SCIENTIST)]

    def _save(self, request, pk, partial):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = AnalysisInput(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = intake_services.analysis_save(
            placement_request=placement_request,
            data=serializer.to_service_data(),
            by=request.user,
            membership=request.membership,
            partial=partial,
            require_need_profile=True,
        )
        return Response(AnalysisSerializer(version).data)

    @extend_schema(
        request=AnalysisInput,
        responses={200: OpenApiResponse(AnalysisSerializer, description="The latest analysis version")},
    )
    def put(self, request, pk):
        return self._save(request, pk, partial=False)

    @extend_schema(
        request=AnalysisInput,
        responses={200: OpenApiResponse(AnalysisSerializer, description="The latest analysis version")},
    )
    def patch(self, request, pk):
        return self._save(request, pk, partial=True)


class RequestDocuments(IdempotentMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [HasRole(Role.REFERRER, Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(
        request={"multipart/form-data": DocumentUploadInput},
        responses={201: OpenApiResponse(DocumentSerializer, description="Document")},
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = DocumentUploadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = intake_services.document_upload(
            placement_request=placement_request,
            upload=serializer.validated_data["file"],
            kind=serializer.validated_data["kind"],
            title=serializer.validated_data.get("title", ""),
            by=request.user,
            membership=request.membership,
        )
        return created(request, DocumentSerializer(document).data, ("api-request-document", [pk, document.pk]))


class RequestDocumentDownload(APIView):
    permission_classes = [HasRole(*READERS)]

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF")})
    def get(self, request, pk, document_id):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        document = intake_selectors.document_get(
            membership=request.membership, placement_request=placement_request, document_id=document_id
        )
        return document_response(document)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Removed; the file is deleted"),
            403: OpenApiResponse(description="problem+json; this role may not remove documents"),
            404: OpenApiResponse(description="problem+json; unknown request or document"),
            409: OpenApiResponse(description="problem+json; the request is no longer editable or an offer was made"),
        }
    )
    def delete(self, request, pk, document_id):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        document = placement_request.documents.filter(pk=document_id).first()
        if document is None:
            raise NotFound()
        intake_services.document_remove(document=document, by=request.user, membership=request.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


def document_response(document):
    return private_pdf_response(document.path, filename=f"{document.title}.pdf")


class RequestSubmit(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.REFERRER)]

    @extend_schema(request=None, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        placement_request = intake_services.request_submit(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
        return Response(RequestSerializer(placement_request).data)


class RequestTriage(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(request=TriageInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = TriageInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement_request = intake_services.request_triage(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            **serializer.validated_data,
        )
        return Response(RequestSerializer(placement_request).data)


class RequestWithdraw(IdempotentMixin, APIView):
    """The referrer withdraws; an accepted request (the place is held) may be withdrawn by
    the referrer or the coordinator, with a reason, and its hold is released."""

    permission_classes = [HasRole(Role.REFERRER, Role.COORDINATOR)]

    @extend_schema(request=WithdrawInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = WithdrawInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        withdraw = (
            placement_services.request_withdraw_accepted
            if placement_request.status in WITHDRAW_ACCEPTED_FROM
            else intake_services.request_withdraw
        )
        placement_request = withdraw(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            reason=serializer.validated_data["reason"],
        )
        return Response(RequestSerializer(placement_request).data)


class RequestOwner(IdempotentMixin, APIView):
    """Who has the request in hand: a coordinator of its region (or nobody)."""

    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(request=OwnerInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = OwnerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement_request = placement_services.request_owner_set(
            placement_request=placement_request,
            owner_id=serializer.validated_data["owner"],
            by=request.user,
            membership=request.membership,
        )
        return Response(RequestSerializer(placement_request).data)


class RequestEvents(APIView):
    permission_classes = [HasRole(*READERS)]

    @extend_schema(
        responses={
            200: OpenApiResponse(TimelineEventSerializer(many=True), description="The request's events, oldest first")
        }
    )
    def get(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        rows = intake_selectors.request_timeline(placement_request=placement_request, membership=request.membership)
        return Response(TimelineEventSerializer(rows, many=True).data)
