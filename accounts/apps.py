from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Organisaties en gebruikers")

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the receivers


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that also asks for the second factor."""

    default = False
    default_site = "accounts.admin_site.TwoFactorAdminSite"
