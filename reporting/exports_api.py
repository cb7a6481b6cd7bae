"""Issue 14 point 6: exports in the API, like the screen's export button.

POST /exports {report, format, region?, from?, to?, threshold?}: start an export (a Celery
job; 202 with its status). GET /exports/{id}: status and progress. GET
/exports/{id}/download: the file (409 while it is not ready). Contract managers,
coordinators and administrators (reporting.reports.common.READ_ROLES); a user sees only
their own exports (someone else's is a 404); every download is access-logged."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from core.api import StrictSerializer
from core.errors import Conflict, NotFound
from core.idempotency import IdempotentMixin
from reporting import selectors, services
from reporting.models import ExportJob
from reporting.reports.common import MAX_THRESHOLD_DAYS, READ_ROLES, scope_from_params

ExportRequestInput = type(
    "ExportRequestInput",
    (StrictSerializer,),
    {
        "__doc__": "What to export: a report code (as GET /reports/{code}) in CSV or XLSX, with the same "
        "filters as the report.",
        "report": serializers.CharField(max_length=40, help_text="A report code, e.g. unmet-need."),
        "format": serializers.ChoiceField(choices=ExportJob.Format.choices),
        "region": serializers.CharField(
            required=False, max_length=500, help_text="Region code(s), comma separated; default: all you may see."
        ),
        "from": serializers.DateField(required=False, help_text="First day of the period."),
        "to": serializers.DateField(required=False, help_text="Last day of the period."),
        "threshold": serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_THRESHOLD_DAYS, help_text="Unmet need: days that count as long."
        ),
    },
)


class ExportStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report = serializers.CharField()
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    status = serializers.ChoiceField(choices=ExportJob.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent done.")
    params = serializers.DictField(child=serializers.CharField(), help_text="The filters as given.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download = serializers.SerializerMethodField(help_text="Where to fetch the file once `status` is done.")

    def get_download(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return reverse("api-export-download", args=[job.pk])


_404 = OpenApiResponse(description="problem+json; not one of the caller's exports")
_403 = OpenApiResponse(description="problem+json; a role that may not export (or not this report)")


def _params(data) -> dict:
    params = {}
    for name in ("region", "from", "to", "threshold"):
        if data.get(name) not in (None, ""):
            value = data[name]
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return params


class ExportCreate(IdempotentMixin, APIView):
    permission_classes = [HasRole(*READ_ROLES)]

    @extend_schema(
        summary="Start an export",
        description="Builds the report's tables into a CSV or XLSX file with its cover (what the figures "
        "are), in a background job. Poll GET /exports/{id} until `status` is done, then download.",
        request=ExportRequestInput,
        responses={
            202: ExportStatusSerializer,
            403: _403,
            404: OpenApiResponse(description="problem+json; a region the caller does not see"),
            422: OpenApiResponse(description="problem+json naming report, format, region, from, to or threshold"),
        },
    )
    def post(self, request):
        serializer = ExportRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = _params(serializer.validated_data)
        scope_from_params(request.membership, params)  # refuse a bad filter now, not in the worker
        job = services.export_request(
            membership=request.membership,
            report=serializer.validated_data["report"],
            params=params,
            fmt=serializer.validated_data["format"],
            by=request.user,
        )
        return Response(
            ExportStatusSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api-export", args=[job.pk])},
        )


class ExportStatus(APIView):
    permission_classes = [HasRole(*READ_ROLES)]

    @extend_schema(summary="Status of an export", responses={200: ExportStatusSerializer, 403: _403, 404: _404})
    def get(self, request, pk):
        job = selectors.export_get(user=request.user, job_id=pk)
        if job is None:
            raise NotFound()
        return Response(ExportStatusSerializer(job).data)


class ExportDownload(APIView):
    permission_classes = [HasRole(*READ_ROLES)]

    @extend_schema(
        summary="Download an export",
        description="The file of a finished export (CSV or XLSX); the download is access-logged.",
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            403: _403,
            404: _404,
            409: OpenApiResponse(description="problem+json; the export is not finished (or failed)"),
        },
    )
    def get(self, request, pk):
        job = selectors.export_get(user=request.user, job_id=pk)
        if job is None:
            raise NotFound()
        if job.status != ExportJob.Status.DONE:
            raise Conflict(_("De export is nog niet klaar."), code="export_not_ready")
        job = selectors.export_download_get(membership=request.membership, user=request.user, job_id=pk)
        if job is None:
            raise NotFound()
        path = services.export_directory() / job.file_name
        try:
            handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError:
            raise NotFound() from None
        response = FileResponse(handle, as_attachment=True, filename=job.file_name)
        response["Cache-Control"] = "private, no-store"
        return response
