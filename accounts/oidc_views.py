"""Organisation login pages (issue 13 point 5): choosing the organisation, and
mozilla-django-oidc's request and callback views with the provider chosen per login
(accounts/oidc.py has the rules)."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import oidc, two_factor
from accounts.models import OidcConfiguration
from core.forms import AccessibleForm

# What the refusal page says, per reason (accounts.oidc.REASONS); the log has the reason.
UNTRUSTED = gettext_lazy(
    "Het inlogbewijs van de inlogdienst van uw organisatie kon niet worden vertrouwd, daarom bent u niet "
    "ingelogd. Probeer het opnieuw; gebeurt dit weer, neem dan contact op met de beheerder."
)
MESSAGES = {
    "disabled": gettext_lazy(
        "Inloggen via deze organisatie staat uit. Log in met uw gebruikersnaam en wachtwoord, of vraag de "
        "beheerder ernaar."
    ),
    "discovery": gettext_lazy(
        "De inlogdienst van uw organisatie is niet goed ingesteld (de uitgever klopt niet). Neem contact op "
        "met de beheerder."
    ),
    "provider_unreachable": gettext_lazy(
        "De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw, of log in met uw "
        "gebruikersnaam en wachtwoord."
    ),
    "provider_error": gettext_lazy("Het inloggen bij uw organisatie is afgebroken of mislukt. Probeer het opnieuw."),
    "state": gettext_lazy(
        "Dit inlogverzoek is verlopen of al gebruikt. Begin opnieuw bij Inloggen via uw organisatie."
    ),
    "answer_issuer": UNTRUSTED,
    "issuer": UNTRUSTED,
    "audience": UNTRUSTED,
    "signature": UNTRUSTED,
    "token": UNTRUSTED,
    "userinfo": UNTRUSTED,
    "expired": gettext_lazy(
        "Het inlogbewijs van de inlogdienst van uw organisatie was al verlopen, daarom bent u niet ingelogd. "
        "Probeer het opnieuw; gebeurt dit weer, dan staat de klok van de inlogdienst mogelijk verkeerd."
    ),
    "claim_missing": gettext_lazy(
        "De inlogdienst van uw organisatie gaf niet de gegevens waarmee wij u herkennen. Neem contact op met de "
        "beheerder."
    ),
    "email_unverified": gettext_lazy(
        "Uw e-mailadres is bij de inlogdienst van uw organisatie niet bevestigd. Neem contact op met de beheerder."
    ),
    "unknown_user": gettext_lazy(
        "Er is in Regie op plaatsing geen actief account voor u. Accounts worden niet vanzelf aangemaakt: "
        "vraag de beheerder van uw organisatie om een account."
    ),
    "ambiguous_user": gettext_lazy(
        "Bij uw gegevens horen meer accounts in Regie op plaatsing. Vraag de beheerder dit op te lossen."
    ),
    "inactive_user": gettext_lazy(
        "Uw account in Regie op plaatsing is niet actief. Vraag de beheerder van uw organisatie ernaar."
    ),
    "other_organisation": gettext_lazy(
        "Uw account hoort niet bij deze organisatie. Kies de organisatie waarvoor u werkt, of log in met uw "
        "gebruikersnaam en wachtwoord."
    ),
}
STATUS = {"provider_unreachable": 502, "discovery": 502}


def refusal_page(request, configuration, refused: oidc.Refused):
    oidc.login_refused_record(request, configuration=configuration, refused=refused)
    return render(
        request,
        "registration/oidc_refused.html",
        {"message": MESSAGES.get(refused.reason, MESSAGES["provider_error"]), "reason": refused.reason},
        status=STATUS.get(refused.reason, 403),
    )


class OrganisationChoiceForm(AccessibleForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisatie"),
        queryset=OidcConfiguration.objects.none(),
        required=False,
        empty_label=gettext_lazy("Kies uw organisatie"),
    )
    email = forms.EmailField(
        label=gettext_lazy("Of: uw e-mailadres bij uw organisatie"),
        required=False,
        help_text=gettext_lazy("Wij kiezen de organisatie aan de hand van het domein."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = oidc.enabled_configurations()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        configuration, email = cleaned.get("organisation"), cleaned.get("email")
        if configuration is None and not email:
            self.add_error("organisation", _("Kies uw organisatie of vul uw e-mailadres in."))
        elif configuration is None:
            cleaned["organisation"] = oidc.configuration_for_email(email)
            if cleaned["organisation"] is None:
                self.add_error(
                    "email",
                    _(
                        "Voor dit e-maildomein is geen inloggen via de organisatie ingesteld. Kies uw organisatie "
                        "of log in met uw gebruikersnaam en wachtwoord."
                    ),
                )
        return cleaned


@require_http_methods(["GET", "POST"])
def organisation_choice(request):
    """ "Inloggen via uw organisatie": pick the organisation (or type the e-mail address)."""
    form = OrganisationChoiceForm(request.POST if request.method == "POST" else None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        target = f"/login/organisation/{form.cleaned_data['organisation'].pk}/"
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    return render(
        request,
        "registration/oidc_choice.html",
        {"form": form, "next": next_url},
        status=422 if request.method == "POST" else 200,
    )


class OrganisationRequestView(OIDCAuthenticationRequestView):
    """The library's authorisation request (state, nonce, PKCE S256) for one organisation."""

    def __init__(self, **kwargs):  # the library reads one provider's settings here
        View.__init__(self, **kwargs)
        self._overrides: dict = {}

    def get_settings(self, attr, *args):
        if attr in self._overrides:
            return self._overrides[attr]
        return import_from_settings(attr, *args)

    def get(self, request, pk):
        configuration = get_object_or_404(OidcConfiguration.objects.select_related("organisation"), pk=pk)
        if not oidc.usable(configuration):
            return refusal_page(request, configuration, oidc.Refused("disabled"))
        try:
            document = oidc.discovery(configuration.issuer)
        except oidc.Refused as refused:
            return refusal_page(request, configuration, refused)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = configuration.client_id
        self._overrides = {
            "OIDC_RP_SCOPES": configuration.scopes,
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
            "OIDC_AUTHENTICATION_CALLBACK_URL": oidc.CALLBACK_URL_NAME,
        }
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state][oidc.CONFIGURATION_STATE_KEY] = configuration.pk
        request.session.modified = True
        return response


class OrganisationCallbackView(OIDCAuthenticationCallbackView):
    """The library's callback; the configuration comes from the state's session entry."""

    def get_settings(self, attr, *args):
        if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
            return oidc.CALLBACK_URL_NAME
        return import_from_settings(attr, *args)

    def get(self, request):
        entry = request.session.get("oidc_states", {}).get(request.GET.get("state", "")) or {}
        pk = entry.get(oidc.CONFIGURATION_STATE_KEY)
        configuration = OidcConfiguration.objects.select_related("organisation").filter(pk=pk).first()
        self.configuration = configuration
        if entry and not oidc.usable(configuration):
            del request.session["oidc_states"][request.GET["state"]]  # used once, also when refused
            request.session.modified = True
            return refusal_page(request, configuration, oidc.Refused("disabled"))
        if not entry:
            self.configuration = None
            return refusal_page(request, None, oidc.Refused("state"))
        if "iss" in request.GET and request.GET["iss"] != configuration.issuer:  # RFC 9207: a mix-up
            del request.session["oidc_states"][request.GET["state"]]
            request.session.modified = True
            return refusal_page(request, configuration, oidc.Refused("answer_issuer"))
        request.oidc_configuration = configuration
        return super().get(request)

    def login_failure(self):
        request = self.request
        refused = getattr(request, "oidc_refused", None) or oidc.Refused("provider_error")
        return refusal_page(request, self.configuration, refused)

    def login_success(self):
        response = super().login_success()
        second_factor = bool(getattr(self.request, "oidc_second_factor", False))
        if second_factor:
            self.request.session[two_factor.ORGANISATION_SECOND_FACTOR_SESSION_KEY] = self.configuration.pk
        oidc.login_succeeded_record(configuration=self.configuration, user=self.user, second_factor=second_factor)
        return response
