"""Issue 11 API: help from the behavioural-scientist pool before submission, and records
of the expert table.

- POST /requests/{id}/analysis-help (referrer): ask the region's pool for help with a draft;
- GET /assignments, GET /assignments/waiting (behavioural scientist): the pool's list,
  waiting first and oldest first, and its waiting figures;
- POST /assignments/{id}/accept, /assignments/{id}/complete (behavioural scientist);
- POST /requests/{id}/expert-table-meetings (coordinator): record a meeting; its decision
  moves the request.

Wrong role -> 403 (HasRole); a request or assignment outside the caller's scope -> 404.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.api import created
from core.idempotency import IdempotentMixin
from intake import selectors as intake_selectors
from intake import services as intake_services
from placement.api.serializers.pool import (
    AssignmentCompleteInput,
    AssignmentSerializer,
    DraftHelpInput,
    ExpertTableMeetingInput,
    ExpertTableMeetingSerializer,
    PoolWaitingSerializer,
)


class RequestAnalysisHelp(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.REFERRER)]

    @extend_schema(
        request=DraftHelpInput,
        responses={
            201: OpenApiResponse(AssignmentSerializer, description="The request for help, open for the pool"),
            403: OpenApiResponse(description="problem+json; not a referrer"),
            404: OpenApiResponse(description="problem+json; not a request of the caller's organisation"),
            409: OpenApiResponse(
                description="problem+json; not a draft, its analysis is complete, or help is already asked"
            ),
            422: OpenApiResponse(description="problem+json naming question"),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = DraftHelpInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = intake_services.draft_help_request(
            placement_request=placement_request,
            question=serializer.validated_data["question"],
            by=request.user,
            membership=request.membership,
        )
        return created(
            request,
            AssignmentSerializer(assignment).data,
            ("api-assignment", [assignment.pk]),
            ("api-assignments", []),
        )


class AssignmentList(APIView):
    permission_classes = [HasRole(Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(responses=AssignmentSerializer(many=True))
    def get(self, request):
        rows = intake_selectors.assignment_list(membership=request.membership)
        return Response(AssignmentSerializer(rows, many=True).data)


class AssignmentWaiting(APIView):
    permission_classes = [HasRole(Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(responses=PoolWaitingSerializer)
    def get(self, request):
        return Response(PoolWaitingSerializer(intake_selectors.pool_waiting(membership=request.membership)).data)


def _assignment_response(request, pk):
    return Response(AssignmentSerializer(intake_selectors.assignment_get(membership=request.membership, pk=pk)).data)


class AssignmentAccept(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(AssignmentSerializer, description="Taken: the dossier opens to the caller"),
            404: OpenApiResponse(description="problem+json; not an assignment of the caller's pool"),
            409: OpenApiResponse(description="problem+json; already taken or ended"),
        },
    )
    def post(self, request, pk):
        assignment = intake_selectors.assignment_get(membership=request.membership, pk=pk)
        intake_services.assignment_accept(assignment=assignment, by=request.user, membership=request.membership)
        return _assignment_response(request, pk)


class AssignmentComplete(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.BEHAVIOURAL_SCIENTIST)]

    @extend_schema(
        request=AssignmentCompleteInput,
        responses={
            200: OpenApiResponse(AssignmentSerializer, description="Completed with the latest analysis version"),
            404: OpenApiResponse(description="problem+json; not an assignment of the caller"),
            409: OpenApiResponse(description="problem+json; not taken by the caller"),
            422: OpenApiResponse(description="problem+json naming analysis (no version written yet)"),
        },
    )
    def post(self, request, pk):
        assignment = intake_selectors.assignment_get(membership=request.membership, pk=pk)
        serializer = AssignmentCompleteInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        assignment = intake_services.assignment_complete(
            assignment=assignment, by=request.user, membership=request.membership, **serializer.validated_data
        )
        # Completed: the assignment leaves the scientist's scope; answer with the row itself.
        return Response(AssignmentSerializer(assignment).data)


class RequestExpertTableMeetings(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        request=ExpertTableMeetingInput,
        responses={
            201: OpenApiResponse(
                ExpertTableMeetingSerializer, description="The meeting; its decision moved the request"
            ),
            403: OpenApiResponse(description="problem+json; not a coordinator"),
            404: OpenApiResponse(description="problem+json; not a request of the caller's region"),
            409: OpenApiResponse(description="problem+json; the request is not at the expert table"),
            422: OpenApiResponse(
                description=(
                    "problem+json naming held_on, participants.<n>.role, participants.<n>.organisation, "
                    "advice, decision, motivation and/or outcome (all at once)"
                )
            ),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = ExpertTableMeetingInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = intake_services.expert_table_meeting_record(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            **serializer.validated_data,
        )
        return created(
            request,
            ExpertTableMeetingSerializer(meeting).data,
            ("api-request-expert-table-meeting", [pk, meeting.pk]),
            ("api-request-expert-table-meetings", [pk]),
        )
