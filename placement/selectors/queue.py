"""The coordinator's work queue (issue 11): every open request of their regions, most
urgent first, with its working days waiting, the deadline that runs on it and how much
time is left, its owner, and whether it is a transfer or a re-entry; filters and a
search on the request number (never on names: the youth's identity is encrypted at rest
and must not be searched).

A constant number of queries whatever the number of rows (requests with their owner and
latest offer, the access log of the names shown, and for waiting requests the facilities
and refusals); tests/placement/test_queue.py counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Municipality, Role
from accounts.selectors import region_ids_of
from capacity.selectors import active_band_codes
from intake import selectors as intake_selectors
from intake.models import Kind, PlacementRequest, Status, urgency_rank
from intake.selectors import LIST_DEFERRED_YOUTH, access_log_bulk, request_scope
from placement.deadlines import AMSTERDAM, add_working_days, time_left
from placement.matching import Group, evaluate
from placement.models import Offer, OfferStatus
from placement.selectors.matching import facilities_for_matching, facility_facts, need_for_request
from placement.waiting import working_days_waiting_now

# The statuses the queue holds (a request leaves it when it is closed or its placement ended).
QUEUE_STATUSES = (
    Status.SUBMITTED,
    Status.EXPERT_TABLE,
    Status.RETURNED,
    Status.MATCHING,
    Status.WAITING,
    Status.OFFERED,
    Status.ACCEPTED,
    Status.PLACED,
)
OWNER_MINE = "mine"
OWNER_NOBODY = "nobody"


@dataclass(frozen=True)
class QueueFilters:
    """What the coordinator narrowed the queue to (all optional; validated by the form)."""

    status: str = ""
    urgency: str = ""
    owner: str = ""  # "", "mine", "nobody" or a user id
    kind: str = ""
    municipality: int | None = None
    reference: int | None = None  # the request id from a request number
    searched: bool = False  # a search was given (that may match nothing)


def owner_candidates(*, region_ids) -> list:
    """The active coordinators of these regions: who may own a request there."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
            memberships__regions__in=list(region_ids),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def queue_choices(*, membership) -> dict:
    """Choices for the queue's filter form: the coordinators and municipalities of the
    membership's regions."""
    region_ids = region_ids_of(membership)
    return {
        "owners": owner_candidates(region_ids=region_ids),
        "municipalities": Municipality.objects.filter(region_id__in=region_ids).order_by("name"),
    }


def _filtered(queryset, filters: QueueFilters, membership):
    if filters.searched:
        queryset = queryset.filter(pk=filters.reference) if filters.reference else queryset.none()
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.urgency:
        queryset = queryset.filter(urgency=filters.urgency)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.municipality:
        queryset = queryset.filter(youth__municipality_id=filters.municipality)
    if filters.owner == OWNER_MINE:
        queryset = queryset.filter(owner_id=membership.user_id)
    elif filters.owner == OWNER_NOBODY:
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner:
        queryset = queryset.filter(owner_id=int(filters.owner))
    return queryset


def _annotate(rows, *, now):
    """Working days waiting, the deadline and the time left, the marks (per row, in Python,
    on what the one query read)."""
    today = timezone.localtime(now, AMSTERDAM).date()
    for r in rows:
        r.working_days_waiting = working_days_waiting_now(r, today)
        r.deadline = r.latest_offer_deadline if r.status == Status.OFFERED else None
        r.deadline_label = "offer" if r.deadline else ""
        r.time_left = time_left(r.deadline, now) if r.deadline else None
        r.overdue = bool(r.time_left and r.time_left["overdue"])
        r.is_transfer = r.kind == Kind.TRANSFER
        r.is_reentry = bool(r.earlier_request) and not r.is_transfer


def queue_sort_key(r):
    """Most urgent first, then the longest waiting (the original referral date)."""
    return (urgency_rank(r.urgency), r.referral_date, r.pk)


def referrer_requests(*, membership, now=None) -> list:
    """The referrer's own requests (identity reads logged): the open ones first, most
    urgent and longest waiting first, each with its working days waiting; then the
    drafts, then the closed and ended ones, newest first."""
    now = now or timezone.now()
    today = timezone.localtime(now, AMSTERDAM).date()
    rows = list(intake_selectors.request_list(membership=membership, log_identities=True))
    for r in rows:
        r.working_days_waiting = working_days_waiting_now(r, today)

    def key(r):
        if r.working_days_waiting is not None:
            return (0, urgency_rank(r.urgency), r.referral_date.toordinal(), r.pk)
        group = 1 if r.status == Status.DRAFT else 2
        return (group, 0, -r.created_at.timestamp(), -r.pk)

    return sorted(rows, key=key)


def coordinator_queue(*, membership, now=None, filters: QueueFilters | None = None) -> dict:
    """The coordinator's work queue by next step (see placement.views.requests.QUEUE_SECTIONS),
    each section sorted by urgency and then time (offers by their deadline)."""
    now = now or timezone.now()
    filters = filters or QueueFilters()
    latest = Offer.objects.filter(request_id=OuterRef("pk")).order_by("-created_at", "-id")
    earlier = PlacementRequest.objects.filter(
        youth_id=OuterRef("youth_id"), created_at__lt=OuterRef("created_at"), referral_date__isnull=False
    ).exclude(pk=OuterRef("pk"))
    queryset = (
        request_scope(membership)
        .filter(status__in=QUEUE_STATUSES)
        .select_related("youth__municipality", "region", "referrer_organisation", "analysis", "owner")
        .defer(*LIST_DEFERRED_YOUTH)  # encrypted columns the queue does not show
        .annotate(
            latest_offer_status=Subquery(latest.values("status")[:1]),
            latest_offer_deadline=Subquery(latest.values("deadline")[:1]),
            latest_offer_id=Subquery(latest.values("id")[:1]),
            earlier_request=Exists(earlier),
        )
    )
    rows = list(_filtered(queryset, filters, membership))
    if rows:
        access_log_bulk(membership=membership, requests=rows, view="queue")
    _annotate(rows, now=now)
    waiting = [r for r in rows if r.status == Status.WAITING]
    fitting_now: dict[int, int] = {}
    if waiting:
        facilities = list(facilities_for_matching(membership=membership, now=now))
        refused = {}
        for request_id, provider_id in Offer.objects.filter(
            request__in=waiting, status__in=(OfferStatus.DECLINED, OfferStatus.EXPIRED)
        ).values_list("request_id", "provider_id"):
            refused.setdefault(request_id, set()).add(provider_id)
        band_order = active_band_codes()
        for placement_request in waiting:
            need = need_for_request(placement_request, band_order=band_order)
            declined = frozenset(refused.get(placement_request.pk, ()))
            count = sum(
                1
                for f in facilities
                if evaluate(need, facility_facts(f, declined_providers=declined)).group == Group.AVAILABLE
            )
            if count:
                fitting_now[placement_request.pk] = count
    for r in rows:
        r.fitting_free = fitting_now.get(r.pk, 0)
    soon = add_working_days(timezone.localtime(now, AMSTERDAM).date(), 1)
    key = queue_sort_key

    def by_deadline(r):
        return (r.latest_offer_deadline or now, urgency_rank(r.urgency), r.pk)

    in_matching = [r for r in rows if r.status == Status.MATCHING]
    near_deadline = [
        r
        for r in rows
        if r.status == Status.OFFERED
        and r.latest_offer_deadline
        and timezone.localtime(r.latest_offer_deadline, AMSTERDAM).date() <= soon
    ]
    near = {r.pk for r in near_deadline}
    return {
        "new": sorted([r for r in rows if r.status == Status.SUBMITTED], key=key),
        "expert_table": sorted([r for r in rows if r.status == Status.EXPERT_TABLE], key=key),
        "returned": sorted([r for r in rows if r.status == Status.RETURNED], key=key),
        "declined": sorted([r for r in in_matching if r.latest_offer_status == OfferStatus.DECLINED], key=key),
        "expired": sorted([r for r in in_matching if r.latest_offer_status == OfferStatus.EXPIRED], key=key),
        "matching": sorted(
            [r for r in in_matching if r.latest_offer_status not in (OfferStatus.DECLINED, OfferStatus.EXPIRED)],
            key=key,
        ),
        "waiting_fitting": sorted([r for r in waiting if r.fitting_free], key=key),
        "waiting": sorted([r for r in waiting if not r.fitting_free], key=key),
        # Each request once: an offer near (or past) its deadline is not repeated below.
        "near_deadline": sorted(near_deadline, key=by_deadline),
        "offered": sorted([r for r in rows if r.status == Status.OFFERED and r.pk not in near], key=by_deadline),
        "accepted": sorted([r for r in rows if r.status == Status.ACCEPTED], key=key),
        "placed": sorted([r for r in rows if r.status == Status.PLACED], key=key),
        "total": len(rows),
    }
