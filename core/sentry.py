"""Errors to Sentry, only when SENTRY_DSN is set, and without personal data (issue 13).

config.settings calls `sentry_init` when SENTRY_DSN is set; otherwise the SDK is never
initialised. What could carry personal data does not leave the process:
`send_default_pii=False` (no user, no address, no cookies), no request bodies
(`max_request_body_size="never"`), no local variables of the stack frames, and
`event_scrub` removes what remains of request data, cookies, the query string and the
headers that identify someone, and redacts BSNs and e-mail addresses (core.logs) in
messages, exception values and breadcrumbs. Each event gets the `request_id` tag of the
request or task it happened in (core.request_id), the id its log lines carry.
"""

from __future__ import annotations

from core.logs import redact_text
from core.request_id import request_id_current

# the parts of an event that may hold text written from data (not its ids and timestamps)
TEXT_PARTS = ("message", "logentry", "exception", "threads", "breadcrumbs", "extra", "tags", "request")
KEPT_HEADERS = {"content-type", "content-length", "accept", "accept-language", "user-agent", "x-request-id", "host"}


def _redact(value):
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [_redact(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    return value


def event_scrub(event: dict, hint: dict | None = None) -> dict:
    """before_send: the event without request bodies, cookies, query strings, identifying
    headers and user data; BSNs and e-mail addresses in every text redacted."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    event.pop("user", None)
    request_id = request_id_current()  # the id in the log lines of the same request or task
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    for key in TEXT_PARTS:
        if key in event:
            event[key] = _redact(event[key])
    return event


def breadcrumb_scrub(crumb: dict, hint: dict | None = None) -> dict:
    return _redact(crumb)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=event_scrub,
        before_breadcrumb=breadcrumb_scrub,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
