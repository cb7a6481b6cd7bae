"""Reads of offers and placements, scoped to the acting membership.

- provider staff: offers to (and placements at) their own organisation only; the youth's
  identity only after their organisation accepted (and every such read is access-logged);
- coordinator: offers and placements of requests in their own region(s);
- everyone else: nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import region_ids_of
from core.access_log import Purpose, access_log_record
from core.errors import NotFound
from intake.models import Status
from intake.selectors import LIST_DEFERRED_YOUTH, access_log_bulk, request_scope
from placement.deadlines import AMSTERDAM, add_working_days
from placement.matching import Group, evaluate
from placement.models import Offer, OfferStatus, Placement, Transfer
from placement.selectors.matching import facilities_for_matching, facility_facts, need_for_request


def offer_scope(membership):
    queryset = Offer.objects.all()
    if membership is None:
        return queryset.none()
    if membership.role == Role.PROVIDER:
        return queryset.filter(provider_id=membership.organisation_id)
    if membership.role == Role.COORDINATOR:
        return queryset.filter(request__region_id__in=region_ids_of(membership))
    return queryset.none()


def _offer_related(queryset):
    return queryset.select_related(
        "facility__municipality",
        "facility__care_type",
        "provider",
        "analysis",
        "request__region",
        "created_by",
        "placement",
    )


def offer_list(*, membership, statuses=None):
    queryset = _offer_related(offer_scope(membership))
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("-created_at", "-id")


def offer_get(*, membership, pk) -> Offer:
    try:
        return _offer_related(offer_scope(membership)).get(pk=pk)
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def offer_identity(*, membership, offer):
    """The youth's identity for a provider whose organisation accepted the offer (or a
    coordinator), access-logged; None while the offer is not accepted."""
    if membership.role == Role.PROVIDER and offer.status != OfferStatus.ACCEPTED:
        return None
    youth = offer.request.youth
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=youth,
        purpose=Purpose.CARE if membership.role == Role.PROVIDER else Purpose.MATCHING,
        details={"request": offer.request_id, "offer": offer.pk, "view": "offer"},
    )
    return {
        "given_names": youth.given_names,
        "family_name": youth.family_name,
        "birth_date": youth.birth_date,
        "bsn": youth.bsn,
        "address": youth.address,
        "postcode": youth.postcode,
        "city": youth.city,
        "school": youth.school,
        "guardians": [
            {"name": g.name, "relationship": g.relationship, "phone": g.phone, "email": g.email}
            for g in youth.guardians.all()
        ],
    }


def offers_of_request(*, placement_request):
    return list(
        placement_request.offers.select_related("facility", "provider", "created_by").order_by("created_at", "id")
    )


def placement_scope(membership):
    queryset = Placement.objects.all()
    if membership is None:
        return queryset.none()
    if membership.role == Role.PROVIDER:
        return queryset.filter(provider_id=membership.organisation_id)
    if membership.role == Role.COORDINATOR:
        return queryset.filter(request__region_id__in=region_ids_of(membership))
    return queryset.none()


def request_for_placement(*, membership, pk):
    """The request a placement may be started for. Coordinator: a request of their region;
    provider: a request whose offer to their organisation was accepted. Anyone else:
    NotFound. Reads only the row (the caller's page logs identity reads itself)."""
    if membership is not None and membership.role == Role.COORDINATOR:
        placement_request = request_scope(membership).select_related("youth", "region").filter(pk=pk).first()
    else:
        offer = (
            offer_scope(membership).filter(request_id=pk, status=OfferStatus.ACCEPTED).select_related("request").first()
        )
        placement_request = offer.request if offer is not None else None
    if placement_request is None:
        raise NotFound()
    return placement_request


def placement_get(*, membership, pk) -> Placement:
    try:
        return (
            placement_scope(membership).select_related("request", "facility", "offer", "youth", "care_type").get(pk=pk)
        )
    except (Placement.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def transfers_of_youth(youth_id) -> int:
    return Transfer.objects.filter(youth_id=youth_id).count()


def provider_inbox(*, membership, now=None) -> dict:
    """The provider's inbox: open offers by deadline, accepted offers whose placement has
    not started, running placements, and the latest answered offers. Three queries."""
    now = now or timezone.now()
    offers = list(
        offer_list(membership=membership)
        .filter(
            Q(status=OfferStatus.OPEN)
            | Q(status=OfferStatus.ACCEPTED, placement__isnull=True)
            | Q(answered_at__gte=now - timedelta(days=30))
        )
        .order_by("deadline", "id")
    )
    placements = list(
        placement_scope(membership)
        .filter(end_date__isnull=True)
        .select_related("facility", "offer")
        .order_by("start_date", "id")
    )
    soon = add_working_days(timezone.localtime(now, AMSTERDAM).date(), 1)
    return {
        "open": [o for o in offers if o.status == OfferStatus.OPEN],
        "to_start": [o for o in offers if o.status == OfferStatus.ACCEPTED and not hasattr(o, "placement")],
        "answered": sorted(
            [o for o in offers if o.status != OfferStatus.OPEN], key=lambda o: o.answered_at, reverse=True
        ),
        "placements": placements,
        "soon": soon,
    }


def coordinator_queue(*, membership, now=None) -> dict:
    """The coordinator's work queue: every open request of their regions with its latest
    offer, and the waiting requests for which a fitting place is free now. A constant
    number of queries (requests, facilities, refusals, access log)."""
    now = now or timezone.now()
    latest = Offer.objects.filter(request_id=OuterRef("pk")).order_by("-created_at", "-id")
    statuses = [
        Status.SUBMITTED,
        Status.EXPERT_TABLE,
        Status.RETURNED,
        Status.MATCHING,
        Status.WAITING,
        Status.OFFERED,
        Status.ACCEPTED,
        Status.PLACED,
    ]
    rows = list(
        request_scope(membership)
        .filter(status__in=statuses)
        .select_related("youth__municipality", "region", "referrer_organisation", "analysis")
        .defer(*LIST_DEFERRED_YOUTH)  # encrypted columns the queue does not show
        .annotate(
            latest_offer_status=Subquery(latest.values("status")[:1]),
            latest_offer_deadline=Subquery(latest.values("deadline")[:1]),
            latest_offer_id=Subquery(latest.values("id")[:1]),
        )
    )
    if rows:
        access_log_bulk(membership=membership, requests=rows, view="queue")
    waiting = [r for r in rows if r.status == Status.WAITING]
    fitting_now: dict[int, int] = {}
    if waiting:
        facilities = list(facilities_for_matching(membership=membership, now=now))
        refused = {}
        for request_id, provider_id in Offer.objects.filter(
            request__in=waiting, status__in=(OfferStatus.DECLINED, OfferStatus.EXPIRED)
        ).values_list("request_id", "provider_id"):
            refused.setdefault(request_id, set()).add(provider_id)
        for placement_request in waiting:
            need = need_for_request(placement_request)
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

    def key(r):
        return (r.urgency != "urgent", r.referral_date, r.pk)

    in_matching = [r for r in rows if r.status == Status.MATCHING]
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
        "near_deadline": sorted(
            [
                r
                for r in rows
                if r.status == Status.OFFERED
                and r.latest_offer_deadline
                and timezone.localtime(r.latest_offer_deadline, AMSTERDAM).date() <= soon
            ],
            key=lambda r: r.latest_offer_deadline,
        ),
        "offered": sorted(
            [r for r in rows if r.status == Status.OFFERED], key=lambda r: r.latest_offer_deadline or now
        ),
        "accepted": sorted([r for r in rows if r.status == Status.ACCEPTED], key=key),
        "placed": sorted([r for r in rows if r.status == Status.PLACED], key=key),
        "total": len(rows),
    }


def offer_documents_open(offer) -> bool:
    """A provider reads the dossier's documents only while its relation with the youth
    lives: from acceptance until the placement ends (never before, nor after a decline,
    expiry or withdrawal)."""
    if offer.status != OfferStatus.ACCEPTED:
        return False
    # The reverse one-to-one is cached on the offer: the offer page reads it once for both.
    placement = getattr(offer, "placement", None) if hasattr(offer, "placement") else None
    return placement is None or placement.end_date is None


def offer_document_get(*, membership, offer, document_id):
    """A document the coordinator marked shareable and sent with this offer, for the
    provider it went to, while `offer_documents_open`; logs the download (NEN 7513)."""
    if not offer_documents_open(offer):
        raise NotFound()
    shared = {d["id"] for d in offer.referral.get("documents", [])}
    document = offer.request.documents.filter(pk=document_id, shareable=True).first()
    if document is None or document.pk not in shared:
        raise NotFound()
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=offer.request.youth,
        purpose=Purpose.DOCUMENT_DOWNLOAD,
        details={"offer": offer.pk, "document": document.pk},
    )
    return document
