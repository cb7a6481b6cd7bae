"""POST /api/v1/reports/quarterly {"region", "year", "quarter"}: ask for a region's
quarterly report (202; built by a Celery task; asking again returns the same report).
GET /api/v1/reports/quarterly: the reports of the caller's regions (issue 14).
GET /api/v1/reports/quarterly/{id}: its status and progress.
GET /api/v1/reports/quarterly/{id}/pdf, .../xlsx: the report as a file (issue 14; `lang`
nl or en, else the reader's language; 409 while it is not built; access-logged).
Contract managers of the region only; bad input is problem+json naming every bad field."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.access_log import Action
from core.errors import Conflict, NotFound
from core.idempotency import IdempotentMixin
from core.renderers import Pagination
from core.schema_fields import coded
from reporting import quarterly_render, selectors, services
from reporting.models import QuarterlyReport


def _body(report) -> dict:
    return {
        "id": report.pk,
        "region": report.region.code,
        "year": report.year,
        "quarter": report.quarter,
        "status": report.status,
        "progress": report.progress,
        "published": report.published_at is not None,
        "url": reverse("reporting:quarterly-page", args=[report.pk]),
    }


QUARTERLY_STATUS = inline_serializer(
    "QuarterlyReportStatus",
    {
        "id": serializers.IntegerField(),
        "region": serializers.CharField(),
        "year": serializers.IntegerField(),
        "quarter": serializers.IntegerField(),
        "status": coded(QuarterlyReport.Status.choices),
        "progress": serializers.IntegerField(),
        "published": serializers.BooleanField(),
        "url": serializers.CharField(),
    },
)


QUARTERLY_STATUS_LIST = type(QUARTERLY_STATUS)(many=True)
_403 = OpenApiResponse(description="problem+json; not a contract manager")
_404 = OpenApiResponse(description="problem+json; not a report of the caller's regions")


class QuarterlyRequestView(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.CONTRACT_MANAGER)]
    pagination_class = Pagination

    @extend_schema(
        operation_id="reports_quarterly_list",
        summary="List quarterly reports",
        description="The quarterly reports of the caller's regions, newest quarter first, with status.",
        responses={200: QUARTERLY_STATUS_LIST, 403: _403},
    )
    def get(self, request):
        rows = selectors.quarterly_list(membership=request.membership)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([_body(report) for report in page])

    @extend_schema(
        request=inline_serializer(
            "QuarterlyReportRequest",
            {
                "region": serializers.CharField(),
                "year": serializers.IntegerField(),
                "quarter": serializers.IntegerField(),
            },
        ),
        responses={202: QUARTERLY_STATUS},
    )
    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        report = services.quarterly_request(
            membership=request.membership,
            region=data.get("region", ""),
            year=data.get("year", ""),
            quarter=data.get("quarter", ""),
            by=request.user,
        )
        return Response(_body(report), status=status.HTTP_202_ACCEPTED)


class QuarterlyStatusView(APIView):
    permission_classes = [HasRole(Role.CONTRACT_MANAGER)]

    @extend_schema(responses={200: QUARTERLY_STATUS})
    def get(self, request, pk):
        report = selectors.quarterly_get(membership=request.membership, pk=pk)
        if report is None:
            raise NotFound()
        return Response(_body(report))


# --- Issue 14 (api-resources): the report as a file -------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(request, pk, ext):
    report = selectors.quarterly_get(membership=request.membership, pk=pk)
    if report is None:
        raise NotFound()
    if report.status != report.Status.DONE:
        raise Conflict(_("De kwartaalrapportage is nog niet klaar."), code="report_not_ready")
    report = selectors.quarterly_get(membership=request.membership, pk=pk, action=Action.DOWNLOAD)
    lang = quarterly_render.reader_language(request)
    if ext == "pdf":
        content, content_type = quarterly_render.render_pdf(report, lang), "application/pdf"
    else:
        content, content_type = quarterly_render.render_xlsx(report, lang), XLSX
    response = HttpResponse(content, content_type=content_type)
    name = f"kwartaalrapportage-{report.region.code}-{report.year}-Q{report.quarter}-{lang}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


_LANG = OpenApiParameter("lang", OpenApiTypes.STR, enum=["nl", "en"], description="Default: the reader's language.")
_NOT_READY = OpenApiResponse(description="problem+json; the report is not built yet (or failed)")


class QuarterlyPdfView(APIView):
    permission_classes = [HasRole(Role.CONTRACT_MANAGER)]

    @extend_schema(
        summary="Download a quarterly report as PDF",
        description="The report with the region's commentary, as published or as the current draft.",
        parameters=[_LANG],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 403: _403, 404: _404, 409: _NOT_READY},
    )
    def get(self, request, pk):
        return _download(request, pk, "pdf")


class QuarterlyXlsxView(APIView):
    permission_classes = [HasRole(Role.CONTRACT_MANAGER)]

    @extend_schema(
        summary="Download a quarterly report as XLSX",
        description="The report's tables with the region's commentary, one sheet per section.",
        parameters=[_LANG],
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: _403, 404: _404, 409: _NOT_READY},
    )
    def get(self, request, pk):
        return _download(request, pk, "xlsx")
