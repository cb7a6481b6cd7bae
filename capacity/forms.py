from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from capacity.models import FACILITY_GENDER_CHOICES, FunctioningLevel
from core.forms import AccessibleForm


class AvailabilityForm(forms.Form):
    places_staffed = forms.IntegerField(
        label=_("Inzetbare plaatsen"),
        min_value=0,
        max_value=1000,
        help_text=_("Plaatsen die nu bruikbaar zijn: bemensd en beschikbaar."),
    )
    occupied_external = forms.IntegerField(
        label=_("Bezet door jongeren van buiten de regie"),
        min_value=0,
        max_value=1000,
        help_text=_("Bijvoorbeeld crisisplaatsingen of jongeren uit andere regio's."),
    )


class GroupResidentForm(AccessibleForm):
    """One row of the group (no names). Ranges and the number of rows are the service's
    rules (capacity.services.group); the form parses the input."""

    age = forms.IntegerField(label=_("Leeftijd (jaren)"))
    gender = forms.ChoiceField(label=_("Geslacht"), choices=[("", "---------"), *FACILITY_GENDER_CHOICES])
    level = forms.ChoiceField(
        label=_("Niveau van functioneren"), choices=[("", "---------"), *FunctioningLevel.choices]
    )
    machtiging = forms.BooleanField(label=_("Met machtiging gesloten jeugdzorg"), required=False)


def group_formset(data=None, *, residents=(), places: int = 0):
    """The whole group as a formset: the current residents, plus empty rows up to the
    facility's places (an empty row is skipped)."""
    initial = [{"age": r.age, "gender": r.gender, "level": r.level, "machtiging": r.machtiging} for r in residents]
    formset_class = forms.formset_factory(
        GroupResidentForm, extra=max(0, min(places, 12) - len(initial)), can_delete=True
    )
    return formset_class(data, initial=initial, prefix="group")


def group_rows(formset) -> tuple[list[dict], list]:
    """The rows to record (deleted and empty rows left out) and the form of each row."""
    rows, forms_used = [], []
    for form in formset.forms:
        if not form.has_changed() and form not in formset.initial_forms:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        rows.append({name: form.cleaned_data[name] for name in ("age", "gender", "level", "machtiging")})
        forms_used.append(form)
    return rows, forms_used


# --- A region's tariffs per intensity band (issue 12, refdata) ----------------------------


class BandTariffsForm(AccessibleForm):
    """The ingangsdatum and one tariff per active band (prefilled with today's). The form
    only carries the text; every rule is the service's (capacity.services.bands), whose
    errors land next to these fields (`tariffs.K` -> `tariff_K`)."""

    valid_from = forms.CharField(
        label=_("Ingangsdatum"),
        required=False,  # required by the service, which reports it with the other errors
        widget=forms.DateInput(attrs={"type": "date", "aria-required": "true"}),
        help_text=_("De nieuwe tarieven gelden vanaf deze dag; eerdere dagen houden hun tarief."),
    )

    def __init__(self, *args, bands=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = list(bands)
        current = current or {}
        for band in self.bands:
            self.fields[f"tariff_{band.code}"] = forms.CharField(
                label=_("Tarief %(band)s (euro per dag)") % {"band": band.label},
                required=False,
                initial=number_format(current[band.code], 2) if band.code in current else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "utrecht-textbox band-tariff"}),
            )

    def aliases(self) -> dict:
        return {f"tariffs.{band.code}": f"tariff_{band.code}" for band in self.bands}

    def tariffs(self) -> dict:
        """{code: text} of every band whose field is filled in."""
        data = self.cleaned_data
        return {band.code: data[f"tariff_{band.code}"] for band in self.bands if data.get(f"tariff_{band.code}")}

    def rows(self):
        return [(band, self[f"tariff_{band.code}"]) for band in self.bands]
