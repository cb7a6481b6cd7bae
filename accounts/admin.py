"""The Django admin for accounts. Every write goes through `accounts.services` (events,
four-eyes): privileges are never granted here. Memberships are read-only (a new role, a
re-activated membership or more regions is requested on the product's page
`/administration/role-grants/` and approved by a second administrator); a user's staff,
superuser, group and permission fields are read-only; saving an organisation or a user
calls the service that writes the event. Only users with an active administrator
membership may use these pages (being a Django superuser is not enough)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import Membership, Municipality, OidcConfiguration, Organisation, Region, RoleGrantRequest, User
from accounts.oidc import configuration_save as oidc_configuration_save
from accounts.selectors import is_administrator
from core.admin import ReadOnlyAdmin
from core.errors import DomainError

# Roles are memberships; Django groups and permissions are not used and would be a way
# around four-eyes.
admin.site.unregister(Group)


class AdministratorOnly:
    """Only product administrators see and change these models in the Django admin."""

    def has_module_permission(self, request):
        return is_administrator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_administrator(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)


class MembershipInline(admin.TabularInline):
    """Shown on the user page for reading only; grants go through four-eyes."""

    model = Membership
    extra = 0
    fields = ["organisation", "role", "region_names", "is_active"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=gettext_lazy("jeugdregio's"))
    def region_names(self, obj):
        return ", ".join(region.name for region in obj.regions.all())

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AdministratorOnly, BaseUserAdmin):
    inlines = [MembershipInline]
    readonly_fields = ["is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        services.user_save(user=obj, by=request.user, changed=list(form.changed_data))

    def save_related(self, request, form, formsets, change):
        """Nothing related is written here: memberships are read-only, groups and
        permissions are not used."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            return False  # the service refuses it; the admin does not offer it
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.user_delete(user=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            services.user_delete(user=user, by=request.user)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "freshness_days", "offer_response_working_days"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "referrer_code", "agb_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "agb_code"]
    filter_horizontal = ["regions"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class OrganisationForm(form):
            def clean(self):
                cleaned = super().clean()
                if "kind" in cleaned:
                    try:
                        services.organisation_kind_check(self.instance, cleaned["kind"])
                    except DomainError as error:
                        for param in error.invalid_params:
                            self.add_error(param["name"], param["reason"])
                return cleaned

        return OrganisationForm

    def save_model(self, request, obj, form, change):
        """Written in `save_related`, together with the regions, by the service."""

    def save_related(self, request, form, formsets, change):
        services.organisation_save(
            organisation=form.instance,
            by=request.user,
            changed=list(form.changed_data),
            regions=form.cleaned_data.get("regions"),
        )

    def delete_model(self, request, obj):
        services.organisation_delete(organisation=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            services.organisation_delete(organisation=organisation, by=request.user)


@admin.register(Membership)
class MembershipAdmin(AdministratorOnly, ReadOnlyAdmin):
    """Read-only: a membership is granted through a role-grant request (four-eyes) and
    ended with the action below (one administrator, logged)."""

    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organisation__name"]
    actions = ["deactivate"]

    def has_deactivate_permission(self, request):
        return is_administrator(request.user)

    @admin.action(description=gettext_lazy("Geselecteerde lidmaatschappen beëindigen"), permissions=["deactivate"])
    def deactivate(self, request, queryset):
        for membership in queryset:
            services.membership_deactivate(membership=membership, by=request.user)
        self.message_user(request, _("De lidmaatschappen zijn beëindigd."), messages.SUCCESS)


@admin.register(RoleGrantRequest)
class RoleGrantRequestAdmin(AdministratorOnly, ReadOnlyAdmin):
    """Read-only record of the four-eyes requests; decide on `/administration/role-grants/`."""

    list_display = ["requested_at", "kind", "user", "organisation", "role", "requested_by", "status", "decided_by"]
    list_filter = ["status", "kind"]


# Issue 13 (oidc): an organisation's login with OpenID Connect. The client secret is
# written, never shown back (an empty field on change keeps the stored one).
class OidcConfigurationForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=gettext_lazy("clientgeheim"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Wordt versleuteld opgeslagen en nooit getoond. Laat leeg om het huidige te houden."),
    )

    class Meta:
        model = OidcConfiguration
        fields = [
            "organisation",
            "is_enabled",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "sign_algorithm",
            "claim",
            "user_field",
            "email_domains",
            "mfa_enforced",
            "mfa_claim",
            "mfa_values",
        ]

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret", "")
        if secret:
            return secret
        if self.instance.pk:
            return OidcConfiguration.objects.get(pk=self.instance.pk).client_secret
        raise forms.ValidationError(_("Vul het clientgeheim in."), code="required")

    def clean_email_domains(self):
        domains = sorted({domain.strip().lower().lstrip("@") for domain in self.cleaned_data["email_domains"]})
        taken = OidcConfiguration.objects.exclude(pk=self.instance.pk).filter(email_domains__overlap=domains)
        if taken.exists():
            raise forms.ValidationError(
                _("Een ander domein hoort al bij %(organisation)s.") % {"organisation": taken.first().organisation},
                code="taken",
            )
        return domains


@admin.register(OidcConfiguration)
class OidcConfigurationAdmin(AdministratorOnly, admin.ModelAdmin):
    form = OidcConfigurationForm
    list_display = ["organisation", "issuer", "client_id", "mfa_enforced", "is_enabled"]
    list_filter = ["is_enabled", "mfa_enforced"]
    search_fields = ["organisation__name", "issuer", "client_id"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        oidc_configuration_save(configuration=obj, by=request.user, changed=list(form.changed_data))
