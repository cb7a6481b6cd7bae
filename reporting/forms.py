"""Forms of the quarterly report: asking for one, and the region's commentary. The
services decide what is valid (so the API and the screen refuse the same); these forms
only put every message next to its field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from reporting.reports import REPORT_MODULES
from reporting.services import COMMENTARY_MAX, previous_quarter
from reporting.titles import report_title


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
