"""Writes for the PDF documents of a request (the zorgvraag dossier and others): upload,
removal, and whether a document may go to a provider with an offer."""

import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.events import event_record
from core.pdf import pdf_validate
from core.private_files import private_write
from intake.models import Document, Status
from intake.services.analyses import content_edit_check
from intake.services.workflow import coordinator_check, request_lock

# --- documents -------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"


def _read_upload(upload) -> bytes:
    if upload is None:
        raise Invalid.field("file", _("Kies een bestand."))
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise Invalid.field(
            "file",
            _("Het bestand is te groot (maximaal %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)},
            code="too_large",
        )
    content = b"".join(upload.chunks())
    if len(content) > limit:
        raise Invalid.field(
            "file",
            _("Het bestand is te groot (maximaal %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)},
            code="too_large",
        )
    if not content:
        raise Invalid.field("file", _("Het bestand is leeg."))
    if not content.lstrip(b"\r\n\t ")[:5] == PDF_MAGIC:
        raise Invalid.field("file", _("Alleen PDF-bestanden zijn toegestaan."), code="not_pdf")
    pdf_validate(content)  # issue 14: parsed, not encrypted, no JavaScript
    return content


def document_upload(*, placement_request, upload, kind: str, title: str, by, membership) -> Document:
    """Store a PDF outside the web root, encrypted, and register it (content checked, not
    the name)."""
    problems = []
    if kind not in Document.DocumentKind.values:
        problems.append({"name": "kind", "reason": _("Kies het soort document.")})
    if problems:
        raise Invalid(invalid_params=problems)
    content = _read_upload(upload)
    storage_name = f"{uuid.uuid4().hex}.pdf"
    path = settings.PRIVATE_MEDIA_ROOT / "documents" / storage_name
    private_write(path, content)  # encrypted at rest, mode 0600 in a 0700 directory
    try:
        with transaction.atomic():
            locked = request_lock(placement_request)
            content_edit_check(locked, membership)
            original = (getattr(upload, "name", "") or "document.pdf")[-255:]
            document = Document.objects.create(
                request=locked,
                kind=kind,
                title=(title or "").strip()[:200] or original[:200],
                original_name=original,
                storage_name=storage_name,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=by,
            )
            event_record(
                subject=locked,
                event_type="document_uploaded",
                by=by,
                organisation=membership.organisation,
                details={"document_id": document.pk, "kind": kind},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


@transaction.atomic
def document_set_shareable(*, document: Document, shareable: bool, by, membership) -> Document:
    """The coordinator decides which documents may go to a provider with an offer."""
    coordinator_check(membership, document.request)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.shareable != shareable:
        document.shareable = shareable
        document.save(update_fields=["shareable"])
        event_record(
            subject=document.request,
            event_type="document_shareable_changed",
            by=by,
            organisation=membership.organisation,
            details={"document_id": document.pk, "shareable": shareable},
        )
    return document


# Before any offer was made a coordinator may still remove a document (e.g. a PDF of the
# wrong child); from the first offer on the documents are part of what went to providers.
COORDINATOR_REMOVE_FROM = frozenset(
    {Status.SUBMITTED, Status.RETURNED, Status.EXPERT_TABLE, Status.MATCHING, Status.WAITING}
)
# Where the request must keep its zorgvraag dossier (it has passed the gate into matching).
ZORGVRAAG_KEPT_IN = frozenset({Status.MATCHING, Status.WAITING})


def documents_removable_by_coordinator(placement_request) -> bool:
    """The coordinator's rule (screens ask it too): before any offer was made."""
    return placement_request.status in COORDINATOR_REMOVE_FROM and not placement_request.offers.exists()


@transaction.atomic
def document_remove(*, document: Document, by, membership) -> None:
    """Remove an uploaded PDF: the referrer while the request is a draft or returned (the
    same rule as every content edit), the coordinator of the region before any offer was
    made. The row goes, an event records what went (kind, size, hash; not the title), and
    the encrypted file is deleted from disk once the transaction commits."""
    if membership is None:
        raise Forbidden()
    placement_request = request_lock(document.request)
    if membership.role == Role.COORDINATOR:
        coordinator_check(membership, placement_request)
        if not documents_removable_by_coordinator(placement_request):
            raise Conflict(
                _("Na de eerste aanmelding bij een aanbieder kan een document niet meer worden verwijderd."),
                code="document_after_offer",
            )
    elif membership.role == Role.REFERRER:
        content_edit_check(placement_request, membership)
    else:
        raise Forbidden()
    document = Document.objects.select_for_update().filter(pk=document.pk, request=placement_request).first()
    if document is None:
        raise NotFound()
    if (
        placement_request.status in ZORGVRAAG_KEPT_IN
        and document.kind == Document.DocumentKind.ZORGVRAAG
        and not placement_request.documents.filter(kind=document.kind).exclude(pk=document.pk).exists()
    ):
        raise Conflict(
            _(
                "Dit is het enige zorgvraagdossier van een verzoek in matching. Stuur het verzoek terug naar de "
                "verwijzer voor een ander dossier."
            ),
            code="last_zorgvraag",
        )
    path = document.path
    details = {"document_id": document.pk, "kind": document.kind, "size": document.size, "sha256": document.sha256}
    document.delete()
    event_record(
        subject=placement_request,
        event_type="document_removed",
        by=by,
        organisation=membership.organisation,
        details=details,
    )
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
