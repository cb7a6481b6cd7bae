"""Issue 14 (api-push): the form for a new webhook subscription (the service checks)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.webhook_models import WEBHOOK_URL_MAX_LENGTH, WebhookEventType
from core.forms import AccessibleForm


class WebhookSubscriptionForm(AccessibleForm):
    url = forms.CharField(
        label=_("Adres (URL)"),
        max_length=WEBHOOK_URL_MAX_LENGTH,
        help_text=_("Het https-adres van uw systeem dat de berichten ontvangt."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Gebeurtenissen"),
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één gebeurtenis.")},
    )
    description = forms.CharField(label=_("Omschrijving"), max_length=200, required=False)
