"""Renderer and pagination named in REST_FRAMEWORK settings.

Kept apart from core.api: DRF imports these while `rest_framework.views` is still loading,
so this module must not import DRF views.
"""

import orjson
from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer as BaseJSONRenderer
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.utils.urls import replace_query_param

from core.errors import BadRequest

PROBLEM_JSON = "application/problem+json"


# Issue 15 (second round): orjson writes the bytes DRF's renderer writes, about ten times
# faster (the matching answer at national scale: 430 kB, 11 ms with json). Whatever orjson
# does not write itself goes through DRF's own encoder (times as DRF writes them, with
# milliseconds and "Z"; decimals, lazy texts, UUIDs), and DRF's escaping of U+2028/U+2029 is
# kept; an indent asked for, or anything orjson refuses, is written by DRF's renderer.
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DRF_DEFAULT = JSONEncoder().default


class JSONRenderer(BaseJSONRenderer):
    """Plain JSON, except that error bodies carry the problem+json media type."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = PROBLEM_JSON
        if data is not None and self.get_indent(accepted_media_type, renderer_context) is None:
            try:
                body = orjson.dumps(data, default=_DRF_DEFAULT, option=_ORJSON_OPTIONS)
            except (orjson.JSONEncodeError, TypeError, ValueError):
                pass
            else:
                return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
        return super().render(data, accepted_media_type, renderer_context)


class Pagination(PageNumberPagination):
    """Issue 14 (api-core): `page` and `pageSize` (alias `page_size`, core.api_runtime)
    are checked, not ignored: no whole number, 0, below 0, a page size over the maximum or
    a page after the last one -> 400 problem+json naming the parameter. The body keeps
    `count`/`next`/`previous`/`results`; a `Link` header (RFC 8288) names the first,
    previous, next and last page next to it."""

    page_size_query_param = "page_size"  # pageSize outside (core.api_runtime.QUERY_ALIASES)
    max_page_size = 500

    @staticmethod
    def _whole_number(request, internal):
        raw = request.query_params.get(internal)
        if raw is None:
            return None
        raw = raw.strip()
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            _refuse(request, internal, _("Geef een geheel getal van 1 of meer."))
        return int(raw)

    def get_page_size(self, request):
        size = self._whole_number(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        if size > self.max_page_size:
            _refuse(request, self.page_size_query_param, _("Kies hoogstens %(max)s.") % {"max": self.max_page_size})
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw.strip() in self.last_page_strings:
            return paginator.num_pages
        number = self._whole_number(request, self.page_query_param) or 1
        if number > max(paginator.num_pages, 1):
            _refuse(
                request,
                self.page_query_param,
                _("Er zijn %(pages)s pagina's.") % {"pages": max(paginator.num_pages, 1)},
            )
        return number

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = self.get_links()
        if links:
            response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)
        return response

    def get_links(self) -> list[tuple[str, str]]:
        url = self.request.build_absolute_uri()
        last = max(self.page.paginator.num_pages, 1)
        links = [("first", replace_query_param(url, self.page_query_param, 1))]
        if self.page.has_previous():
            links.append(("prev", replace_query_param(url, self.page_query_param, self.page.previous_page_number())))
        if self.page.has_next():
            links.append(("next", replace_query_param(url, self.page_query_param, self.page.next_page_number())))
        links.append(("last", replace_query_param(url, self.page_query_param, last)))
        return links


def _refuse(request, internal, reason):
    from core.api_runtime import client_name  # imports this module

    # the name as the client sent it: pageSize, or the deprecated alias page_size
    name = client_name(internal, getattr(request, "_request", request))
    raise BadRequest(reason, invalid_params=[{"name": name, "code": "invalid", "reason": str(reason)}])
