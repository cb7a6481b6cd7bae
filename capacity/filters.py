"""The filters of the capacity board, shared by the web board and GET /api/v1/facilities.

They narrow a list that `capacity.selectors.facility_list` already scoped to the user;
they never widen it. Unknown codes or out-of-range numbers are query errors (400 in the API, naming the parameter).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Organisation, Region
from capacity.models import FACILITY_GENDER_CHOICES, CareType, SecurityLevel, Specialisation


@extend_schema_field(OpenApiTypes.STR)
class CodeMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Taxonomy codes (repeatable: ?care_type=a&care_type=b)."""


YES_NO = [("true", _("ja")), ("false", _("nee"))]  # anything else is a field error, not ignored


class FacilityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken op naam"), method="filter_q")
    care_type = CodeMultipleChoiceFilter(
        label=_("Zorgvorm"), field_name="care_type__code", to_field_name="code", queryset=CareType.objects.all()
    )
    specialisation = CodeMultipleChoiceFilter(
        label=_("Specialisatie"),
        field_name="specialisations__code",
        to_field_name="code",
        queryset=Specialisation.objects.all(),
        conjoined=True,
    )
    age = django_filters.NumberFilter(label=_("Leeftijd"), method="filter_age", min_value=0, max_value=27)
    gender = django_filters.ChoiceFilter(label=_("Geslacht"), choices=FACILITY_GENDER_CHOICES, method="filter_gender")
    security_level = django_filters.ChoiceFilter(label=_("Beveiligingsniveau"), choices=SecurityLevel.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Jeugdregio (ligging)"),
        field_name="municipality__region",
        to_field_name="code",
        queryset=Region.objects.all(),
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("Zorgaanbieder"), queryset=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    )
    has_free = django_filters.ChoiceFilter(label=_("Met vrije plaats"), choices=YES_NO, method="filter_has_free")
    fresh_only = django_filters.ChoiceFilter(
        label=_("Alleen actuele opgaven"), choices=YES_NO, method="filter_fresh_only"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sorteren"),
        fields=(
            ("name", "name"),
            ("free", "free"),
            ("municipality__name", "municipality"),
            ("provider__name", "provider"),
            ("last_confirmed_at", "last_confirmed_at"),
            ("places_contracted", "places_contracted"),
        ),
    )

    class Meta:
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:  # an empty form field means "no filter", not an invalid value
            data = data.copy()
            for key in list(data.keys()):
                values = [v for v in data.getlist(key) if v.strip()] if hasattr(data, "getlist") else data[key]
                if hasattr(data, "setlist"):
                    if values:
                        data.setlist(key, values)
                    else:
                        del data[key]
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_min__lte=value, age_max__gte=value)

    def filter_gender(self, queryset, name, value):
        return queryset.filter(genders__contains=[value])

    def filter_has_free(self, queryset, name, value):
        return queryset.filter(free__gt=0) if value == "true" else queryset.filter(free__lte=0)

    def filter_fresh_only(self, queryset, name, value):
        return queryset.filter(is_stale=False) if value == "true" else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("name", "id")
        elif "id" not in queryset.query.order_by:
            queryset = queryset.order_by(*queryset.query.order_by, "id")  # stable pages
        return queryset
