"""Forms of the reporting screens: the filters above every report page and the quarterly
report's request and commentary. The rules live in `scope_from_params` and the services
(one place); these forms only put every message next to its field, all at once."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid
from core.forms import AccessibleForm
from reporting.reports import REPORT_MODULES
from reporting.reports.common import DEFAULT_THRESHOLD_DAYS, scope_from_params, visible_regions
from reporting.services import COMMENTARY_MAX, previous_quarter
from reporting.titles import report_title

FILTER_KEYS = ("region", "from", "to", "threshold")


class DateInput(forms.DateInput):
    input_type = "date"


class ReportFilterForm(AccessibleForm):
    region = forms.MultipleChoiceField(label=_("Regio"), required=False, widget=forms.SelectMultiple(attrs={"size": 3}))
    threshold = forms.CharField(
        label=_("Wachtnorm in dagen"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 3650, "inputmode": "numeric"}),
        help_text=_("Wie langer wacht dan dit aantal dagen, telt als lang wachtend."),
    )

    def __init__(self, data, *, membership):
        data = data.copy() if hasattr(data, "copy") else dict(data)
        super().__init__(data)
        self.membership = membership
        self.scope = None
        # "from" is a Python keyword: these two are added by name.
        self.fields["from"] = forms.CharField(label=_("Van"), required=False, widget=DateInput())
        self.fields["to"] = forms.CharField(label=_("Tot en met"), required=False, widget=DateInput())
        self.order_fields(FILTER_KEYS)
        self.fields["region"].choices = [(r.code, r.name) for r in visible_regions(membership)]
        self.fields["threshold"].widget.attrs["placeholder"] = str(DEFAULT_THRESHOLD_DAYS)
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("class", "utrecht-textbox")

    def _post_clean(self):
        """Ask `scope_from_params` until it accepts: each time it names a field, note the
        error and leave that field out, so every bad field is reported at once.
        NotFound (a region the user may not see) is not caught: the view answers 404."""
        params = {k: self._values(k) for k in FILTER_KEYS}
        seen = set()
        while True:
            try:
                self.scope = scope_from_params(self.membership, params)
                break
            except Invalid as exc:
                names = [p["name"] for p in exc.invalid_params] or [""]
                if any(n in seen for n in names):  # already reported: stop asking
                    break
                self.apply_invalid(exc)
                if not all(n in FILTER_KEYS for n in names):  # not about one field: nothing to leave out
                    break
                seen.update(names)
                for name in names:
                    params.pop(name, None)
        if self.errors:
            self.scope = None

    def _values(self, key):
        if hasattr(self.data, "getlist"):
            return [v for v in self.data.getlist(key) if v != ""]
        value = self.data.get(key)
        return [] if value in (None, "") else value

    def full_clean(self):
        # The fields themselves hold any text; validity is the scope's rule.
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}
        self._post_clean()
        for name in list(self._errors):
            self._mark(name)

    def query_params(self) -> dict:
        """The filters as the report builders take them."""
        return {k: self._values(k) for k in FILTER_KEYS if self._values(k)}


class QuarterlyRequestForm(AccessibleForm):
    region = forms.CharField(label=_("Regio"), required=False, widget=forms.Select)
    year = forms.CharField(
        label=_("Jaar"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1})
    )
    quarter = forms.CharField(
        label=_("Kwartaal"),
        required=False,
        widget=forms.Select(choices=[("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]),
    )

    def __init__(self, *args, regions=(), **kwargs):
        year, quarter = previous_quarter(timezone.localdate())
        kwargs.setdefault("initial", {"year": year, "quarter": str(quarter)})
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = [(r.code, r.name) for r in regions]


class CommentaryForm(AccessibleForm):
    """One text per section of the report (field name: the report's code)."""

    def __init__(self, *args, report=None, **kwargs):
        kwargs.setdefault("initial", dict(report.commentary or {}) if report else {})
        super().__init__(*args, **kwargs)
        for code in REPORT_MODULES:
            self.fields[code] = forms.CharField(
                label=_("Toelichting: %(section)s") % {"section": report_title(code)},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENTARY_MAX}),
            )
