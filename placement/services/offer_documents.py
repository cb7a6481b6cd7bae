"""Which of a request's shareable documents go along with an offer (issue 14 point 6).

The composer chooses the kinds when the offer is sent (`offer_create`); while the offer is
open, i.e. before the provider has answered and before any file opens to it, the
coordinator of the request's region may change that choice. After an answer (accepted:
the files are open to the provider; declined, expired, withdrawn: the provider is done)
the choice is fixed: 409. The same kinds rule as the composer
(`offer_document_kinds_check`); the referral keeps the documents by id and kind only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.events import event_record
from intake.services.workflow import coordinator_check
from placement.models import Offer, OfferStatus
from placement.referral import referral_documents
from placement.services.offers import offer_document_kinds_check


def offer_documents_editable(offer) -> bool:
    """The choice may change while the provider has not answered."""
    return offer.status == OfferStatus.OPEN


@transaction.atomic
def offer_documents_set(*, offer: Offer, document_kinds: list[str], by, membership) -> Offer:
    """Replace the kinds of documents that go with `offer` ([]: none). Coordinator of the
    request's region only (403); an answered offer: 409 `offer_answered`; a kind without a
    shareable document: 422 naming `document_kinds`. Recorded as an event with the old and
    new kinds."""
    coordinator_check(membership, offer.request)
    locked = Offer.objects.select_for_update(of=("self",)).select_related("request").get(pk=offer.pk)
    if not offer_documents_editable(locked):
        raise Conflict(
            _("De aanbieder heeft al geantwoord; de meegestuurde documenten liggen vast."), code="offer_answered"
        )
    kinds, problems = offer_document_kinds_check(locked.request, document_kinds)
    if problems:
        raise Invalid(problems[0]["reason"], code="no_such_document", invalid_params=problems)
    before = sorted({d["kind"] for d in locked.referral.get("documents", [])})
    documents = referral_documents(locked.request, kinds)
    after = sorted({d["kind"] for d in documents})
    if before == after and [d["id"] for d in documents] == [d["id"] for d in locked.referral.get("documents", [])]:
        return locked
    locked.referral = {**locked.referral, "documents": documents}
    locked.save(update_fields=["referral"])
    event_record(
        subject=locked.request,
        event_type="offer_documents_changed",
        by=by,
        organisation=membership.organisation,
        details={"offer": locked.pk, "old": before, "new": after},
    )
    return locked
