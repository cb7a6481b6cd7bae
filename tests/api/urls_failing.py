"""The product's URLs plus API views that fail unexpectedly (test only, issue 14 api-core)."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as product_urls


def _bug(request):
    raise RuntimeError("deliberate bug for the API error test")


def _database_gone(request):
    raise OperationalError("connection to server failed")  # no SQLSTATE: an unreachable server


urlpatterns = [path("api/v1/bug", _bug), path("api/v1/database-gone", _database_gone), *product_urls]
__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
