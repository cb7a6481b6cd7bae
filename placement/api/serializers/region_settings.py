"""The region's coordination settings in the API."""

from rest_framework import serializers

from accounts.models import REGION_SETTING_LIMITS
from core.api import StrictSerializer
from placement.services.region_settings import PARKING_REASONS

_DESCRIPTIONS = {
    "freshness_days": "Days an availability confirmation stays fresh.",
    "offer_response_working_days": "Working days a provider has to answer a regular offer.",
    "offer_response_working_days_urgent": "Working days for an urgent offer; at most the regular term.",
    "offer_response_hours_crisis": "Hours for a crisis offer.",
    "offer_deadline_min_hours": "Shortest deadline a coordinator may set on one offer, in hours; "
    "at most the crisis term.",
    "offer_deadline_max_working_days": "Longest deadline a coordinator may set on one offer, in working days; "
    "at least the regular term.",
    "crisis_dossier_working_days": "Working days after a crisis placement's start within which the dossier "
    "(the follow-up request) is due.",
    "machtiging_warning_days": "Days before a machtiging ends that the coordinator and provider are told.",
    "decline_parking_days": "Days a request stays parked after a decline with one of "
    "`decline_parking_reasons`; required (> 0) when reasons are chosen.",
}


def _integer(name, **kwargs):
    low, high = REGION_SETTING_LIMITS[name]
    return serializers.IntegerField(
        min_value=low if low is not None else 0, max_value=high, help_text=_DESCRIPTIONS[name], **kwargs
    )


RegionSettingsSerializer = type(
    "RegionSettingsSerializer",
    (StrictSerializer,),
    {
        "__doc__": "All settings; a PATCH sends any subset. Rules between settings are checked by "
        "the server and reported per setting in `invalid_params`.",
        "code": serializers.CharField(read_only=True, help_text="CBS code of the region, e.g. JZ14."),
        "name": serializers.CharField(read_only=True),
        **{name: _integer(name, required=False) for name in _DESCRIPTIONS},
        "group_fit_hard": serializers.BooleanField(
            required=False, help_text="Fit with a small home's current group is a hard criterion (default: soft)."
        ),
        "decline_parking_reasons": serializers.ListField(
            child=serializers.ChoiceField(choices=PARKING_REASONS),
            required=False,
            help_text="Decline reasons after which a request is parked.",
        ),
    },
)


# Issue 14 (api-resources): PUT replaces every setting, so each one is required.
RegionSettingsReplaceSerializer = type(
    "RegionSettingsReplaceSerializer",
    (StrictSerializer,),
    {
        "__doc__": "Every setting (PUT replaces them all); rules between settings are checked by the server "
        "and reported per setting in `invalid_params`.",
        "code": serializers.CharField(read_only=True, help_text="CBS code of the region, e.g. JZ14."),
        "name": serializers.CharField(read_only=True),
        **{name: _integer(name) for name in _DESCRIPTIONS},
        "group_fit_hard": serializers.BooleanField(
            help_text="Fit with a small home's current group is a hard criterion (default: soft)."
        ),
        "decline_parking_reasons": serializers.ListField(
            child=serializers.ChoiceField(choices=PARKING_REASONS),
            help_text="Decline reasons after which a request is parked.",
        ),
    },
)
