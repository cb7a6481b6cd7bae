"""Issue 14 (api-behaviour): `Idempotency-Key` on every POST that creates or moves something.

A client that is not sure its POST arrived sends it again with the same `Idempotency-Key`
header. `IdempotentMixin` on an API view makes that safe:

- first time: the key is reserved (a row in `core.IdempotencyKey`, committed before the
  action runs), the action runs, and a successful (2xx) answer is stored: status, body,
  `Content-Type` and `Location`. A refused action (4xx) changed nothing; its reservation
  is dropped so the client can correct and retry with the same key.
- same caller, same key, same method + path + body, within 24 h: the stored answer comes
  back (header `Idempotent-Replayed: true`) and nothing is done again.
- a replay sends the stored answer again, so the reads of identifying data the first
  answer logged (NEN 7513) are logged again, marked `idempotent_replay`.
- same caller and key with a different body (or another operation): 422 problem+json
  naming `Idempotency-Key`.
- same key while the first request is still running: 409 problem+json
  (`idempotency_in_flight`); retry after it finished.

The database guards it: a unique constraint on (user, key), so of two concurrent first
requests exactly one inserts the reservation. A reservation whose request died (worker
killed) is taken over after IDEMPOTENCY_IN_FLIGHT_SECONDS. Keys are per user: the same
key of two users are two keys. Beat deletes rows older than IDEMPOTENCY_TTL_HOURS
(`core.tasks.idempotency_keys_prune`).

`idempotency_parameters()` is the schema's description of the header (drf-spectacular);
the mixin adds it to every POST of the view, and other parts may reuse it.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.settings import api_settings

from core.access_log import access_log_collecting, access_log_replayed, access_log_summary
from core.errors import Conflict, Invalid
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
METHODS = frozenset({"POST"})


def idempotency_parameters() -> list[OpenApiParameter]:
    """The `Idempotency-Key` request header, as drf-spectacular documents it."""
    return [
        OpenApiParameter(
            name=HEADER,
            type=OpenApiTypes.STR,
            location=OpenApiParameter.HEADER,
            required=False,
            description=(
                "Optional. A unique value per intended action (e.g. a UUID), at most 255 characters. "
                "Sending the same POST again with the same key within 24 hours returns the stored answer "
                "(status, body, Location; header `Idempotent-Replayed: true`) without doing it again. "
                "The same key with a different body gives 422; while the first request with the key is "
                "still running, 409."
            ),
        )
    ]


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


def _in_flight_limit() -> timedelta:
    return timedelta(seconds=getattr(settings, "IDEMPOTENCY_IN_FLIGHT_SECONDS", 120))


def _canonical(value):
    """The request body in a form that does not depend on key order or multipart boundary."""
    if hasattr(value, "lists"):  # QueryDict (form / multipart)
        return {key: [_canonical(item) for item in items] for key, items in sorted(value.lists())}
    if hasattr(value, "chunks") and hasattr(value, "seek"):  # an uploaded file
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": getattr(value, "name", ""), "sha256": digest.hexdigest()}
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def fingerprint(request) -> str:
    data = request.data
    if hasattr(request, "FILES") and request.FILES:
        body = {"data": _canonical(request.POST), "files": _canonical(request.FILES)}
    else:
        body = _canonical(data)
    text = json.dumps([request.method, request.path, body], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise Invalid.field(HEADER, _("Gebruik een sleutel van 1 tot 255 leesbare tekens."), code="idempotency_key")
    return key


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.body.encode(), status=row.status, content_type=row.content_type or None)
    if row.location:
        response["Location"] = row.location
    response[REPLAYED_HEADER] = "true"
    return response


def idempotency_reserve(*, user, key: str, fingerprint: str):
    """Reserve `key` for `user` (committed at once), or return the stored answer.

    Returns the new reservation (the action may run) or an HttpResponse to send instead.
    Raises Invalid (422) for a key reused with another body and Conflict (409) while the
    first request with the key still runs."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:
            continue  # deleted in between (pruned or dropped): try once more
        now = timezone.now()
        expired = row.created_at < now - ttl()
        abandoned = row.status is None and row.created_at < now - _in_flight_limit()
        if expired or abandoned:
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != fingerprint:
            raise Invalid.field(
                HEADER,
                _("Deze sleutel is al gebruikt voor een ander verzoek; gebruik een nieuwe sleutel."),
                code="idempotency_key_reused",
            )
        if row.status is None:
            raise Conflict(
                _("Een verzoek met deze sleutel wordt nog verwerkt; probeer het zo opnieuw."),
                code="idempotency_in_flight",
            )
        access_log_replayed(user=user, summary=row.access)
        return _replay(row)
    raise Conflict(
        _("Een verzoek met deze sleutel wordt nog verwerkt; probeer het zo opnieuw."),
        code="idempotency_in_flight",
    )


def idempotency_store(reservation: IdempotencyKey, response, logged=()) -> None:
    """Keep a successful answer for replay, with the reads it logged (`logged`: access
    log rows); drop the reservation of any other."""
    if not 200 <= response.status_code < 300:
        IdempotencyKey.objects.filter(pk=reservation.pk).delete()
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    reservation.status = response.status_code
    reservation.content_type = response.get("Content-Type", "")[:100]
    reservation.location = response.get("Location", "")[:500]
    reservation.body = response.content.decode()
    reservation.access = access_log_summary(logged)
    reservation.save(update_fields=["status", "content_type", "location", "body", "access"])


def idempotency_release(reservation: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=reservation.pk).delete()


def idempotency_prune(now=None) -> int:
    """Delete keys older than the time they are honoured (beat, core.tasks)."""
    now = now or timezone.now()
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=now - ttl()).delete()
    return deleted


class _Replay(Exception):
    def __init__(self, response):
        self.response = response
        super().__init__("replay")


class IdempotentAutoSchema(api_settings.DEFAULT_SCHEMA_CLASS):
    """The configured AutoSchema (settings.REST_FRAMEWORK) plus the header on every POST."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in METHODS:
            parameters.extend(idempotency_parameters())
        return parameters


class IdempotentMixin:
    """Put first in the bases of an APIView whose POST creates or moves something."""

    schema = IdempotentAutoSchema()

    def initial(self, request, *args, **kwargs):
        self._idempotency = None
        super().initial(request, *args, **kwargs)  # authentication, 403, throttling first
        if request.method not in METHODS:
            return
        key = _key_of(request)
        if key is None:
            return
        found = idempotency_reserve(user=request.user, key=key, fingerprint=fingerprint(request))
        if isinstance(found, HttpResponse):
            raise _Replay(found)
        self._idempotency = found
        self._collecting = access_log_collecting()
        self._logged = self._collecting.__enter__()

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        reservation = getattr(self, "_idempotency", None)
        if reservation is not None:
            self._idempotency = None
            self._collecting.__exit__(None, None, None)
            idempotency_release(reservation)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        reservation = getattr(self, "_idempotency", None)
        if reservation is not None:
            self._idempotency = None
            self._collecting.__exit__(None, None, None)
            idempotency_store(reservation, response, self._logged)
        return response
