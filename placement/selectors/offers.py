"""Reads of offers and placements, scoped to the acting membership.

- provider staff: offers to (and placements at) their own organisation only; the youth's
  identity only after their organisation accepted (and every such read is access-logged);
- coordinator: offers and placements of requests in their own region(s);
- everyone else: nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import region_ids_of
from core.access_log import Purpose, access_log_record
from core.errors import NotFound
from intake.selectors import request_scope
from placement.deadlines import AMSTERDAM, add_working_days, time_left
from placement.models import Offer, OfferStatus, Placement, Transfer


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


def offer_to_answer(*, membership, pk) -> Offer:
    """The offer a provider answers, within the membership's scope (else 404), with its
    request and nothing else: the answer locks and reads both again (issue 15: the eight
    joins of `offer_get` twice per answer cost more than the answer's own work)."""
    try:
        return offer_scope(membership).select_related("request").get(pk=pk)
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
    return youth_identity(youth)


def youth_identity(youth) -> dict:
    """The identifying data a provider (after acceptance) or a coordinator is shown; the
    caller writes the access log (`offer_identity`, `placement_identity`)."""
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
        placement_request.offers.select_related("facility", "provider", "created_by", "placement").order_by(
            "created_at", "id"
        )
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


INBOX_OPEN_FIELDS = ("pk", "pseudonym", "facility__name", "referral__age", "deadline", "reconfirm_availability")


def provider_inbox(*, membership, now=None) -> dict:
    """The provider's inbox: open offers by deadline, accepted offers whose placement has
    not started, running placements, and the latest answered offers. Three queries.

    Issue 15 (perf-pages): the open offers, the long list, are plain tuples of
    `INBOX_OPEN_FIELDS` with their `time_left` (placement/inbox_html.py renders them);
    the short lists keep their objects."""
    now = now or timezone.now()
    scope = offer_scope(membership)
    open_rows = [
        (*row, time_left(row[4], now))
        for row in scope.filter(status=OfferStatus.OPEN).order_by("deadline", "id").values_list(*INBOX_OPEN_FIELDS)
    ]
    # The short lists show the pseudonym, the facility's name and the status (with the
    # placement's state): the offer with its facility and placement, not the eight joins of
    # `_offer_related` with the analysis and the request (issue 15).
    offers = list(
        scope.select_related("facility", "placement")
        .filter(
            Q(status=OfferStatus.ACCEPTED, placement__isnull=True)
            | (Q(answered_at__gte=now - timedelta(days=30)) & ~Q(status=OfferStatus.OPEN))
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
        "open": open_rows,
        "to_start": [o for o in offers if o.status == OfferStatus.ACCEPTED and not hasattr(o, "placement")],
        "answered": sorted(offers, key=lambda o: o.answered_at, reverse=True),
        "placements": placements,
        "soon": soon,
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


def offers_open_by_deadline(*, now, within: timedelta) -> dict:
    """For monitoring (issue 13, config/metrics.py): open offers whose deadline is still
    ahead but within `within` (`near`), and open offers past their deadline that the
    expiry job has not expired yet (`overdue`; the same `deadline < now` rule as
    `services.offers_expire_overdue`)."""
    return Offer.objects.filter(status=OfferStatus.OPEN).aggregate(
        near=Count("id", filter=Q(deadline__gte=now, deadline__lt=now + within)),
        overdue=Count("id", filter=Q(deadline__lt=now)),
    )
