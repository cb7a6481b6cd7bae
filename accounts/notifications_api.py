"""Issue 14 point 6: the caller's own in-app notifications in the API.

GET /notifications (newest first, paginated; `unread=true|false`), GET /notifications/{id},
POST /notifications/{id}/read. Every logged-in user, any role; someone else's notification
is a 404."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from core.errors import Invalid
from core.renderers import Pagination

_404 = OpenApiResponse(description="problem+json; not one of the caller's notifications")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="The page of the product the notification is about (may be empty).")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null while unread.")
    count = serializers.IntegerField(help_text="How many messages this item stands for (grouped messages).")


def _unread(params):
    raw = params.get("unread")
    if raw in (None, ""):
        return None
    value = {"true": True, "false": False}.get(str(raw).strip().lower())
    if value is None:
        raise Invalid.field("unread", _("Kies true of false."))
    return value


class NotificationList(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    @extend_schema(
        operation_id="notifications_list",
        summary="List my notifications",
        description="The caller's own in-app notifications, newest first.",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread (true) or read (false).")],
        responses={
            200: NotificationSerializer(many=True),
            400: OpenApiResponse(description="problem+json naming `unread`"),  # issue 14 (api-webhooks): 400
        },
    )
    def get(self, request):
        rows = selectors.notification_list(user=request.user, unread=_unread(request.query_params))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Read one of my notifications", responses={200: NotificationSerializer, 404: _404})
    def get(self, request, pk):
        return Response(NotificationSerializer(selectors.notification_get(user=request.user, pk=pk)).data)


class NotificationRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Mark one of my notifications read",
        description="Idempotent: marking it again keeps the first moment it was read.",
        request=None,
        responses={200: NotificationSerializer, 404: _404},
    )
    def post(self, request, pk):
        notification = selectors.notification_get(user=request.user, pk=pk)
        notification = services.notification_mark_read(user=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)
