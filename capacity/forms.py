from django import forms
from django.utils.translation import gettext_lazy as _


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
