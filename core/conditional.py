"""Issue 14 (api-behaviour): ETag / If-Match / If-None-Match for the API (RFC 9110).

The ETag is strong: the SHA-256 of the representation the caller gets (the JSON data,
keys sorted), so it changes exactly when what the caller would see changes.

- GET: `conditional_response(request, data)` sends `ETag`; with a matching
  `If-None-Match` (or `*`) the answer is 304 without a body.
- PATCH / PUT: the view locks the row and calls `precondition_check(request, current)`
  before changing anything; `current` is a callable giving the representation as the
  caller would GET it now. A stale `If-Match` is 412 problem+json and nothing changes;
  a matching one (or `*`) lets the change through. The answer carries the new `ETag`.
  Weak tags (`W/"..."`) never match If-Match (strong comparison).

`conditional_parameters(method)` documents the headers for drf-spectacular.
"""

import hashlib
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from core.errors import DomainError


class PreconditionFailed(DomainError):
    status = 412
    title = _("De gegevens zijn intussen gewijzigd")
    code = "precondition_failed"


def etag_of(data) -> str:
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:40] + '"'


def _tags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def conditional_response(request, data, *, status_code=status.HTTP_200_OK) -> Response:
    """`data` with its ETag; 304 when the client's If-None-Match already names it."""
    tag = etag_of(data)
    wanted = request.headers.get("If-None-Match")
    if wanted is not None and request.method in ("GET", "HEAD"):
        tags = _tags(wanted)
        # If-None-Match uses the weak comparison: W/"x" matches "x"
        if "*" in tags or tag in [t.removeprefix("W/") for t in tags]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
    return Response(data, status=status_code, headers={"ETag": tag})


def precondition_check(request, current) -> None:
    """Raise PreconditionFailed (412) when If-Match does not name the current ETag.

    `current` is called only when the header is there: the representation as the caller
    would GET it now (call it with the row locked, so nothing changes in between)."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    tags = _tags(wanted)
    if "*" in tags:
        return
    if etag_of(current()) not in tags:
        raise PreconditionFailed(
            _("Iemand anders heeft dit intussen gewijzigd. Haal de gegevens opnieuw op en probeer het nog eens.")
        )


def conditional_parameters(method: str) -> list[OpenApiParameter]:
    """The request headers of conditional requests, as drf-spectacular documents them."""
    if method == "GET":
        return [
            OpenApiParameter(
                name="If-None-Match",
                type=OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                required=False,
                description="An ETag from an earlier GET; when it is still current the answer is 304 without body.",
            )
        ]
    return [
        OpenApiParameter(
            name="If-Match",
            type=OpenApiTypes.STR,
            location=OpenApiParameter.HEADER,
            required=False,
            description=(
                "The ETag of the representation the change is based on (from GET). When the resource changed "
                "in between the answer is 412 and nothing changes. Without the header the change is applied."
            ),
        )
    ]


ETAG_HEADER = OpenApiParameter(
    name="ETag",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=True,
    description="Strong entity tag of the representation (send it back in If-Match / If-None-Match).",
)

NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match ETag is still current (no body).")
PRECONDITION_FAILED = OpenApiResponse(
    description="problem+json `precondition_failed`: the If-Match ETag is stale; nothing changed."
)
