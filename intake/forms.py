from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from core.forms import AccessibleForm
from intake.models import SECTION_FIELDS, AlternativeConsidered, Document, PerspectivePlan, Security
from intake.taxonomy import care_type_choices, intensity_choices, specialisation_choices

ALTERNATIVE_SLOTS = (1, 2, 3)


class AnalysisForm(AccessibleForm):
    presenting_problems = forms.CharField(
        label=_("Wat is er aan de hand?"),
        required=False,
        widget=forms.Textarea,
        help_text=_("De hulpvragen en problemen, in de woorden van jeugdige en gezin waar het kan."),
    )
    origins = forms.CharField(label=_("Hoe zijn de problemen ontstaan?"), required=False, widget=forms.Textarea)
    maintaining_factors = forms.CharField(
        label=_("Wat houdt de problemen in stand?"), required=False, widget=forms.Textarea
    )
    protective_factors = forms.CharField(
        label=_("Beschermende factoren en krachten"), required=False, widget=forms.Textarea
    )
    hypotheses = forms.CharField(label=_("Werkhypothesen"), required=False, widget=forms.Textarea)
    goals = forms.CharField(
        label=_("Doelen: wat heeft de jeugdige daarom nodig?"), required=False, widget=forms.Textarea
    )
    written_by = forms.CharField(label=_("Opgesteld door (naam en functie)"), max_length=200, required=False)
    made_with_youth = forms.BooleanField(label=_("Opgesteld samen met de jeugdige"), required=False)
    made_with_family = forms.BooleanField(label=_("Opgesteld samen met het gezin"), required=False)

    FIELDS = SECTION_FIELDS + ["written_by", "made_with_youth", "made_with_family"]


class NeedProfileForm(AccessibleForm):
    care_types = forms.MultipleChoiceField(
        label=_("Passende zorgvormen"), choices=care_type_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    specialisations = forms.MultipleChoiceField(
        label=_("Benodigde specialisaties"),
        choices=specialisation_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    intensity = forms.ChoiceField(
        label=_("Intensiteit (G7-klasse)"),
        choices=lambda: [("", "---------"), *intensity_choices()],
        required=False,
    )
    security = forms.ChoiceField(
        label=_("Beveiligingsniveau"),
        choices=Security.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Gesloten alleen met een geldige machtiging gesloten jeugdzorg."),
    )
    preferred_region = forms.ModelChoiceField(
        label=_("Voorkeursregio"), queryset=Region.objects.order_by("name"), required=False
    )
    max_distance_km = forms.IntegerField(
        label=_("Maximale afstand tot huis (km)"), min_value=1, max_value=500, required=False
    )
    school_continuity = forms.BooleanField(label=_("Huidige school behouden"), required=False)

    FIELDS = [
        "care_types",
        "specialisations",
        "intensity",
        "security",
        "preferred_region",
        "max_distance_km",
        "school_continuity",
    ]


def initial_from_version(version, fields):
    if version is None:
        return {}
    return {name: getattr(version, name) for name in fields}


class PerspectivePlanForm(AccessibleForm):
    goal = forms.CharField(label=_("Doel van de plaatsing"), widget=forms.Textarea)
    expected_duration_months = forms.IntegerField(label=_("Verwachte duur (maanden)"), min_value=1, max_value=120)
    return_perspective = forms.ChoiceField(label=_("Perspectief"), choices=PerspectivePlan.Return.choices)
    return_explanation = forms.CharField(
        label=_("Toelichting op het perspectief"), required=False, widget=forms.Textarea
    )


class SafetyPlanForm(AccessibleForm):
    risks = forms.CharField(label=_("Risico's en signalen"), widget=forms.Textarea)
    agreements = forms.CharField(label=_("Afspraken"), widget=forms.Textarea)
    contacts = forms.CharField(label=_("Wie doet wat bij een crisis"), required=False, widget=forms.Textarea)


class WishesForm(AccessibleForm):
    wishes_youth = forms.CharField(
        label=_("Wensen van de jeugdige (in eigen woorden)"), required=False, widget=forms.Textarea
    )
    wishes_parents = forms.CharField(
        label=_("Wensen van de ouders (in eigen woorden)"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in ALTERNATIVE_SLOTS:
            self.fields[f"alt_{slot}_form"] = forms.ChoiceField(
                label=_("Overwogen alternatief %(n)s: vorm van hulp") % {"n": slot},
                required=False,
                choices=[("", "---------")] + list(AlternativeConsidered.Form.choices),
                widget=forms.Select(attrs={"class": "utrecht-select"}),
            )
            self.fields[f"alt_{slot}_description"] = forms.CharField(
                label=_("Alternatief %(n)s: wat is geprobeerd of overwogen") % {"n": slot},
                required=False,
                widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 2}),
            )
            self.fields[f"alt_{slot}_why_insufficient"] = forms.CharField(
                label=_("Alternatief %(n)s: waarom is dit niet voldoende") % {"n": slot},
                required=False,
                widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 2}),
            )

    @classmethod
    def initial_from(cls, placement_request):
        initial = {"wishes_youth": placement_request.wishes_youth, "wishes_parents": placement_request.wishes_parents}
        for slot, alternative in zip(ALTERNATIVE_SLOTS, placement_request.alternatives.all(), strict=False):
            initial[f"alt_{slot}_form"] = alternative.form
            initial[f"alt_{slot}_description"] = alternative.description
            initial[f"alt_{slot}_why_insufficient"] = alternative.why_insufficient
        return initial

    def alternatives(self):
        rows = []
        for slot in ALTERNATIVE_SLOTS:
            row = {
                name: self.cleaned_data.get(f"alt_{slot}_{name}", "")
                for name in ("form", "description", "why_insufficient")
            }
            if any(row.values()):
                rows.append(row)
        return rows

    def alternative_aliases(self):
        aliases = {}
        for index, slot in enumerate(ALTERNATIVE_SLOTS):
            for name in ("form", "description", "why_insufficient"):
                aliases[f"alternatives.{index}.{name}"] = f"alt_{slot}_{name}"
        return aliases


class DocumentForm(AccessibleForm):
    file = forms.FileField(label=_("PDF-bestand"))
    kind = forms.ChoiceField(label=_("Soort document"), choices=Document.DocumentKind.choices)
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)


class CompleteAssignmentForm(AccessibleForm):
    note = forms.CharField(label=_("Toelichting bij afronding"), required=False, widget=forms.Textarea)
