"""The product's URLs plus two views that fail, to see the 500 handling (test only)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as product_urls


def _fail(request):
    raise RuntimeError("deliberate failure for the error-page test")


urlpatterns = [path("kapot", _fail), path("api/v1/kapot", _fail), *product_urls]
__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
