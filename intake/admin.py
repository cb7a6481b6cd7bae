from django.contrib import admin

from core.admin import ReadOnlyAdmin
from intake.models import AnalysisAssignment, Document


@admin.register(AnalysisAssignment)
class AnalysisAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["request", "status", "requested_at", "assigned_to", "completed_at"]
    list_filter = ["status"]
    fields = ["request", "status", "requested_at", "assigned_to", "completed_at", "completed_version"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "size", "uploaded_at", "shareable"]
    list_filter = ["kind", "shareable"]
    fields = ["request", "kind", "size", "sha256", "uploaded_at", "shareable"]
