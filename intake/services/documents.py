"""Writes for the PDF documents of a request (the zorgvraag dossier and others): upload,
and whether a document may go to a provider with an offer."""

import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.events import event_record
from core.private_files import private_write
from intake.models import Document
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
