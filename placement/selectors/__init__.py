"""Reads of placement, by sub-domain. Each module is public; this package lists them so
that callers can write ``from placement import selectors``.

- matching: the need of a request against the facilities that may fit it;
- offers: offers, placements and the provider's inbox;
- queue: the coordinator's work queue (sorting, deadlines, owners, filters, search).
"""

from placement.selectors.matching import (
    declined_provider_ids,
    facilities_for_matching,
    facility_facts,
    matching_for_request,
    need_for_request,
)
from placement.selectors.offers import (
    offer_document_get,
    offer_documents_open,
    offer_get,
    offer_identity,
    offer_list,
    offer_scope,
    offers_of_request,
    placement_get,
    placement_scope,
    provider_inbox,
    request_for_placement,
    transfers_of_youth,
)
from placement.selectors.queue import (
    OWNER_MINE,
    OWNER_NOBODY,
    QUEUE_STATUSES,
    QueueFilters,
    coordinator_queue,
    owner_candidates,
    queue_choices,
    referrer_requests,
)

__all__ = [
    "OWNER_MINE",
    "OWNER_NOBODY",
    "QUEUE_STATUSES",
    "QueueFilters",
    "owner_candidates",
    "queue_choices",
    "referrer_requests",
    "coordinator_queue",
    "declined_provider_ids",
    "facilities_for_matching",
    "facility_facts",
    "matching_for_request",
    "need_for_request",
    "offer_document_get",
    "offer_documents_open",
    "offer_get",
    "offer_identity",
    "offer_list",
    "offer_scope",
    "offers_of_request",
    "placement_get",
    "placement_scope",
    "provider_inbox",
    "request_for_placement",
    "transfers_of_youth",
]
