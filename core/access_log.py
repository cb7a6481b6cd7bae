"""The NEN 7513 access log: every read of identifying personal data writes a row.

Selectors that return identifying data call `access_log_record` themselves, so a view
cannot show a name without the read being logged.
"""

from core.models import AccessLogEntry


class Purpose:
    TRIAGE = "triage"
    MATCHING = "matching"
    CARE = "care"
    OWN_REQUEST = "own_request"
    ANALYSIS_SUPPORT = "analysis_support"
    DOCUMENT_DOWNLOAD = "document_download"
    ADMINISTRATION = "administration"


def access_log_record(*, user, membership, subject, purpose: str, details: dict | None = None) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        role=membership.role if membership else "",
        organisation=membership.organisation if membership else None,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        purpose=purpose,
        details=details or {},
    )
