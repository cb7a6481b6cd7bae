from django.contrib import admin

from accounts.admin import AdministratorOnly
from core.admin import ReadOnlyAdmin
from privacy.models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(AdministratorOnly, ReadOnlyAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "youth_pseudonymised",
        "documents_deleted",
        "notifications_deleted",
        "outbox_deleted",
    )
