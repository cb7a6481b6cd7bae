"""The form above the "what to contract" page (issue 16.3): the report filters (region,
period, the waiting norm as `threshold`) and the two targets. Every bad field is named at
once, next to the field; the period's rules stay in `scope_from_params`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from planning.contracting import DEFAULT_OCCUPANCY, DEFAULT_SHARE, Targets
from reporting.forms import ReportFilterForm
from reporting.reports.common import DEFAULT_THRESHOLD_DAYS

TARGET_KEYS = ("share", "occupancy")
BOUNDS = {"share": (1, 99), "occupancy": (1, 99)}


class ContractingForm(ReportFilterForm):
    share = forms.CharField(
        label=_("Deel dat langer dan de norm mag wachten (%)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 99, "inputmode": "numeric"}),
    )
    occupancy = forms.CharField(
        label=_("Beoogde bezetting (%)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 99, "inputmode": "numeric"}),
    )

    def __init__(self, data, *, membership):
        super().__init__(data, membership=membership)
        self.targets = None
        self.fields["share"].widget.attrs.update({"placeholder": str(DEFAULT_SHARE), "class": "utrecht-textbox"})
        self.fields["occupancy"].widget.attrs.update(
            {"placeholder": str(DEFAULT_OCCUPANCY), "class": "utrecht-textbox"}
        )

    def full_clean(self):
        super().full_clean()  # region, period and norm: every bad one named
        values = {"share": DEFAULT_SHARE, "occupancy": DEFAULT_OCCUPANCY}
        for key in TARGET_KEYS:
            raw = self._values(key)
            if not raw:
                continue
            low, high = BOUNDS[key]
            try:
                values[key] = int(str(raw[0] if isinstance(raw, list) else raw).strip())
                if not low <= values[key] <= high:
                    raise ValueError
            except ValueError:
                self.add_error(
                    key, _("Geef een percentage van %(low)s tot en met %(high)s.") % {"low": low, "high": high}
                )
                self._mark(key)
        if self.errors:
            self.scope = None
            return
        self.targets = Targets(
            norm_days=self.scope.threshold_days if self.scope else DEFAULT_THRESHOLD_DAYS,
            share=values["share"],
            occupancy=values["occupancy"],
        )

    def query_params(self) -> dict:
        params = super().query_params()
        return params | {k: self._values(k) for k in TARGET_KEYS if self._values(k)}
