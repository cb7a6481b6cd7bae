"""Issue 14 (api-push): the webhook events of offers (accounts/webhooks.py). An offer event
reaches the provider the offer went to and the coordination points of the request's
region: nobody else may see the offer. Payloads carry ids, states, times and API links
only: no pseudonym, no referral text, no request reference."""

from accounts.webhooks import api_link, webhook_emit


def offer_data(offer, **extra) -> dict:
    return {
        "offer": {
            "id": offer.pk,
            "url": api_link("api-offer", offer.pk),
            "status": offer.status,
            "deadline": offer.deadline.isoformat(),
            "created_at": offer.created_at.isoformat(),
            "answered_at": offer.answered_at.isoformat() if offer.answered_at else None,
            **extra,
        },
        "facility": {"id": offer.facility_id, "url": api_link("api-facility", offer.facility_id)},
    }


def offer_webhook(offer, event_type: str, **extra) -> None:
    webhook_emit(
        event_type=event_type,
        organisation_ids={offer.provider_id},
        coordination_region=offer.request.region_id,
        data=offer_data(offer, **extra),
    )
