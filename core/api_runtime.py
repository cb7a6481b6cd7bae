"""Issue 14 (api-core): what every answer under /api/ shares, whatever view (or no view)
gives it.

`ApiRuntimeMiddleware` sits outside every other middleware that may answer (the 503 of
core.unavailable, CORS, CSRF, the lockout) and, for paths under /api/ only:

- speaks the language the client asks for (`Accept-Language`, Dutch by default), never the
  language cookie of a session (`api_language`);
- refuses a query string it cannot read before any view sees it: a name or value that is
  not UTF-8, holds a NUL byte or is longer than `MAX_QUERY_VALUE_LENGTH` -> 400
  problem+json naming the parameter; a path holding a NUL byte, or an id in the path
  beyond a bigint, names nothing -> 404;
- takes query parameters in lowerCamelCase (`careType`, `pageSize`) and still accepts the
  snake_case names of API 1.0 (`care_type`, `page_size`) as deprecated aliases, answering
  `Deprecation` and `Warning` when one is used (`QUERY_ALIASES`; the views and filtersets
  keep the snake_case names, the web pages share them);
- sends `API-Version` (the full semver of SPECTACULAR_SETTINGS["VERSION"]) on every answer,
  and the `RateLimit-*` headers the throttles (core.throttling) noted;
- turns every error that is not problem+json yet (Django's 413 text, a debug 500 page, a
  4xx of a middleware) into problem+json with the same status.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from core.renderers import PROBLEM_JSON

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Longer than any code, date, number or search a client has reason to send.
MAX_QUERY_VALUE_LENGTH = 500
MAX_QUERY_NAME_LENGTH = 100
MAX_ID = 2**63 - 1  # ids are PostgreSQL bigints

# lowerCamelCase name -> the snake_case name the views and filtersets read (API 1.0's
# name, accepted as a deprecated alias until the next minor version). Every query
# parameter of the API with more than one word is here; tests/api/test_design_rules_runtime.py
# fails when the schema names a snake_case query parameter missing from this list.
QUERY_ALIASES = {
    "pageSize": "page_size",  # pagination (core.renderers.Pagination)
    "careType": "care_type",  # GET /facilities (capacity.filters.FacilityFilter)
    "securityLevel": "security_level",
    "hasFree": "has_free",
    "freshOnly": "fresh_only",
    "fundingForm": "funding_form",  # GET /contracts (capacity.contract_serializers)
    "activeOn": "active_on",
}
SNAKE_TO_CAMEL = {snake: camel for camel, snake in QUERY_ALIASES.items()}
# RFC 9745: the moment the snake_case names were deprecated (API 1.1.0), as a
# structured-field date; they stop working with the next minor version after that.
ALIASES_DEPRECATED_AT = 1796083200  # 2026-12-01T00:00:00Z


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_version() -> str:
    return str(settings.SPECTACULAR_SETTINGS["VERSION"])


def api_language(request) -> str:
    """The first language of `Accept-Language` the product speaks; Dutch without one."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def problem_body(status: int, title, detail=None, *, code=None, invalid_params=None) -> dict:
    """The one shape of a problem+json body (core.api.problem in DRF, `problem_response`
    outside it): every entry of `invalid_params` has `name`, `code` and `reason`, as the
    spec's ProblemDetails requires (a service check that names no code gives `invalid`)."""
    body = {"type": f"about:blank#{code}" if code else "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if invalid_params:
        body["invalid_params"] = [
            {
                **param,
                "name": str(param.get("name", "")),
                "code": str(param.get("code") or "invalid"),
                "reason": str(param.get("reason", "")),
            }
            for param in invalid_params
        ]
    return body


def problem_response(status: int, title, detail=None, *, code=None, invalid_params=None, headers=None) -> HttpResponse:
    """A problem+json answer outside DRF (middleware, error handlers)."""
    body = problem_body(status, title, detail, code=code, invalid_params=invalid_params)
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON, headers=headers)


def status_title(status: int) -> str:
    titles = {
        400: _("Ongeldig verzoek"),
        401: _("Niet ingelogd"),
        403: _("Geen toegang"),
        404: _("Niet gevonden"),
        405: _("Methode niet toegestaan"),
        406: _("Niet acceptabel"),
        409: _("De actie is nu niet toegestaan"),
        413: _("Verzoek te groot"),
        415: _("Niet-ondersteund mediatype"),
        422: _("De invoer is niet geldig"),
        429: _("Te veel verzoeken"),
        500: _("Interne fout"),
        503: _("Dienst tijdelijk niet beschikbaar"),
    }
    return titles.get(status, _("Fout"))


# --- the query string ---------------------------------------------------------------------


def _shown(name: str) -> str:
    """A parameter name fit to repeat in an answer (no NUL, not endless)."""
    return name.replace("\x00", "?")[:MAX_QUERY_NAME_LENGTH]


def query_string_problems(query_string: str) -> list[dict]:
    """Every parameter of the raw query string that cannot be read, named."""
    problems = []
    for chunk in query_string.split("&"):
        if not chunk:
            continue
        raw_name, _eq, raw_value = chunk.partition("=")
        name_bytes = unquote_to_bytes(raw_name.replace("+", " "))
        value_bytes = unquote_to_bytes(raw_value.replace("+", " "))
        name = name_bytes.decode("utf-8", errors="replace")
        reason = code = None
        try:
            name_bytes.decode("utf-8")
            value = value_bytes.decode("utf-8")
        except UnicodeDecodeError:
            code, reason = "not_utf8", _("Gebruik UTF-8 voor namen en waarden in de query.")
        else:
            if "\x00" in name or "\x00" in value:
                code, reason = "nul_byte", _("Een NUL-teken is niet toegestaan.")
            elif len(name) > MAX_QUERY_NAME_LENGTH:
                code, reason = "too_long", _("Deze parameternaam is te lang.")
            elif len(value) > MAX_QUERY_VALUE_LENGTH:
                code = "too_long"
                reason = _("Gebruik hoogstens %(max)s tekens.") % {"max": MAX_QUERY_VALUE_LENGTH}
        if reason:
            problems.append({"name": _shown(name), "code": code, "reason": str(reason)})
    return problems


def camel_query(query: QueryDict) -> tuple[QueryDict, list[str]]:
    """The query with lowerCamelCase names turned into the names the views read, and the
    deprecated snake_case aliases that were used (a camelCase name wins over its alias)."""
    result = QueryDict(mutable=True)
    deprecated = []
    for name in query:
        if name in QUERY_ALIASES:
            result.setlist(QUERY_ALIASES[name], query.getlist(name))
        elif name in SNAKE_TO_CAMEL:
            deprecated.append(name)
            if SNAKE_TO_CAMEL[name] not in query:
                result.setlist(name, query.getlist(name))
        else:
            result.setlist(name, query.getlist(name))
    result._mutable = False
    return result, deprecated


def client_name(internal: str, request) -> str:
    """The name the client used for the query parameter a view knows as `internal`."""
    sent = getattr(request, "api_query_names", {})
    return sent.get(internal, SNAKE_TO_CAMEL.get(internal, internal))


def rename_invalid_params(invalid_params: list[dict], request) -> list[dict]:
    """Name query parameters in `invalid_params` as the client sent them (`pageSize`,
    or the alias `page_size` when that was used); body fields are left alone."""
    query_names = set(getattr(request, "api_query_internal", ()))
    return [
        {**param, "name": client_name(param["name"], request)} if param.get("name") in query_names else param
        for param in invalid_params
    ]


# --- the body -----------------------------------------------------------------------------


def body_limit(request) -> int | None:
    """The largest body accepted: an upload (multipart) up to the upload limit plus its
    form, anything else (JSON) up to DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_response() -> HttpResponse:
    return problem_response(
        413, status_title(413), _("Het verzoek is groter dan de server aanneemt."), code="request_too_large"
    )


def body_too_large(request) -> HttpResponse | None:
    """413 before reading a body whose Content-Length is over the limit."""
    limit = body_limit(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django reads such a body as empty
    if limit is not None and length > limit:
        return too_large_response()
    return None


# --- the middleware -----------------------------------------------------------------------


def _as_problem(response) -> HttpResponse:
    """An error answer that is not problem+json yet, as problem+json with its status."""
    status = response.status_code
    if status == 413:
        return too_large_response()
    detail = None
    if status >= 500:
        detail = _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")
    keep = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow", "Vary")}
    return problem_response(status, status_title(status), detail, headers=keep)


class ApiRuntimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        translation.activate(api_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self._answer(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_JSON):
            if response.status_code >= 500:
                logger.error("api error answered as problem+json", extra={"status": response.status_code})
            response = _as_problem(response)
        response["API-Version"] = api_version()
        self._deprecation(request, response)
        self._rate_limit(request, response)
        return response

    def _answer(self, request):
        too_large = body_too_large(request)
        if too_large:
            return too_large
        if "\x00" in request.path_info:
            return problem_response(404, status_title(404), code="not_found")
        problems = query_string_problems(request.META.get("QUERY_STRING", ""))
        if problems:
            return problem_response(
                400, status_title(400), " ".join(p["reason"] for p in problems), code="invalid", invalid_params=problems
            )
        query, deprecated = camel_query(request.GET)
        request.GET = query
        request.api_deprecated_params = deprecated
        request.api_query_internal = list(query)
        request.api_query_names = {name: name for name in deprecated}
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """An id in the path beyond what the database can hold (a bigint) names nothing:
        404, before a query with it fails (`bigint out of range`)."""
        if not is_api(request):
            return None
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in [*view_args, *view_kwargs.values()]):
            return problem_response(404, status_title(404), code="not_found")
        return None

    @staticmethod
    def _deprecation(request, response):
        deprecated = getattr(request, "api_deprecated_params", None)
        if not deprecated:
            return
        response["Deprecation"] = f"@{ALIASES_DEPRECATED_AT}"
        warnings = []
        for name in deprecated:
            text = _("Verouderde queryparameter %(old)s: gebruik %(new)s") % {"old": name, "new": SNAKE_TO_CAMEL[name]}
            warnings.append(f'299 - "{text}"')
        response["Warning"] = ", ".join(warnings)

    @staticmethod
    def _rate_limit(request, response):
        noted = getattr(request, "api_rate_limit", None)
        if noted is None:
            return
        response["RateLimit-Limit"] = str(noted.limit)
        response["RateLimit-Remaining"] = str(noted.remaining)
        response["RateLimit-Reset"] = str(noted.reset)
        response["RateLimit-Policy"] = f"{noted.limit};w={noted.window}"
