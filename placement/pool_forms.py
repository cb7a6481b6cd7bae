"""Web forms of issue 11's pool help before submission and expert-table records. They
parse input; the services decide the rules (`intake.services.draft_help`,
`intake.services.expert_table`), and their problems go next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from intake.models import ExpertTableDecision, Outcome, ParticipantRole
from intake.services.draft_help import QUESTION_MAX_LENGTH
from placement.forms import DateInput

PARTICIPANT_SLOTS = tuple(range(1, 9))


class DraftHelpForm(AccessibleForm):
    question = forms.CharField(
        label=_("Waarmee kan de gedragswetenschapper helpen?"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kort: wat weet u al, wat lukt nog niet, wanneer kunnen jeugdige en gezin? "
            "De pool ziet alleen deze vraag en het kenmerk tot een gedragswetenschapper de vraag aanneemt."
        ),
    )


class ExpertTableForm(AccessibleForm):
    held_on = forms.DateField(label=_("Datum van de bespreking"), widget=DateInput())
    advice = forms.CharField(label=_("Advies van de experttafel"), widget=forms.Textarea)
    decision = forms.ChoiceField(label=_("Besluit"), choices=ExpertTableDecision.choices, widget=forms.RadioSelect)
    motivation = forms.CharField(
        label=_("Motivering van het besluit"),
        widget=forms.Textarea,
        help_text=_("De verwijzer ziet deze motivering."),
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst bij afsluiten"),
        choices=[("", "---------")] + list(Outcome.choices),
        required=False,
        help_text=_("Alleen bij het besluit afsluiten."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in PARTICIPANT_SLOTS:
            self.fields[f"participant_{slot}_role"] = forms.ChoiceField(
                label=_("Deelnemer %(n)s: rol") % {"n": slot},
                required=slot == 1,
                choices=[("", "---------")] + list(ParticipantRole.choices),
                widget=forms.Select(attrs={"class": "utrecht-select"}),
            )
            self.fields[f"participant_{slot}_organisation"] = forms.CharField(
                label=_("Deelnemer %(n)s: organisatie") % {"n": slot},
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
                help_text=_("Geen namen van jeugdige of gezin; bij ouders of jeugdige mag dit leeg blijven.")
                if slot == 1
                else "",
            )
        # At least one participant: the first row is required unless another row is filled.
        if self.is_bound and any(self.data.get(f"participant_{slot}_role") for slot in PARTICIPANT_SLOTS[1:]):
            self.fields["participant_1_role"].required = False

    MAIN_FIELDS = ("held_on", "advice", "decision", "motivation", "outcome")

    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    def participant_rows(self):
        return [
            (slot, self[f"participant_{slot}_role"], self[f"participant_{slot}_organisation"])
            for slot in PARTICIPANT_SLOTS
        ]

    def _participant_slots(self):
        """(slot, role, organisation) for every filled row, as typed (raw data on error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        rows = []
        for slot in PARTICIPANT_SLOTS:
            role = data.get(f"participant_{slot}_role", self.data.get(f"participant_{slot}_role", "")) or ""
            organisation = data.get(f"participant_{slot}_organisation")
            if organisation is None:
                organisation = self.data.get(f"participant_{slot}_organisation", "") or ""
            if role or organisation.strip():
                rows.append((slot, role, organisation))
        return rows

    def service_data(self) -> dict:
        """What the service takes, from whatever parsed (None where a field did not)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "held_on": data.get("held_on"),
            "advice": data.get("advice", self.data.get("advice", "")) or "",
            "decision": data.get("decision", self.data.get("decision", "")) or "",
            "motivation": data.get("motivation", self.data.get("motivation", "")) or "",
            "outcome": data.get("outcome", "") or "",
            "participants": [{"role": role, "organisation": org} for _slot, role, org in self._participant_slots()],
        }

    def participant_aliases(self) -> dict:
        """Service names (participants.<index>.<attr>) to the form's slot fields."""
        aliases = {"participants": "participant_1_role"}
        for index, (slot, _role, _org) in enumerate(self._participant_slots()):
            aliases[f"participants.{index}.role"] = f"participant_{slot}_role"
            aliases[f"participants.{index}.organisation"] = f"participant_{slot}_organisation"
        return aliases
