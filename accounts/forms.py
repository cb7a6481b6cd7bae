from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.lockout import note_username
from accounts.models import Organisation, Region, Role, RoleGrantRequest, User
from core.forms import AccessibleForm
from core.outbox import outbox_enqueue


class LoginForm(AuthenticationForm):
    """Django's login form; django-axes counts its failures per username and address."""

    def clean(self):
        note_username(self.request, self.cleaned_data.get("username"))
        return super().clean()


class TwoFactorSetupForm(AccessibleForm):
    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=10,
        help_text=_("De 6 cijfers die de app nu laat zien."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Vul de 6 cijfers in die de app laat zien."), code="format")
        return code


class TwoFactorVerifyForm(AccessibleForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("De 6 cijfers uit uw authenticator-app, of een van uw herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the outbox, so it survives a mail or broker outage."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox_enqueue(recipient=context["user"], subject=subject, body=body, in_app=False)


class RoleGrantRequestForm(AccessibleForm):
    """An administrator asks for a privilege for someone else. The rules (which role fits
    which organisation, regions, nobody for themselves) are the service's; its errors are
    put next to these fields."""

    service_required = services.ROLE_GRANT_REQUIRED

    username = forms.CharField(label=_("Gebruikersnaam van de persoon"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Wat wilt u toekennen?"),
        choices=RoleGrantRequest.Kind.choices,
        initial=RoleGrantRequest.Kind.MEMBERSHIP,
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.filter(is_active=True).order_by("name"), required=False
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[("", "—"), *Role.choices], required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Jeugdregio's (voor coördinator, contractmanager en gedragswetenschapper)"),
        queryset=Region.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Required by the service (`ROLE_GRANT_REQUIRED`), which reports it with the other rules.
    reason = forms.CharField(
        label=_("Waarom heeft deze persoon dit nodig?"), widget=forms.Textarea, max_length=2000, required=False
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("Er is geen gebruiker met deze gebruikersnaam."))
        self.cleaned_data["user"] = user
        return username

    def clean(self):
        """The service's rules run here too, so every error shows at once, next to its field."""
        data = super().clean()
        for problem in services.role_grant_problems(
            user=data.get("user"),
            kind=data.get("kind") or "",
            organisation=data.get("organisation"),
            role=data.get("role") or "",
            regions=list(data.get("regions") or []),
            reason=data.get("reason") or "",
        ):
            name = problem["name"] if problem["name"] in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, problem["reason"])
        return data


class RoleGrantDecisionForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Toelichting (verplicht bij weigeren)"), widget=forms.Textarea, max_length=2000, required=False
    )
