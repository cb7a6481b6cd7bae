"""Web forms for the request wizard and triage. They parse input; services decide the
rules and their `Invalid` errors are put next to the fields they name."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import REGION_SETTING_LIMITS, Municipality, Region
from core.forms import AccessibleForm, SearchableChoiceField
from intake import crypto
from intake.models import Gender, Kind, LegalStatus, Outcome, TriageDecision, Urgency
from intake.services import ASSIGNMENT_REQUIRED, TRIAGE_REQUIRED
from intake.services.requests import YOUTH_FIELDS
from intake.taxonomy import care_type_choices, intensity_choices
from placement import services
from placement.models import (
    PROVIDER_DECLINE_REASONS,
    AftercareDestination,
    EndReason,
    FallThroughParty,
    FallThroughReason,
    IntroductionOutcome,
    WaitingReason,
)
from placement.services.region_settings import PARKING_REASONS
from placement.services.youth import request_number_parse

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
    municipality = SearchableChoiceField(
        label=_("Woongemeente"),
        queryset=Municipality.objects.select_related("region").order_by("name"),
        help_text=_(
            "De woongemeente bepaalt de verantwoordelijke regio. Typ een deel van de naam en kies uit de lijst."
        ),
        error_messages={"unknown": _("Deze gemeente kennen we niet. Typ een deel van de naam en kies uit de lijst.")},
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
    service_required = TRIAGE_REQUIRED

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
    service_required = ASSIGNMENT_REQUIRED

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
    return_explanation = forms.CharField(
        label=_("Toelichting op het perspectief"), required=False, widget=forms.Textarea
    )
    safety_risks = forms.CharField(
        label=_("Risico's en signalen (veiligheidsplan)"), required=False, widget=forms.Textarea
    )
    safety_agreements = forms.CharField(label=_("Afspraken (veiligheidsplan)"), required=False, widget=forms.Textarea)


class OfferComposeForm(OfferTextsForm):
    """The offer composer: the texts, which kinds of the shareable documents go along, and
    the provider's deadline (default by urgency; the service checks the region's bounds)."""

    document_kinds = forms.MultipleChoiceField(
        label=_("Documenten die meegaan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De aanbieder ziet alleen de soort; de gekozen documenten kan hij openen zodra hij de aanmelding "
            "accepteert."
        ),
    )
    deadline = forms.DateTimeField(
        label=_("Antwoord uiterlijk"),
        required=False,  # empty: the default for the request's urgency
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, document_kinds=(), bounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_kinds"].choices = list(document_kinds)
        if not document_kinds:
            del self.fields["document_kinds"]
        if bounds:
            earliest, latest = (timezone.localtime(b) for b in bounds)
            self.fields["deadline"].widget.attrs.update(
                {"min": earliest.strftime("%Y-%m-%dT%H:%M"), "max": latest.strftime("%Y-%m-%dT%H:%M")}
            )
            self.fields["deadline"].help_text = _(
                "Vooringevuld volgens de urgentie (leeg laten kan ook); kies een moment tussen %(earliest)s en "
                "%(latest)s."
            ) % {"earliest": earliest.strftime("%d-%m-%Y %H:%M"), "latest": latest.strftime("%d-%m-%Y %H:%M")}

    def text_fields(self):
        return [self[name] for name in self.fields if name not in ("document_kinds", "deadline")]


def overrides_from_post(data) -> list[dict]:
    """The composer's overrides: every ticked finding (`override`) with its reason
    (`override_reason:<finding id>`). The service decides whether they hold."""
    return [
        {"finding": finding_id, "reason": data.get(f"override_reason:{finding_id}", "")}
        for finding_id in dict.fromkeys(data.getlist("override"))
    ]


class AcceptForm(AccessibleForm):
    """Accepting an offer; the confirmation that the place is really free records a fresh
    availability confirmation and is required when the availability is stale."""

    availability_confirmed = forms.BooleanField(
        label=_("Ik bevestig dat er nu echt een plek vrij is (bemensd en bruikbaar)"),
        required=False,
        help_text=_("Dit geldt als uw bevestiging van de beschikbaarheid van deze locatie."),
    )

    def __init__(self, *args, confirmation_required=False, **kwargs):
        if confirmation_required:
            self.service_required = services.ACCEPT_REQUIRED_WHEN_STALE
        super().__init__(*args, **kwargs)


class DeclineForm(AccessibleForm):
    service_required = services.DECLINE_REQUIRED

    reason = forms.ChoiceField(
        label=_("Reden van afwijzing"), choices=[("", "---------")] + list(PROVIDER_DECLINE_REASONS)
    )
    motivation = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht: de coördinator bespreekt afwijzingen met aanbieders."),
    )


class ReofferReasonForm(AccessibleForm):
    """Decline policy: why this request goes again to a provider that refused it before
    (required then; the service decides and names the field)."""

    reoffer_reason = forms.CharField(
        label=_("Reden om opnieuw aan te melden"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
    )


class ParkingLiftForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Reden om het parkeren op te heffen"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "aria-required": "true"}),
    )


class OfferWithdrawForm(AccessibleForm):
    service_required = services.OFFER_WITHDRAW_REQUIRED

    reason = forms.CharField(label=_("Reden van intrekken"), required=False, widget=forms.Textarea)


class IntroductionForm(AccessibleForm):
    """The introduction visit (kennismaking); the service checks the date and outcome."""

    service_required = services.INTRODUCTION_REQUIRED

    date = forms.DateField(label=_("Datum van de kennismaking"), required=False, widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), required=False, choices=[("", "---------")] + list(IntroductionOutcome.choices)
    )
    note = forms.CharField(label=_("Notitie"), required=False, widget=forms.Textarea)


class FallThroughForm(AccessibleForm):
    """A refusal after acceptance. The coordinator names the party; provider staff record
    only their own retraction (the view leaves `party` out for them)."""

    service_required = services.FALL_THROUGH_REQUIRED

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
    service_required = services.WITHDRAW_ACCEPTED_REQUIRED

    reason = forms.CharField(
        label=_("Reden van intrekken"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Verplicht: de vastgehouden plek wordt vrijgegeven en de aanbieder krijgt de reden te zien."),
    )


class WaitForm(AccessibleForm):
    service_required = services.WAIT_REQUIRED

    reason = forms.ChoiceField(
        label=_("Waarom wacht het verzoek?"), choices=[("", "---------")] + list(WaitingReason.choices)
    )
    bridging_care = forms.CharField(label=_("Overbruggingszorg: wat"), required=False, widget=forms.Textarea)
    bridging_provider = forms.CharField(label=_("Overbrugging door"), required=False, max_length=200)
    bridging_from = forms.DateField(label=_("Overbrugging vanaf"), required=False, widget=DateInput())


class PlacementStartForm(AccessibleForm):
    service_required = services.PLACEMENT_START_REQUIRED

    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    school = forms.CharField(label=_("School"), required=False, max_length=200)
    handover = forms.CharField(label=_("Overdracht"), required=False, widget=forms.Textarea)
    transport = forms.CharField(label=_("Vervoer (leerlingenvervoer)"), required=False, max_length=200)
    funding = forms.CharField(label=_("Bekostiging"), required=False, max_length=200)


class PlacementEndForm(AccessibleForm):
    service_required = services.PLACEMENT_END_REQUIRED

    end_date = forms.DateField(label=_("Einddatum"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reden van beëindiging (CBS)"), choices=[("", "---------")] + list(EndReason.choices)
    )
    destination = forms.ChoiceField(
        label=_("Waar gaat de jeugdige na vertrek heen?"),
        choices=[("", "---------")] + list(AftercareDestination.choices),
        help_text=_("Kies 'Onbekend' als u het niet weet; uitstroom naar lichtere zorg is een kerncijfer."),
    )
    narrative = forms.CharField(label=_("Toelichting op het einde"), required=False, widget=forms.Textarea)
    needs_new_place = forms.BooleanField(label=_("Heeft een nieuwe plek nodig (doorplaatsing)"), required=False)


# --- region settings (issue 11) -----------------------------------------------------------


class RegionSettingsForm(AccessibleForm):
    """The region's coordination settings. Each number's bounds come from
    `accounts.models.REGION_SETTING_LIMITS`; the service checks how settings relate."""

    INTEGER_FIELDS = (
        "freshness_days",
        "offer_response_working_days",
        "offer_response_working_days_urgent",
        "offer_response_hours_crisis",
        "offer_deadline_min_hours",
        "offer_deadline_max_working_days",
        "crisis_dossier_working_days",
        "machtiging_warning_days",
        "decline_parking_days",
    )
    SECTIONS = (
        (_("Beschikbaarheid"), ("freshness_days",)),
        (
            _("Termijnen voor het antwoord op een aanmelding"),
            (
                "offer_response_working_days",
                "offer_response_working_days_urgent",
                "offer_response_hours_crisis",
                "offer_deadline_min_hours",
                "offer_deadline_max_working_days",
            ),
        ),
        (_("Crisis en machtiging"), ("crisis_dossier_working_days", "machtiging_warning_days")),
        (_("Matching en afwijzingen"), ("group_fit_hard", "decline_parking_reasons", "decline_parking_days")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.INTEGER_FIELDS:
            model_field = Region._meta.get_field(name)
            low, high = REGION_SETTING_LIMITS[name]
            self.fields[name] = forms.IntegerField(
                label=capfirst(model_field.verbose_name),
                min_value=low if low is not None else 0,
                max_value=high,
                widget=forms.NumberInput(attrs={"class": "utrecht-textbox utrecht-textbox--numeric"}),
            )
        self.fields["group_fit_hard"] = forms.BooleanField(
            label=capfirst(Region._meta.get_field("group_fit_hard").verbose_name),
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}),
            help_text=_("Uit: wie niet bij de groep past, komt lager in de lijst met de reden erbij."),
        )
        self.fields["decline_parking_reasons"] = forms.MultipleChoiceField(
            label=capfirst(Region._meta.get_field("decline_parking_reasons").verbose_name),
            choices=PARKING_REASONS,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Na een afwijzing om een van deze redenen wordt de aanvraag even niet aangemeld."),
        )

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


# --- one youth across requests (issue 11 point 3) -------------------------------------------


class YouthLinkForm(AccessibleForm):
    """Link this request to the youth of an earlier request (by its number). Every error at
    once: the number is read here as the service reads it, the service checks the rest."""

    target_request = forms.CharField(
        label=_("Verzoeknummer van het eerdere verzoek"),
        max_length=20,
        help_text=_("Bijvoorbeeld PV-000123. U kunt alleen koppelen aan een verzoek dat u zelf mag inzien."),
    )
    reason = forms.CharField(
        label=_("Waarom is dit dezelfde jeugdige?"),
        widget=forms.Textarea,
        help_text=_("Bijvoorbeeld: zelfde naam, geboortedatum en ouders; geen BSN bekend."),
    )

    def clean_target_request(self):
        value = self.cleaned_data["target_request"]
        if request_number_parse(value) is None:
            raise forms.ValidationError(_("Vul het verzoeknummer in, bijvoorbeeld PV-000123."))
        return value


class YouthUnlinkForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Waarom is dit niet dezelfde jeugdige?"),
        widget=forms.Textarea,
        help_text=_("Het verzoek krijgt een eigen kopie van de gegevens van de jeugdige."),
    )


# --- crisis placements (issue 11) --------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CrisisPlacementForm(AccessibleForm):
    """One step: what is known of the youth, the referrer, the facility and the start.
    The fields the service requires are marked required; the service checks them all at
    once (also when a field could not be read), so every error shows next to its field."""

    facility = forms.ChoiceField(label=_("Locatie"), required=True)
    started_at = forms.DateTimeField(label=_("Start (datum en tijd)"), required=True, widget=DateTimeInput())
    municipality = forms.ModelChoiceField(
        label=_("Woongemeente"),
        required=True,
        queryset=Municipality.objects.select_related("region").order_by("name"),
        help_text=_("De woongemeente bepaalt de verantwoordelijke regio."),
    )
    referrer_organisation = forms.ChoiceField(
        label=_("Verwijzende organisatie"),
        required=True,
        help_text=_("Deze organisatie vult het dossier aan."),
    )
    given_names = forms.CharField(label=_("Voornamen"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Achternaam"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Geslacht"), choices=Gender.choices, initial=Gender.UNKNOWN)
    bsn = forms.CharField(label=_("BSN"), max_length=20, required=False, help_text=_("Alleen als het bekend is."))
    note = forms.CharField(
        label=_("Overdracht"), required=False, widget=forms.Textarea, help_text=_("Wat de locatie nu moet weten.")
    )

    YOUTH_FIELDS = (
        "municipality",
        "referrer_organisation",
        "given_names",
        "family_name",
        "birth_date",
        "gender",
        "bsn",
    )

    def __init__(self, *args, facilities=(), referrers=(), placement_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", "---------")] + [
            (
                str(f.pk),
                _("%(name)s (%(provider)s), %(free)s vrij")
                % {"name": f.name, "provider": f.provider.name, "free": f.free},
            )
            for f in facilities
        ]
        self.fields["referrer_organisation"].choices = [("", "---------")] + [(str(o.pk), o.name) for o in referrers]
        if placement_request is not None:  # the request's youth and referrer are known
            for name in self.YOUTH_FIELDS:
                del self.fields[name]

    def value(self, name):
        """The parsed value, or None when the field is missing or could not be read."""
        return (self.cleaned_data or {}).get(name) if name in self.fields else None


class CrisisFollowUpTriageForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Besluit over het dossier van de crisisplaatsing"),
        widget=forms.RadioSelect,
        choices=[
            ("stay", _("De jeugdige blijft op de crisisplek (omzetten naar een gewone plaatsing)")),
            ("longer_term", _("Een langere plek zoeken (doorplaatsing, het verzoek gaat naar matching)")),
        ],
    )
    reason = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea)


class PlacementChangeForm(AccessibleForm):
    """A change in place (issue 11): the current intensity, legal status and care type
    are filled in; change what changes. The effective date and the reason are required
    and shown so, but the service checks them, so that every error comes at once."""

    SERVICE_REQUIRED = ("effective_date", "reason")

    intensity = forms.ChoiceField(label=_("Intensiteit (G7)"), required=False, choices=[])
    legal_status = forms.ChoiceField(label=_("Juridische status"), required=False, choices=[])
    machtiging_end_date = forms.DateField(
        label=_("Machtiging gesloten jeugdzorg geldig tot en met"),
        required=False,
        widget=DateInput(),
        help_text=_("Alleen bij een machtiging; een verlenging is een nieuwe einddatum."),
    )
    care_type = forms.ChoiceField(label=_("Zorgvorm"), required=False, choices=[])
    effective_date = forms.DateField(label=_("Ingangsdatum"), widget=DateInput())
    reason = forms.CharField(label=_("Reden van de wijziging"), widget=forms.Textarea)

    def __init__(self, *args, placement=None, **kwargs):
        if placement is not None and not args and "initial" not in kwargs:
            youth = placement.youth
            kwargs["initial"] = {
                "intensity": placement.intensity,
                "legal_status": youth.legal_status,
                "machtiging_end_date": youth.machtiging_end_date,
                "care_type": placement.care_type.code if placement.care_type_id else "",
                "effective_date": timezone.localdate(),
            }
        kwargs.setdefault("auto_id", "id_change_%s")  # the page also carries the end form (its own `reason`)
        super().__init__(*args, **kwargs)
        unchanged = [("", _("(ongewijzigd)"))]
        self.fields["intensity"].choices = unchanged + intensity_choices()
        self.fields["legal_status"].choices = unchanged + list(LegalStatus.choices)
        self.fields["care_type"].choices = unchanged + care_type_choices()

    def full_clean(self):
        for name in self.SERVICE_REQUIRED:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in self.SERVICE_REQUIRED:
                self.fields[name].required = True


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
