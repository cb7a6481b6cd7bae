"""GET /api/v1/reports/{unmet-need,refusals,transfers,occupancy,waiting-times}?region=&from=&to=

The same tables as the screens and exports, suppressed per role (see reporting.reports.common)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from reporting.registry import build_report
from reporting.reports.common import MAX_THRESHOLD_DAYS, READ_ROLES
from reporting.serializers import ReportSerializer


class ReportView(APIView):
    permission_classes = [HasRole(*READ_ROLES)]
    code = ""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region", OpenApiTypes.STR, description="region code(s), comma separated; default: all you may see"
            ),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first day of the period (default: a year before `to`)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day of the period (default: today)"),
            OpenApiParameter(
                "threshold",
                {"type": "integer", "minimum": 1, "maximum": MAX_THRESHOLD_DAYS},
                description=f"unmet need: days waiting that count as long (1-{MAX_THRESHOLD_DAYS})",
            ),
        ],
        responses={200: ReportSerializer},
    )
    def get(self, request):
        tables = build_report(self.code, membership=request.membership, params=request.query_params)
        return Response(ReportSerializer({"report": self.code, "tables": tables}).data)


def report_view(code):
    return type(f"Report_{code.replace('-', '_')}", (ReportView,), {"code": code}).as_view()
