"""Forms of the privacy screens. The rules (bounds, what may be erased) live in the
models and services; the forms only parse and show the errors next to the fields."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from privacy.models import BOUNDS, ErasureGround, RetentionPolicy

_INTEGER_ERRORS = {"required": _("Vul een heel getal in."), "invalid": _("Vul een heel getal in.")}


class RetentionPolicyForm(AccessibleForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in BOUNDS.items():
            model_field = RetentionPolicy._meta.get_field(name)
            bounds = gettext("Van %(low)s tot en met %(high)s.") % {"low": low, "high": high}
            self.fields[name] = forms.IntegerField(
                label=model_field.verbose_name,
                help_text=f"{model_field.help_text} {bounds}",
                error_messages=_INTEGER_ERRORS,
                widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "inputmode": "numeric"}),
            )


class YouthFindForm(AccessibleForm):
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    reference = forms.CharField(
        label=_("of verzoeknummer"),
        required=False,
        max_length=20,
        help_text=_("Bijvoorbeeld PV-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ErasureForm(AccessibleForm):
    ground = forms.ChoiceField(
        label=_("Grond van het verzoek"), required=False, choices=[("", "---------"), *ErasureGround.choices]
    )
    explanation = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=2000,
        help_text=_(
            "Wie deed het verzoek (bijvoorbeeld: de jeugdige, de ouder met gezag), wanneer, en hoe is het "
            "getoetst. Noem geen namen of BSN."
        ),
        widget=forms.Textarea,
    )
