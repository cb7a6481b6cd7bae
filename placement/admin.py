"""Read-only admin views for support staff. Workflow changes go through the services, so
nothing here can add, change or delete; the BSN is never shown (only whether there is one)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from intake.models import PlacementRequest


@admin.register(PlacementRequest)
class PlacementRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "region", "referrer_organisation", "kind", "urgency", "referral_date"]
    list_filter = ["status", "region", "kind", "urgency"]
    fields = ["status", "region", "referrer_organisation", "kind", "urgency", "referral_date", "outcome", "analysis"]
