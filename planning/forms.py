"""The scenario form (issue 16.2). The rules live in planning.services.scenario_create (one
place); this form only offers the choices and puts every message next to its field, all at once."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.models import SecurityLevel
from capacity.selectors import specialisation_list
from core.forms import AccessibleForm
from planning.models import PERIOD_MONTHS_MAX, PERIOD_MONTHS_MIN
from planning.scenarios import CHANGE_KINDS
from reporting.reports.common import visible_regions


class DateInput(forms.DateInput):
    input_type = "date"


class ScenarioForm(AccessibleForm):
    name = forms.CharField(label=_("Naam van het scenario"), max_length=120)
    scenario_region = forms.ChoiceField(label=_("Regio"))
    period_start = forms.CharField(
        label=_("Begin van de afgelopen periode"),
        widget=DateInput(),
        help_text=_("De echte verzoeken van deze periode worden opnieuw afgespeeld."),
    )
    period_months = forms.CharField(
        label=_("Aantal maanden"),
        initial=12,
        widget=forms.NumberInput(attrs={"min": PERIOD_MONTHS_MIN, "max": PERIOD_MONTHS_MAX, "inputmode": "numeric"}),
        help_text=_("Van 12 tot en met 24 maanden."),
    )
    kind = forms.ChoiceField(label=_("Wijziging"), required=False)
    facility = forms.ChoiceField(label=_("Locatie"), required=False)
    places = forms.CharField(
        label=_("Aantal plaatsen"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        help_text=_("Bij een nieuwe groep of een gewijzigd aantal plaatsen."),
    )
    age_min = forms.CharField(label=_("Leeftijd vanaf"), required=False, widget=forms.NumberInput(attrs={"min": 0}))
    age_max = forms.CharField(
        label=_("Leeftijd tot en met"), required=False, widget=forms.NumberInput(attrs={"min": 0})
    )
    security = forms.ChoiceField(label=_("Beveiligingsniveau"), required=False)
    specialisations = forms.MultipleChoiceField(
        label=_("Specialisaties"), required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ChoiceField(label=_("Nieuwe regio van de locatie"), required=False)
    apply_planned = forms.BooleanField(
        label=_("Geplande capaciteitswijzigingen (afbouw en opbouw) toepassen"), required=False
    )

    def __init__(self, *args, membership, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        regions = list(visible_regions(membership))
        self.fields["scenario_region"].choices = [(r.code, r.name) for r in regions]
        self.fields["kind"].choices = [("", _("Geen (alleen geplande wijzigingen)"))] + [
            (code, label) for code, label in CHANGE_KINDS.items()
        ]
        self.fields["facility"].choices = [("", "–")] + [(str(pk), name) for pk, name in facilities]
        self.fields["security"].choices = [("", "–")] + list(SecurityLevel.choices)
        self.fields["specialisations"].choices = [(s.code, s.label) for s in specialisation_list()]
        from accounts.models import Region

        self.fields["region"].choices = [("", "–")] + [(r.code, r.name) for r in Region.objects.order_by("name")]

    def service_arguments(self) -> dict:
        data = self.data
        return {
            "region": data.get("scenario_region", ""),
            "name": data.get("name", ""),
            "period_start": data.get("period_start", ""),
            "period_months": data.get("period_months", ""),
            "apply_planned": bool(data.get("apply_planned")),
            "change": {
                "kind": data.get("kind", ""),
                "facility": data.get("facility", ""),
                "places": data.get("places", ""),
                "age_min": data.get("age_min", ""),
                "age_max": data.get("age_max", ""),
                "security": data.get("security", ""),
                "specialisations": data.getlist("specialisations") if hasattr(data, "getlist") else [],
                "region": data.get("region", ""),
            },
        }
