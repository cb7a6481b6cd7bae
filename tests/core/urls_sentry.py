"""The product's URLs plus a view that fails with personal data at hand (test only, for
tests/core/test_sentry.py)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as product_urls


@csrf_exempt  # posted straight to the WSGI application, without a form
def _fail_with_personal_data(request):
    bsn = request.POST.get("bsn")  # a local variable Sentry must not send
    raise RuntimeError(f"lookup failed for {bsn} ({request.POST.get('email')})")


urlpatterns = [path("kapot-met-gegevens", _fail_with_personal_data), *product_urls]
__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
