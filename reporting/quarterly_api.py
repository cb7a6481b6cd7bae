"""POST /api/v1/reports/quarterly {"region", "year", "quarter"}: ask for a region's
quarterly report (202; built by a Celery task; asking again returns the same report).
GET /api/v1/reports/quarterly/{id}: its status and progress. Contract managers of the
region only; bad input is problem+json naming every bad field."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.errors import NotFound
from core.schema_fields import coded
from reporting import selectors, services
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


class QuarterlyRequestView(APIView):
    permission_classes = [HasRole(Role.CONTRACT_MANAGER)]

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
