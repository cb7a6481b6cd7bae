"""API conventions (Dutch API Design Rules): problem+json errors, strict input, pagination.

Every error leaves the API as `application/problem+json` with `type`, `title`, `status`,
`detail` and, for field errors, `invalid_params` (`name`, `code`, `reason`).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.api_runtime import problem_body, rename_invalid_params
from core.errors import DomainError
from core.limits import serializer_fields_bound
from core.renderers import PROBLEM_JSON


def _flatten(detail, prefix=""):
    """Turn DRF's nested error detail into a flat invalid_params list."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            params.extend(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            for item in detail:
                params.append({"name": prefix, "code": getattr(item, "code", "invalid"), "reason": str(item)})
        else:
            for index, item in enumerate(detail):
                params.extend(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        params.append({"name": prefix, "code": getattr(detail, "code", "invalid"), "reason": str(detail)})
    return params


flatten_errors = _flatten  # Issue 14 (api-core): for views that answer a ValidationError themselves


def problem(status_code, title, detail=None, *, code=None, invalid_params=None, headers=None):
    body = problem_body(status_code, title, detail, code=code, invalid_params=invalid_params)
    response = Response(body, status=status_code, headers=headers)
    response["Content-Type"] = PROBLEM_JSON
    return response


def created(request, data, *locations) -> Response:
    """Issue 14 (api-core): 201 with `Location`, the URL of what was made. `locations` are
    (url name, args) pairs tried in order: the first that exists is used, so a resource's
    own detail URL takes over as soon as it is routed."""
    for name, args in locations:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": request.build_absolute_uri(url)})
    raise NoReverseMatch(f"no URL for the created resource among {[name for name, _args in locations]}")


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _is_read(context) -> bool:
    """Issue 14 (api-webhooks): a read carries no body, so input it cannot use is in its
    query string (a filter, a period, a page): 400, like `page`/`pageSize`; 422 stays for
    a body (or a write's parameters) that breaks a rule. The one place that decides."""
    request = (context or {}).get("request")
    return request is not None and request.method in SAFE_METHODS


def _query_problem(detail, invalid_params, context, headers=None):
    return problem(
        status.HTTP_400_BAD_REQUEST,
        _("Ongeldig verzoek"),
        detail,
        code="invalid",
        invalid_params=_query_names(invalid_params, context),
        headers=headers,
    )


def problem_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        if exc.status == 422 and _is_read(context):
            return _query_problem(exc.detail, exc.invalid_params, context)
        return problem(exc.status, exc.title, exc.detail, code=exc.code, invalid_params=exc.invalid_params)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's 500 handling log it
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    if isinstance(exc, exceptions.ValidationError) and _is_read(context):
        return _query_problem(
            _("Een of meer queryparameters zijn niet goed."), _flatten(exc.detail), context, headers=headers
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            _("De invoer is niet geldig"),
            _("Een of meer velden zijn niet goed ingevuld."),
            code="invalid",
            invalid_params=_query_names(_flatten(exc.detail), context),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if not isinstance(code, str):
        code = None
    titles = {
        400: _("Ongeldig verzoek"),
        401: _("Niet ingelogd"),
        403: _("Geen toegang"),
        404: _("Niet gevonden"),
        405: _("Methode niet toegestaan"),
        406: _("Niet acceptabel"),
        415: _("Niet-ondersteund mediatype"),
        429: _("Te veel verzoeken"),
    }
    return problem(
        response.status_code,
        titles.get(response.status_code, _("Fout")),
        detail,
        code=code,
        headers=headers,
    )


def _query_names(invalid_params, context):
    """Issue 14 (api-core): a query parameter named as the client sent it (`fundingForm`,
    or the deprecated `funding_form`), not as the view reads it (core.api_runtime)."""
    request = (context or {}).get("request")
    if request is None:
        return invalid_params
    return rename_invalid_params(invalid_params, getattr(request, "_request", request))


class StrictFieldsMixin:
    """Reject fields the serializer does not know, naming them (no silent ignoring).
    Every text field is bounded (core.limits, issue 14)."""

    def get_fields(self):
        return serializer_fields_bound(super().get_fields())

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Onbekend veld.")] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def api_not_found(request, *args, **kwargs):
    """A path under /api/v1 that names no endpoint: 404 as problem+json, like any other
    API error (Django's own 404 page is HTML)."""
    raise exceptions.NotFound()
