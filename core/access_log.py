"""The NEN 7513 access log: every read of identifying personal data writes a row, and so
does every refused attempt.

Selectors that return identifying data call `access_log_record` themselves, so a view
cannot show a name without the read being logged. The row's source address comes from
the request being served (`AccessLogMiddleware` puts it in a context variable, so
selectors need no request argument; a task or command records no address). Denied reads
are written in one place: `AccessLogMiddleware` turns a 403/404 answer on a route of
`DENIED_ROUTES` (pages and API calls that show a youth's identity or documents, and the
export/quarterly downloads) into an `action=denied` row.
"""

from __future__ import annotations

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from core.models import AccessLogEntry

Action = AccessLogEntry.Action
Outcome = AccessLogEntry.Outcome


class Purpose:
    TRIAGE = "triage"
    MATCHING = "matching"
    CARE = "care"
    OWN_REQUEST = "own_request"
    ANALYSIS_SUPPORT = "analysis_support"
    DOCUMENT_DOWNLOAD = "document_download"
    ADMINISTRATION = "administration"
    EXPORT = "export"
    QUARTERLY_REPORT = "quarterly_report"
    ACCESS_ATTEMPT = "access_attempt"  # a refused attempt: no purpose was granted


# The action a purpose implies when the caller names none (one place for that rule).
DEFAULT_ACTION = {Purpose.DOCUMENT_DOWNLOAD: Action.DOWNLOAD, Purpose.EXPORT: Action.EXPORT}


@dataclass(frozen=True)
class AccessContext:
    source_address: str | None


_context: ContextVar[AccessContext | None] = ContextVar("access_log_context", default=None)
# The rows logged while one API answer is made (core.idempotency stores them with the
# answer, so that a replay of that answer is logged as a read again).
_collected: ContextVar[list | None] = ContextVar("access_log_collected", default=None)


def access_context_set(context: AccessContext | None):
    return _context.set(context)


def access_context_reset(token) -> None:
    _context.reset(token)


def source_address_of(request) -> str | None:
    """REMOTE_ADDR; behind a proxy in `ACCESS_LOG_TRUSTED_PROXIES` (addresses or networks)
    the X-Forwarded-For hop nearest to us that is not itself a trusted proxy (the first
    hop when every proxy is trusted). A client cannot choose its logged address by
    sending the header itself to a server that is not behind a trusted proxy."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = [ipaddress.ip_network(p, strict=False) for p in getattr(settings, "ACCESS_LOG_TRUSTED_PROXIES", [])]

    def is_trusted(address):
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(remote):
        return str(remote) if remote else None
    hops = [_address(h) for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops or any(h is None for h in hops):
        return str(remote)
    for hop in reversed(hops):
        if not is_trusted(hop):
            return str(hop)
    return str(hops[0])


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def access_log_entry(
    *,
    user_id,
    role: str,
    organisation_id,
    subject_type: str,
    subject_id: int,
    purpose: str,
    action: str | None = None,
    outcome: str = Outcome.ALLOWED,
    details: dict | None = None,
) -> AccessLogEntry:
    """An unsaved row with the address of the request being served (for bulk_create)."""
    context = _context.get()
    entry = AccessLogEntry(
        user_id=user_id,
        role=role,
        organisation_id=organisation_id,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        action=action or DEFAULT_ACTION.get(purpose, Action.VIEW),
        outcome=outcome,
        source_address=context.source_address if context else None,
        details=details or {},
    )
    collected = _collected.get()
    if collected is not None:
        collected.append(entry)
    return entry


@contextmanager
def access_log_collecting():
    """Collect the rows logged inside the block (yields the list they are appended to)."""
    token = _collected.set([])
    try:
        yield _collected.get()
    finally:
        _collected.reset(token)


def access_log_summary(entries) -> list[dict]:
    """What a stored answer needs to log its reads again: no personal data, only the subjects."""
    return [
        {
            "role": entry.role,
            "organisation_id": entry.organisation_id,
            "subject_type": entry.subject_type,
            "subject_id": entry.subject_id,
            "purpose": entry.purpose,
            "action": entry.action,
            "details": entry.details,
        }
        for entry in entries
        if entry.outcome == Outcome.ALLOWED and entry.action != Action.DENIED
    ]


def access_log_replayed(*, user, summary: list[dict]) -> None:
    """Log again the reads of an answer sent once more (an `Idempotency-Key` replay): the
    same subjects, purposes and actions, marked as a replay."""
    if summary:
        AccessLogEntry.objects.bulk_create(
            [
                access_log_entry(
                    user_id=user.pk,
                    **{**row, "details": {**row.get("details", {}), "idempotent_replay": True}},
                )
                for row in summary
            ]
        )


def access_log_record(
    *, user, membership, subject, purpose: str, details: dict | None = None, action: str | None = None
) -> AccessLogEntry:
    entry = access_log_entry(
        user_id=user.pk,
        role=membership.role if membership else "",
        organisation_id=membership.organisation_id if membership else None,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        purpose=purpose,
        action=action,
        details=details,
    )
    entry.save(force_insert=True)
    return entry


# --- denied reads ------------------------------------------------------------------------
# Routes (view names) whose answer shows a youth's identity or documents, or an export:
# route -> (model label, URL argument holding its pk, path from that model to the youth or
# None). A 403/404 on one of them by a logged-in user is logged with the youth as subject
# when the object exists (so an inzage lists who tried), else with the object tried.
_REQUEST = ("placement.PlacementRequest", "pk", "youth_id")
_OFFER = ("placement.Offer", "pk", "request__youth_id")
DENIED_ROUTES = {
    "placement:request-detail": _REQUEST,
    "placement:request-step": _REQUEST,
    "placement:document-download": _REQUEST,
    "placement:matching": _REQUEST,
    "placement:offer-compose": _REQUEST,
    "placement:placement-start": _REQUEST,
    "placement:provider-offer": _OFFER,
    "placement:provider-offer-document": _OFFER,
    "analyses:assignment-detail": ("analyses.AnalysisAssignment", "pk", "request__youth_id"),
    "api-request": _REQUEST,
    "api-request-analysis": _REQUEST,
    "api-request-documents": _REQUEST,
    "api-request-document": _REQUEST,
    "api-request-events": _REQUEST,
    "api-request-offers": _REQUEST,
    "api-request-placement": _REQUEST,
    "api-offer": _OFFER,
    # Issue 11 point 3: the youth's page (all requests) and linking a request to a youth.
    "placement:youth-detail": ("placement.Youth", "pk", None),
    "placement:youth-link": _REQUEST,
    "placement:youth-unlink": _REQUEST,
    "api-youth": ("placement.Youth", "pk", None),
    "api-request-youth-link": _REQUEST,
    "api-request-youth-unlink": _REQUEST,
    # Issue 14 (api-resources): the placement detail (identity), API downloads.
    "api-placement": ("placement.Placement", "pk", "youth_id"),
    "api-export-download": ("reporting.ExportJob", "pk", None),
    "api-quarterly-pdf": ("reporting.QuarterlyReport", "pk", None),
    "api-quarterly-xlsx": ("reporting.QuarterlyReport", "pk", None),
    "reporting:export-download": ("reporting.ExportJob", "pk", None),
    "reporting:quarterly-download": ("reporting.QuarterlyReport", "pk", None),
    "reporting:quarterly-page": ("reporting.QuarterlyReport", "pk", None),
}
DENIED_STATUSES = frozenset({403, 404})


def access_log_denied(request, response) -> AccessLogEntry | None:
    """The `denied` row for a refused read (called by AccessLogMiddleware), or None when
    the answer is no refusal of a listed route."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if response.status_code not in DENIED_STATUSES or match is None or match.view_name not in DENIED_ROUTES:
        return None
    if user is None or not user.is_authenticated:
        return None
    label, argument, youth_path = DENIED_ROUTES[match.view_name]
    model = apps.get_model(label)
    object_id = match.kwargs.get(argument)
    subject_type, subject_id = model._meta.label_lower, object_id
    if youth_path and object_id is not None:
        youth_id = model._default_manager.filter(pk=object_id).values_list(youth_path, flat=True).first()
        if youth_id is not None:
            subject_type, subject_id = "placement.youth", youth_id
    membership = getattr(request, "membership", None)
    entry = access_log_entry(
        user_id=user.pk,
        role=membership.role if membership else "",
        organisation_id=membership.organisation_id if membership else None,
        subject_type=subject_type,
        subject_id=subject_id if subject_id is not None else 0,
        purpose=Purpose.ACCESS_ATTEMPT,
        action=Action.DENIED,
        outcome=Outcome.REFUSED,
        details={
            "route": match.view_name,
            "status": response.status_code,
            "method": request.method,
            **{key: value for key, value in match.kwargs.items()},
        },
    )
    entry.save(force_insert=True)
    return entry
