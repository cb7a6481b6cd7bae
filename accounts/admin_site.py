"""The Django admin site, reachable only after the second factor (accounts/two_factor.py)."""

from django.contrib import admin

from accounts import two_factor


class TwoFactorAdminSite(admin.AdminSite):
    site_header = "Regie op plaatsing"
    site_title = "Regie op plaatsing"

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.satisfied(request)
