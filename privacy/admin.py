from django.contrib import admin

from accounts.admin import AdministratorOnly
from privacy.models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "youth_pseudonymised",
        "documents_deleted",
        "notifications_deleted",
        "outbox_deleted",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
