"""Input and output of the offers, matching, waiting and placements API."""

from rest_framework import serializers

from core.api import StrictSerializer
from placement.models import PROVIDER_DECLINE_REASONS, EndReason, WaitingReason
from placement.referral import OFFER_TEXT_FIELDS

# The free texts the coordinator may edit for this offer (a copy; the referrer's original stays).
OfferTextsInput = type(
    "OfferTextsInput",
    (StrictSerializer,),
    {name: serializers.CharField(required=False, allow_blank=True, max_length=20000) for name in OFFER_TEXT_FIELDS},
)


class OfferCreateInput(StrictSerializer):
    facility = serializers.IntegerField()
    texts = OfferTextsInput(required=False)


class DeclineInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=PROVIDER_DECLINE_REASONS)
    motivation = serializers.CharField(allow_blank=True, max_length=5000)


class OfferWithdrawInput(StrictSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class BridgingCareInput(StrictSerializer):
    what = serializers.CharField(allow_blank=True, max_length=2000)
    by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    since = serializers.DateField(required=False, allow_null=True, default=None)


class WaitInput(StrictSerializer):
    reason = serializers.ChoiceField(choices=WaitingReason.choices)
    bridging_care = BridgingCareInput()


class PlacementStartInput(StrictSerializer):
    start_date = serializers.DateField()
    school = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    handover = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    transport = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    funding = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class PlacementEndInput(StrictSerializer):
    end_date = serializers.DateField()
    reason = serializers.ChoiceField(choices=EndReason.choices)
    narrative = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    needs_new_place = serializers.BooleanField(required=False, default=False)


def criterion_data(criterion) -> dict:
    return {"code": criterion.code, "ok": criterion.ok, "hard": criterion.hard, "text": str(criterion.text)}


def match_data(match, facility) -> dict:
    return {
        "facility": {
            "id": facility.pk,
            "name": facility.name,
            "provider": facility.provider.name,
            "municipality": facility.municipality.name,
            "care_type": facility.care_type.code,
            "places_free": facility.free,
            "is_stale": facility.is_stale,
            "last_confirmed_at": facility.last_confirmed_at,
        },
        "group": match.group,
        "distance_km": round(match.distance_km, 1),
        "specialisation_coverage": round(match.specialisation_coverage, 2),
        "declined_this_request": match.facility.declined_this_request,
        "criteria": [criterion_data(c) for c in match.criteria],
        "failed": [c.code for c in match.failed],
    }


def matching_data(result) -> dict:
    def rows(matches):
        return [match_data(m, result.facilities[m.facility.facility_id]) for m in matches]

    return {
        "start_date": result.need.start_date,
        "available": rows(result.available),
        "full": rows(result.full),
        "unfit": rows(result.unfit),
    }


def offer_data(offer, *, for_provider: bool, identity=None) -> dict:
    """An offer as its reader may see it: the provider gets the anonymised referral and,
    once accepted, the identity; the coordinator also sees the request and provider."""
    data = {
        "id": offer.pk,
        "reference": offer.pseudonym,
        "status": offer.status,
        "facility": {"id": offer.facility_id, "name": offer.facility.name},
        "created_at": offer.created_at,
        "deadline": offer.deadline,
        "reconfirm_availability": offer.reconfirm_availability,
        "analysis_version": offer.referral.get("analysis", {}).get("version"),
        "referral": offer.referral,
        "answered_at": offer.answered_at,
        "decline_reason": offer.decline_reason,
        "motivation": offer.motivation,
        "withdraw_reason": offer.withdraw_reason,
        "placement": offer.placement.pk if hasattr(offer, "placement") else None,
    }
    if for_provider:
        data["identity"] = identity
    else:
        data["request"] = offer.request_id
        data["provider"] = {"id": offer.provider_id, "name": offer.provider.name}
    return data


def placement_data(placement) -> dict:
    return {
        "id": placement.pk,
        "offer": placement.offer_id,
        "facility": {"id": placement.facility_id, "name": placement.facility.name},
        "start_date": placement.start_date,
        "school": placement.school,
        "handover": placement.handover,
        "transport": placement.transport,
        "funding": placement.funding,
        "end_date": placement.end_date,
        "end_reason": placement.end_reason,
        "end_narrative": placement.end_narrative,
        "needs_new_place": placement.needs_new_place,
        "transfer_request": placement.transfer.new_request_id if hasattr(placement, "transfer") else None,
    }
