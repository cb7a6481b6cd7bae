"""Reads of one youth across requests (issue 11 point 3): the youth's page (every request,
offer, placement and transfer in one timeline, as the reader may see them), re-entry
within six months, and transfers and changes of provider per youth.

Who sees the youth's page: the coordinator of a region in which the youth has a request
(submitted, not a draft), and the referrer whose organisation filed one of the youth's
requests. Each sees only the requests they may see anyway (`intake.selectors.request_scope`)
with the timeline rules of the request page (`request_timeline`: a provider named only
from its acceptance, except to the coordinator). A referrer sees nothing of another
organisation's request on the youth, not even that it exists; a coordinator sees that the
youth also has a request in another region by the region's name and contact only (the
possible-duplicate rule). Anyone else, and a youth with no request in the reader's scope:
NotFound. Every page read writes one access-log row for the youth.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from core.access_log import Purpose, access_log_record
from core.errors import NotFound
from intake.models import Kind, PlacementRequest, Youth
from intake.selectors import (
    PURPOSE_BY_ROLE,
    request_timeline,
    youth_hidden_regions,
    youth_requests,
)
from placement.models import Offer, Placement, Transfer

# A request is a re-entry (herinstroom) when the youth's earlier placement ended at most
# this long before the new request's referral date.
REENTRY_MONTHS = 6
YOUTH_PAGE_ROLES = frozenset({Role.REFERRER, Role.COORDINATOR})


def _reference_day(placement_request: PlacementRequest) -> date:
    """The day a request counts from: its referral date, or (a draft) the day it was made."""
    return placement_request.referral_date or timezone.localdate(placement_request.created_at)


def is_reentry_after(placement_request: PlacementRequest, p: Placement) -> bool:
    """The rule: `placement_request` is a re-entry after the ended placement `p` (of an
    earlier request of the same youth, ended at most REENTRY_MONTHS before the request's
    reference day). A transfer request is never a re-entry. `reentry_after_sql` is the
    same rule in SQL (tests/placement/test_reentry_sql.py holds one against the other)."""
    if placement_request.kind == Kind.TRANSFER or p.end_date is None:
        return False  # the doorplaatsing is counted as a transfer, not as a re-entry
    day = _reference_day(placement_request)
    since = day - relativedelta(months=REENTRY_MONTHS)
    return (
        p.youth_id == placement_request.youth_id
        and p.request_id != placement_request.pk
        and (p.request.created_at, p.request_id) < (placement_request.created_at, placement_request.pk)
        and p.pk != placement_request.previous_placement_id
        and since <= p.end_date <= day
    )


def reentry_after_sql(request: str = "r2", placement: str = "p", placement_request: str = "pr") -> str:
    """`is_reentry_after` as an SQL condition on a `placement_placementrequest` row `request`,
    a `placement_placement` row `placement` and that placement's request row
    `placement_request` (reports: ended placements followed by a re-entry)."""
    day = f"COALESCE({request}.referral_date, ({request}.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date)"
    return f"""({request}.kind <> '{Kind.TRANSFER}' AND {placement}.end_date IS NOT NULL
        AND {request}.youth_id = {placement}.youth_id AND {request}.id <> {placement}.request_id
        AND ({placement_request}.created_at, {placement_request}.id) < ({request}.created_at, {request}.id)
        AND {placement}.id IS DISTINCT FROM {request}.previous_placement_id
        AND {placement}.end_date BETWEEN ({day} - interval '{REENTRY_MONTHS} months')::date AND {day})"""


def _reentry_of(placement_request: PlacementRequest, ended: list[Placement]) -> Placement | None:
    earlier = [p for p in ended if is_reentry_after(placement_request, p)]
    return max(earlier, key=lambda p: (p.end_date, p.pk), default=None)


def requests_reentry(requests) -> dict[int, Placement]:
    """For each request that is a re-entry, the placement of an earlier request of the same
    youth that ended within REENTRY_MONTHS before it (the latest such one). One query for any number
    of requests. A transfer request is never a re-entry."""
    requests = list(requests)
    if not requests:
        return {}
    ended = list(
        Placement.objects.filter(youth_id__in={r.youth_id for r in requests}, end_date__isnull=False)
        .select_related("request")
        .only("id", "youth_id", "request_id", "end_date", "request__created_at")
        .order_by("end_date", "id")
    )
    found = {r.pk: _reentry_of(r, ended) for r in requests}
    return {pk: placement for pk, placement in found.items() if placement is not None}


def request_reentry(placement_request: PlacementRequest) -> Placement | None:
    """The earlier placement that makes this request a re-entry, or None."""
    return requests_reentry([placement_request]).get(placement_request.pk)


def youth_care_counts(youth_id: int, *, request_ids=None) -> dict:
    """Per youth, across requests: placements, transfers (doorplaatsingen), changes of
    provider (consecutive placements at another provider) and re-entries. With
    `request_ids` only those requests count (a page counts what its reader may see)."""
    placements = Placement.objects.filter(youth_id=youth_id)
    transfers = Transfer.objects.filter(youth_id=youth_id)
    requests = PlacementRequest.objects.filter(youth_id=youth_id)
    if request_ids is not None:
        placements = placements.filter(request_id__in=request_ids)
        transfers = transfers.filter(new_request_id__in=request_ids)
        requests = requests.filter(pk__in=request_ids)
    providers = list(placements.order_by("start_date", "id").values_list("provider_id", flat=True))
    return {
        "placements": len(providers),
        "transfers": transfers.count(),
        "provider_changes": sum(1 for before, after in zip(providers, providers[1:], strict=False) if before != after),
        "reentries": len(requests_reentry(requests)),
    }


def youth_page(*, membership, pk) -> dict:
    """The youth's page as the membership may see it (see the module text); NotFound when
    the youth has no request the membership may see. Logs the read."""
    if membership is None or membership.role not in YOUTH_PAGE_ROLES:
        raise NotFound()
    try:
        youth_id = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    requests = youth_requests(membership=membership, youth_id=youth_id)
    if not requests:
        raise NotFound()
    youth = Youth.objects.select_related("municipality").get(pk=youth_id)
    ids = [r.pk for r in requests]
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=youth,
        purpose=PURPOSE_BY_ROLE.get(membership.role, Purpose.ADMINISTRATION),
        details={"view": "youth", "requests": ids},
    )
    timeline = []
    for placement_request in requests:
        for row in request_timeline(placement_request=placement_request, membership=membership):
            timeline.append({**row, "request": placement_request})
    timeline.sort(key=lambda row: (row["occurred_at"], row["id"]))
    placements = list(
        Placement.objects.filter(request_id__in=ids).select_related("facility", "provider").order_by("start_date", "id")
    )
    transfers = list(
        Transfer.objects.filter(Q(new_request_id__in=ids) | Q(from_placement__request_id__in=ids))
        .select_related("from_placement", "new_request")
        .order_by("created_at", "id")
    )
    offers = []
    if membership.role == Role.COORDINATOR:
        offers = list(
            Offer.objects.filter(request_id__in=ids).select_related("facility", "provider").order_by("created_at", "id")
        )
    reentries = requests_reentry(requests)
    return {
        "youth": youth,
        "requests": [
            {
                "request": r,
                "reentry": reentries.get(r.pk),
                "placement": next((p for p in placements if p.request_id == r.pk), None),
            }
            for r in requests
        ],
        "timeline": timeline,
        "placements": placements,
        "transfers": transfers,
        "offers": offers,
        "counts": youth_care_counts(youth_id, request_ids=ids),
        "elsewhere": youth_hidden_regions(membership=membership, youth_id=youth_id, visible_ids=ids),
    }
