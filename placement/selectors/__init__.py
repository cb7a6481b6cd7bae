"""Reads of placement, by sub-domain. Each module is public; this package lists them so
that callers can write ``from placement import selectors``.

- matching: the need of a request against the facilities that may fit it;
- offers: offers, placements and the provider's inbox;
- queue: the coordinator's work queue (sorting, deadlines, owners, filters, search);
- youth: one youth across requests (the youth's page, re-entry, transfers and changes of
  provider per youth).
- crisis: open crisis dossiers and the facilities a crisis placement may use (issue 11);
- changes: changes in place and the machtiging watch (issue 11).
- placements: the API's lists and details of placements and transfers (issue 14).
"""

from placement.selectors.changes import (
    machtiging_ending,
    machtiging_warning_due,
    machtigingen_ending,
    placement_changes,
    running_with_machtiging,
)
from placement.selectors.crisis import crisis_facilities, crisis_followups, crisis_placement_of
from placement.selectors.matching import (
    UNFIT_PAGE_SIZE,
    declined_provider_ids,
    facilities_for_matching,
    facility_facts,
    matching_for_request,
    need_for_request,
    refusals_of,
)
from placement.selectors.offers import (
    offer_document_get,
    offer_documents_open,
    offer_get,
    offer_identity,
    offer_list,
    offer_scope,
    offer_to_answer,
    offers_of_request,
    offers_open_by_deadline,
    placement_get,
    placement_scope,
    provider_inbox,
    request_for_placement,
    transfers_of_youth,
    youth_identity,
)
from placement.selectors.placements import (
    ListFilters,
    list_filters_parse,
    placement_identity,
    placement_list,
    placement_read,
    placement_read_scope,
    transfer_get,
    transfer_list,
    transfer_scope,
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
from placement.selectors.youth import (
    REENTRY_MONTHS,
    request_reentry,
    requests_reentry,
    youth_care_counts,
    youth_page,
)

__all__ = [
    "OWNER_MINE",
    "OWNER_NOBODY",
    "QUEUE_STATUSES",
    "QueueFilters",
    "owner_candidates",
    "queue_choices",
    "referrer_requests",
    "REENTRY_MONTHS",
    "machtiging_ending",
    "machtiging_warning_due",
    "machtigingen_ending",
    "placement_changes",
    "running_with_machtiging",
    "coordinator_queue",
    "crisis_facilities",
    "crisis_followups",
    "crisis_placement_of",
    "declined_provider_ids",
    "UNFIT_PAGE_SIZE",
    "facilities_for_matching",
    "facility_facts",
    "matching_for_request",
    "need_for_request",
    "offer_document_get",
    "offer_documents_open",
    "offer_get",
    "offer_to_answer",
    "offer_identity",
    "offer_list",
    "offer_scope",
    "offers_of_request",
    "offers_open_by_deadline",
    "placement_get",
    "placement_scope",
    "provider_inbox",
    "refusals_of",
    "request_for_placement",
    "request_reentry",
    "requests_reentry",
    "transfers_of_youth",
    "youth_care_counts",
    "youth_page",
    # Issue 14 (api-resources)
    "youth_identity",
    "ListFilters",
    "list_filters_parse",
    "placement_identity",
    "placement_list",
    "placement_read",
    "placement_read_scope",
    "transfer_get",
    "transfer_list",
    "transfer_scope",
]
