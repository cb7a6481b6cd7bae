"""One request id per request, in every log line it causes, on web and worker (issue 13).

`RequestIdMiddleware` (first in MIDDLEWARE) takes the id from an incoming `X-Request-ID`
header when it is well-formed (1-128 of letters, digits, `.`, `_`, `-`; what a proxy or
load balancer sends), else makes one (32 hex digits); it returns it in the `X-Request-ID`
response header and binds it to structlog's context variables, so every log line of the
request carries it (core.logs). One line per request: method, path (never the query
string), status, duration and the user's id.

A Celery task published during the request carries the id in a message header
(`before_task_publish`); the worker binds it again before the task runs (`task_prerun`),
so the worker's lines of that task carry the same id, and a task it publishes in turn
passes it on. A task without one (beat) gets its own. config.celery connects the signals.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from django.utils.functional import SimpleLazyObject, empty
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars

from core.logs import redact_text

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,128}")

log = structlog.get_logger("regie.request")


def request_id_new() -> str:
    """A uuid4 in hex, drawn again in the rare case (about 1 in 100) that it holds nine
    digits passing the 11-check: the logs' BSN redaction would change it, and the id would
    no longer read the same in the answer's header and in the log lines."""
    while True:
        value = uuid.uuid4().hex
        if redact_text(value) == value:
            return value


def request_id_well_formed(value: str | None) -> bool:
    return bool(value) and _WELL_FORMED.fullmatch(value) is not None


def request_id_current() -> str | None:
    return get_contextvars().get("request_id")


def _user_if_loaded(request):
    """The request's user when something already looked it up, else None: the log line
    must never be the first to read the database (it may be down: core/unavailable.py)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(META_KEY)
        request_id = incoming if request_id_well_formed(incoming) else request_id_new()
        request.request_id = request_id
        clear_contextvars()
        bind_contextvars(request_id=request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            user = _user_if_loaded(request)
            log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.monotonic() - started) * 1000, 1),
                user_id=user.pk if user is not None and user.is_authenticated else None,
            )
            return response
        finally:
            clear_contextvars()


# --- Celery (connected in config.celery) -------------------------------------------------


def task_publish_add_request_id(sender=None, headers=None, **kwargs) -> None:
    """before_task_publish: the id of the request (or task) that publishes goes along."""
    request_id = request_id_current()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def task_prerun_bind_request_id(sender=None, task_id=None, task=None, **kwargs) -> None:
    """task_prerun: the worker's lines of this task carry the publisher's id."""
    carried = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if not request_id_well_formed(carried):
        carried = (task.request.headers or {}).get(TASK_HEADER) if task is not None else None
    clear_contextvars()
    bind_contextvars(
        request_id=carried if request_id_well_formed(carried) else request_id_new(),
        task_id=task_id,
        task=getattr(sender, "name", None),
    )


def task_postrun_clear(**kwargs) -> None:
    clear_contextvars()
