"""Renderer and pagination named in REST_FRAMEWORK settings.

Kept apart from core.api: DRF imports these while `rest_framework.views` is still loading,
so this module must not import DRF views.
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer as BaseJSONRenderer

PROBLEM_JSON = "application/problem+json"


class JSONRenderer(BaseJSONRenderer):
    """Plain JSON, except that error bodies carry the problem+json media type."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = PROBLEM_JSON
        return super().render(data, accepted_media_type, renderer_context)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
