"""Django admin for administrators: providers, facilities, taxonomies, planned changes.

Availability figures are read-only here (providers report them, offers hold them); every
save goes through `capacity.services`, so history rows and events are written as usual."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity import services
from capacity.models import (
    FACILITY_GENDER_CHOICES,
    AvailabilityChange,
    CareType,
    Facility,
    IntensityBand,
    PlannedCapacityChange,
    Provider,
    RegionBandTariff,
    Specialisation,
)
from capacity.selectors import band_choices
from core.admin import ReadOnlyAdmin


@admin.register(CareType)
class CareTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "cbs_care_form", "requires_authorisation", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["label", "code"]


@admin.register(IntensityBand)
class IntensityBandAdmin(admin.ModelAdmin):
    """The G7 bands are one definition for every region: administrators change their hours
    and whether they are in use; each region sets its own tariffs on its bands screen."""

    list_display = ["code", "hours_from", "hours_to", "sort_order", "is_active"]
    list_editable = ["hours_from", "hours_to", "sort_order", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # stored facilities, need profiles and placements keep their codes


@admin.register(RegionBandTariff)
class RegionBandTariffAdmin(ReadOnlyAdmin):
    """History of the regions' tariffs (changed on the region's bands screen only)."""

    list_display = ["region", "band", "tariff_eur_per_day", "valid_from", "created_by"]
    list_filter = ["region", "band"]


@admin.register(Specialisation)
class SpecialisationAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["label", "code"]


class FacilityInline(admin.TabularInline):
    model = Facility
    fields = ["name", "municipality", "care_type", "places_contracted", "places_staffed", "last_confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ProviderAdminForm(forms.ModelForm):
    agb_code = forms.RegexField(
        label=_("AGB-code"), regex=r"^[0-9]{8}$", error_messages={"invalid": _("Een AGB-code heeft 8 cijfers.")}
    )

    class Meta:
        model = Provider
        fields = ["name", "agb_code", "email", "phone", "regions", "is_active"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderAdminForm
    list_display = ["name", "agb_code", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "agb_code"]
    fields = ["name", "agb_code", "email", "phone", "regions", "is_active"]
    filter_horizontal = ["regions"]
    inlines = [FacilityInline]


class FacilityAdminForm(forms.ModelForm):
    genders = forms.MultipleChoiceField(
        label=_("geslacht"), choices=FACILITY_GENDER_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    intensity_band = forms.ChoiceField(label=_("intensiteit (G7)"), choices=band_choices)

    class Meta:
        model = Facility
        # Every field, in the model's order; the admin leaves out its read-only ones (the
        # figures change only through the availability services).
        fields = [
            "provider", "name", "address", "postcode", "municipality", "care_type", "security_level",
            "age_min", "age_max", "genders", "intensity_band", "group_size", "care_product_code",
            "serves_nationally", "active_from", "active_until", "places_contracted", "places_staffed",
            "occupied_internal", "occupied_external", "held", "last_confirmed_at", "last_confirmed_by",
            "specialisations", "regions_served",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        contracted = cleaned.get("places_contracted")
        if self.instance.pk and contracted is not None:
            in_use = self.instance.places_in_use
            if contracted < in_use:
                self.add_error(
                    "places_contracted", _("Er zijn nog %(n)s plaatsen bezet of vastgehouden.") % {"n": in_use}
                )
        return cleaned


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    form = FacilityAdminForm
    list_display = [
        "name",
        "provider",
        "municipality",
        "care_type",
        "security_level",
        "places_contracted",
        "places_staffed",
        "held",
        "last_confirmed_at",
    ]
    list_filter = ["care_type", "security_level", "serves_nationally", "municipality__region"]
    search_fields = ["name", "provider__name", "municipality__name"]
    autocomplete_fields = ["provider", "municipality"]
    filter_horizontal = ["specialisations", "regions_served"]
    readonly_fields = [
        "places_staffed",
        "occupied_internal",
        "occupied_external",
        "held",
        "last_confirmed_at",
        "last_confirmed_by",
    ]
    list_select_related = ["provider", "municipality", "care_type"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.DESCRIPTIVE_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in data.items() if name in form.changed_data}
            if "places_contracted" in form.changed_data:
                changed["places_contracted"] = form.cleaned_data["places_contracted"]
            services.facility_update(facility=obj, by=request.user, **changed)
            obj.refresh_from_db()
        else:
            created = services.facility_create(
                by=request.user, places_contracted=form.cleaned_data["places_contracted"], **data
            )
            obj.pk = obj.id = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db

    def has_delete_permission(self, request, obj=None):
        return False  # history refers to it; end a facility with `active until`


class PlannedCapacityChangeForm(forms.ModelForm):
    class Meta:
        model = PlannedCapacityChange
        fields = ["facility", "effective_date", "places_contracted", "note"]

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("De ingangsdatum ligt in het verleden."))
        return value


@admin.register(PlannedCapacityChange)
class PlannedCapacityChangeAdmin(admin.ModelAdmin):
    form = PlannedCapacityChangeForm
    list_display = ["facility", "effective_date", "places_contracted", "status", "blocked_reason"]
    list_filter = ["status"]
    autocomplete_fields = ["facility"]
    fields = ["facility", "effective_date", "places_contracted", "note", "status", "applied_at", "blocked_reason"]
    readonly_fields = ["status", "applied_at", "blocked_reason"]
    actions = ["cancel"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.fields  # a plan is changed by cancelling it and planning anew
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.capacity_change_plan(
            facility=form.cleaned_data["facility"],
            by=request.user,
            effective_date=form.cleaned_data["effective_date"],
            places_contracted=form.cleaned_data["places_contracted"],
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = obj.id = created.pk
        obj._state.adding = False

    @admin.action(description=_("Geselecteerde geplande wijzigingen annuleren"))
    def cancel(self, request, queryset):
        for change in queryset.filter(status=PlannedCapacityChange.Status.PLANNED):
            services.capacity_change_cancel(change=change, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AvailabilityChange)
class AvailabilityChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "facility",
        "changed_at",
        "kind",
        "changed_by",
        "places_contracted",
        "places_staffed",
        "occupied_internal",
        "occupied_external",
        "held",
        "reference",
    ]
    list_filter = ["kind"]
    search_fields = ["facility__name", "reference"]
    list_select_related = ["facility", "changed_by"]
