from django.contrib import admin

from analyses.models import AnalysisAssignment, Document
from core.admin import ReadOnlyAdmin


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
