"""Forms of the contract manager's screens (issue 12 point 2): contracts and planned
capacity changes. The rules are the services' (capacity.services.contracts and
.changes); a form parses input, marks "(verplicht)" where the service requires a value
(`service_required`), and shows every error of the service at once, next to its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from capacity.contract_selectors import band_codes, contract_regions, region_facilities
from capacity.models import CareType, Facility, FundingForm
from capacity.services.common import MAX_PLACES
from capacity.services.contracts import CONTRACT_REQUIRED, FIELDS, contract_check
from core.forms import AccessibleForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONTRACT_FIELDS = FIELDS  # the fields the service writes (one list)


class ContractForm(AccessibleForm):
    service_required = CONTRACT_REQUIRED

    provider = forms.ModelChoiceField(label=_("Zorgaanbieder"), queryset=Organisation.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Regio"), queryset=Organisation.objects.none(), required=False)
    facility = forms.ModelChoiceField(
        label=_("Locatie"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_("Leeg: alle locaties van de aanbieder in de regio."),
    )
    care_type = forms.ModelChoiceField(
        label=_("Zorgvorm"), queryset=CareType.objects.none(), required=False, help_text=_("Leeg: alle zorgvormen.")
    )
    reference = forms.CharField(label=_("Kenmerk"), max_length=60, required=False)
    start_date = forms.DateField(label=_("Ingangsdatum"), widget=DATE, required=False)
    end_date = forms.DateField(
        label=_("Einddatum"), widget=DATE, required=False, help_text=_("Leeg: loopt door tot het wordt beëindigd.")
    )
    funding_form = forms.ChoiceField(
        label=_("Financieringsvorm"), choices=[("", "---------"), *FundingForm.choices], required=False
    )
    places_contracted = forms.IntegerField(label=_("Gecontracteerde plaatsen"), required=False)
    day_tariff = forms.DecimalField(
        label=_("Dagtarief (euro)"),
        required=False,
        help_text=_("Geldt voor elke intensiteit zonder eigen tarief hieronder."),
    )
    guaranteed_places = forms.IntegerField(
        label=_("Volumegarantie (plaatsen)"),
        required=False,
        help_text=_("Alleen inspanningsgericht: plaatsen die de regio ook leeg betaalt, tegen het dagtarief."),
    )
    budget = forms.DecimalField(
        label=_("Jaarbudget (euro)"), required=False, help_text=_("Alleen en verplicht bij taakgericht.")
    )
    notes = forms.CharField(label=_("Opmerkingen"), widget=forms.Textarea, required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("name")
        self.fields["region"].queryset = contract_regions(membership)
        self.fields["facility"].queryset = Facility.objects.select_related("provider").order_by("name", "id")
        self.fields["care_type"].queryset = CareType.objects.order_by("sort_order", "label")
        for band in band_codes():
            self.fields[f"tariff_{band}"] = forms.DecimalField(
                label=_("Dagtarief intensiteit %(band)s (euro)") % {"band": band},
                required=False,
                widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "step": "0.01"}),
            )
        for name in ("day_tariff", "budget"):
            self.fields[name].widget.attrs["step"] = "0.01"

    def band_fields(self):
        return [self[f"tariff_{band}"] for band in band_codes()]

    def main_fields(self):
        return [self[name] for name in CONTRACT_FIELDS]

    def values(self) -> tuple[dict, dict]:
        data = {name: self.cleaned_data.get(name) for name in CONTRACT_FIELDS}
        tariffs = {band: self.cleaned_data.get(f"tariff_{band}") for band in band_codes()}
        return data, tariffs

    def clean(self):
        """Every rule of the service at once, beside the fields that did not parse."""
        cleaned = super().clean()
        data, tariffs = self.values()
        for problem in contract_check(data, tariffs):
            name = problem["name"] if problem["name"] in self.fields else None
            if name and name in self._errors:
                continue
            self.add_error(name, problem["reason"])
        return cleaned


class ContractFilterForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Zorgaanbieder"), queryset=Organisation.objects.none(), required=False)
    funding_form = forms.ChoiceField(
        label=_("Financieringsvorm"), choices=[("", _("Alle")), *FundingForm.choices], required=False
    )
    active_on = forms.DateField(label=_("Actief op"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("name")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "utrecht-select" if isinstance(field.widget, forms.Select) else "utrecht-textbox"
            )


class PlannedChangeForm(AccessibleForm):
    facility = forms.ModelChoiceField(label=_("Locatie"), queryset=Facility.objects.none())
    effective_date = forms.DateField(label=_("Ingangsdatum"), widget=DATE)
    places_contracted = forms.IntegerField(
        label=_("Nieuw aantal gecontracteerde plaatsen"), min_value=0, max_value=MAX_PLACES
    )
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)

    def __init__(self, *args, membership, fixed_facility=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_facility is not None:
            del self.fields["facility"]
        else:
            self.fields["facility"].queryset = region_facilities(membership=membership)
