from django.contrib import admin

from core.models import AccessLogEntry, Event, Notification, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "event_type", "subject_type", "subject_id", "actor", "from_state", "to_state"]
    list_filter = ["event_type", "subject_type"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = [
        "accessed_at",
        "user",
        "role",
        "organisation",
        "subject_type",
        "subject_id",
        "purpose",
        "action",
        "outcome",
        "source_address",
    ]
    list_filter = ["action", "outcome", "purpose", "role"]


@admin.register(OutboxMessage)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "subject", "read_at"]
