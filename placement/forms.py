"""Web forms for the request wizard and triage. They parse input; services decide the
rules and their `Invalid` errors are put next to the fields they name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from core.forms import AccessibleForm
from intake import crypto
from intake.models import Gender, Kind, LegalStatus, Outcome, TriageDecision, Urgency
from intake.services.requests import YOUTH_FIELDS
from placement.models import (
    PROVIDER_DECLINE_REASONS,
    EndReason,
    FallThroughParty,
    FallThroughReason,
    IntroductionOutcome,
    WaitingReason,
)

GUARDIAN_SLOTS = (1, 2)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class YouthForm(AccessibleForm):
    given_names = forms.CharField(label=_("Voornamen"), max_length=200)
    family_name = forms.CharField(label=_("Achternaam"), max_length=200)
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DateInput())
    gender = forms.ChoiceField(label=_("Geslacht"), choices=Gender.choices)
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=20,
        required=False,
        help_text=_("Niet verplicht; sommige jeugdigen hebben geen BSN."),
    )
    address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("Woonplaats"), max_length=100, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Woongemeente"),
        queryset=Municipality.objects.select_related("region").order_by("name"),
        help_text=_("De woongemeente bepaalt de verantwoordelijke regio."),
    )
    legal_status = forms.ChoiceField(
        label=_("Juridische status"), choices=LegalStatus.choices, initial=LegalStatus.NONE
    )
    machtiging_end_date = forms.DateField(
        label=_("Einddatum machtiging gesloten jeugdzorg"), required=False, widget=DateInput()
    )
    school = forms.CharField(label=_("Huidige school"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Urgency.choices, initial=Urgency.REGULAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in GUARDIAN_SLOTS:
            self.fields[f"guardian_{slot}_name"] = forms.CharField(
                label=_("Naam ouder/verzorger %(n)s") % {"n": slot}, max_length=200, required=False
            )
            self.fields[f"guardian_{slot}_relationship"] = forms.CharField(
                label=_("Relatie tot de jeugdige (ouder/verzorger %(n)s)") % {"n": slot}, max_length=100, required=False
            )
            self.fields[f"guardian_{slot}_authority"] = forms.BooleanField(
                label=_("Heeft gezag (ouder/verzorger %(n)s)") % {"n": slot}, required=False
            )
        for slot in GUARDIAN_SLOTS:
            for suffix in ("name", "relationship"):
                self.fields[f"guardian_{slot}_{suffix}"].widget.attrs.setdefault("class", "utrecht-textbox")
            self.fields[f"guardian_{slot}_authority"].widget.attrs.setdefault("class", "utrecht-checkbox")

    @classmethod
    def initial_from(cls, placement_request):
        youth = placement_request.youth
        initial = {name: getattr(youth, name) for name in YOUTH_FIELDS}
        initial["bsn"] = youth.bsn
        initial["urgency"] = placement_request.urgency
        for slot, guardian in zip(GUARDIAN_SLOTS, youth.guardians.all(), strict=False):
            initial[f"guardian_{slot}_name"] = guardian.name
            initial[f"guardian_{slot}_relationship"] = guardian.relationship
            initial[f"guardian_{slot}_authority"] = guardian.has_authority
        return initial

    def youth_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if not name.startswith("guardian_")}
        data.pop("urgency", None)
        data["guardians"] = [
            {
                "name": self.cleaned_data[f"guardian_{slot}_name"],
                "relationship": self.cleaned_data[f"guardian_{slot}_relationship"],
                "has_authority": self.cleaned_data[f"guardian_{slot}_authority"],
            }
            for slot in GUARDIAN_SLOTS
            if self.cleaned_data.get(f"guardian_{slot}_name")
        ]
        return data

    def clean_bsn(self):
        value = self.cleaned_data["bsn"].strip()
        if value and not crypto.bsn_is_valid(value):
            raise forms.ValidationError(_("Dit is geen geldig BSN (de elfproef klopt niet)."))
        return value

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("De geboortedatum ligt in de toekomst."))
        return value

    def field_groups(self):
        guardians = [name for name in self.fields if name.startswith("guardian_")]
        return [
            (_("Jeugdige"), [self[n] for n in ("given_names", "family_name", "birth_date", "gender", "bsn")]),
            (_("Woonsituatie en school"), [self[n] for n in ("address", "postcode", "city", "municipality", "school")]),
            (_("Juridische status"), [self[n] for n in ("legal_status", "machtiging_end_date")]),
            (_("Ouders en verzorgers"), [self[n] for n in guardians]),
            (_("Verzoek"), [self["urgency"]]),
        ]


class TriageForm(AccessibleForm):
    decision = forms.ChoiceField(label=_("Besluit"), choices=TriageDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht bij terugsturen en experttafel; de verwijzer ziet deze toelichting."),
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst bij afsluiten"), required=False, choices=[("", "---------")] + list(Outcome.choices)
    )


class WithdrawForm(AccessibleForm):
    reason = forms.CharField(label=_("Reden van intrekken"), required=False, widget=forms.Textarea)


class AssignmentRequestForm(AccessibleForm):
    question = forms.CharField(label=_("Hulpvraag aan de pool gedragswetenschappers"), widget=forms.Textarea)


# --- matching, offers, placements (issue 5) ---------------------------------------------


class OfferTextsForm(AccessibleForm):
    """The texts the provider will read; the coordinator edits this offer's copy only."""

    presenting_problems = forms.CharField(label=_("Wat is er aan de hand"), required=False, widget=forms.Textarea)
    origins = forms.CharField(label=_("Hoe zijn de problemen ontstaan"), required=False, widget=forms.Textarea)
    maintaining_factors = forms.CharField(
        label=_("Wat houdt de problemen in stand"), required=False, widget=forms.Textarea
    )
    protective_factors = forms.CharField(
        label=_("Beschermende factoren en krachten"), required=False, widget=forms.Textarea
    )
    hypotheses = forms.CharField(label=_("Werkhypothesen"), required=False, widget=forms.Textarea)
    goals = forms.CharField(label=_("Doelen"), required=False, widget=forms.Textarea)
    wishes_youth = forms.CharField(label=_("Wensen van de jeugdige"), required=False, widget=forms.Textarea)
    wishes_parents = forms.CharField(label=_("Wensen van de ouders"), required=False, widget=forms.Textarea)
    placement_goal = forms.CharField(label=_("Doel van de plaatsing"), required=False, widget=forms.Textarea)


def overrides_from_post(data) -> list[dict]:
    """The composer's overrides: every ticked finding (`override`) with its reason
    (`override_reason:<finding id>`). The service decides whether they hold."""
    return [
        {"finding": finding_id, "reason": data.get(f"override_reason:{finding_id}", "")}
        for finding_id in dict.fromkeys(data.getlist("override"))
    ]


class DeclineForm(AccessibleForm):
    reason = forms.ChoiceField(
        label=_("Reden van afwijzing"), choices=[("", "---------")] + list(PROVIDER_DECLINE_REASONS)
    )
    motivation = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht: de coördinator bespreekt afwijzingen met aanbieders."),
    )


class OfferWithdrawForm(AccessibleForm):
    reason = forms.CharField(label=_("Reden van intrekken"), required=False, widget=forms.Textarea)


class IntroductionForm(AccessibleForm):
    """The introduction visit (kennismaking); the service checks the date and outcome."""

    date = forms.DateField(label=_("Datum van de kennismaking"), required=False, widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), required=False, choices=[("", "---------")] + list(IntroductionOutcome.choices)
    )
    note = forms.CharField(label=_("Notitie"), required=False, widget=forms.Textarea)


class FallThroughForm(AccessibleForm):
    """A refusal after acceptance. The coordinator names the party; provider staff record
    only their own retraction (the view leaves `party` out for them)."""

    party = forms.ChoiceField(
        label=_("Wie wijst de plaatsing af?"),
        required=False,
        choices=[("", "---------")] + list(FallThroughParty.choices),
    )
    reason_code = forms.ChoiceField(
        label=_("Reden"), required=False, choices=[("", "---------")] + list(FallThroughReason.choices)
    )
    motivation = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht: de verwijzer, de coördinator en de aanbieder krijgen de toelichting te zien."),
    )

    def __init__(self, *args, with_party=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_party:
            del self.fields["party"]


class AcceptedWithdrawForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Reden van intrekken"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht: de vastgehouden plek wordt vrijgegeven en de aanbieder krijgt de reden te zien."),
    )


class WaitForm(AccessibleForm):
    reason = forms.ChoiceField(
        label=_("Waarom wacht het verzoek?"), choices=[("", "---------")] + list(WaitingReason.choices)
    )
    bridging_care = forms.CharField(label=_("Overbruggingszorg: wat"), required=False, widget=forms.Textarea)
    bridging_provider = forms.CharField(label=_("Overbrugging door"), required=False, max_length=200)
    bridging_from = forms.DateField(label=_("Overbrugging vanaf"), required=False, widget=DateInput())


class PlacementStartForm(AccessibleForm):
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    school = forms.CharField(label=_("School"), required=False, max_length=200)
    handover = forms.CharField(label=_("Overdracht"), required=False, widget=forms.Textarea)
    transport = forms.CharField(label=_("Vervoer (leerlingenvervoer)"), required=False, max_length=200)
    funding = forms.CharField(label=_("Bekostiging"), required=False, max_length=200)


class PlacementEndForm(AccessibleForm):
    end_date = forms.DateField(label=_("Einddatum"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reden van beëindiging (CBS)"), choices=[("", "---------")] + list(EndReason.choices)
    )
    narrative = forms.CharField(label=_("Toelichting op het einde"), required=False, widget=forms.Textarea)
    needs_new_place = forms.BooleanField(label=_("Heeft een nieuwe plek nodig (doorplaatsing)"), required=False)


# --- work queue and owner (issue 11) ------------------------------------------------------


class QueueFilterForm(AccessibleForm):
    """The coordinator's queue filters (GET). The search is on the request number only:
    the youth's names are encrypted at rest and are never searched."""

    q = forms.CharField(
        label=_("Verzoeknummer"),
        required=False,
        max_length=20,
        help_text=_("Bijvoorbeeld PV-000123. Zoeken op naam kan niet: die gegevens zijn versleuteld."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    urgency = forms.ChoiceField(label=_("Urgentie"), required=False, choices=[("", _("Alle"))] + list(Urgency.choices))
    owner = forms.ChoiceField(label=_("Behandelaar"), required=False)
    kind = forms.ChoiceField(label=_("Soort"), required=False, choices=[("", _("Alle"))] + list(Kind.choices))
    municipality = forms.ModelChoiceField(
        label=_("Woongemeente"), required=False, queryset=Municipality.objects.none(), empty_label=_("Alle")
    )

    def __init__(self, *args, statuses, owners, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle"))] + [(s.value, s.label) for s in statuses]
        self.fields["owner"].choices = [
            ("", _("Iedereen")),
            ("mine", _("Mijn verzoeken")),
            ("nobody", _("Nog niemand")),
        ] + [(str(u.pk), u.get_full_name() or u.username) for u in owners]
        self.fields["municipality"].queryset = municipalities


class OwnerForm(AccessibleForm):
    """Who has the request in hand: a coordinator of the request's region, or nobody."""

    owner = forms.ChoiceField(label=_("Behandelaar"), required=False)
    back = forms.ChoiceField(
        choices=[("detail", "detail"), ("queue", "queue")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Niemand"))] + [
            (str(u.pk), u.get_full_name() or u.username) for u in candidates
        ]
