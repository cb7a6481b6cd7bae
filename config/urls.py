from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from config.metrics import metrics  # Issue 13 (observe)
from core.api import api_not_found
from core.probes import live
from core.views import health

api_v1 = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    # Swagger UI sets inline styles; only this page (no personal data) allows them.
    path(
        "docs",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="openapi")),
        name="api-docs",
    ),
    path("", include("accounts.api_urls")),
    path("", include("placement.api_urls")),
    path("", include("capacity.api_urls")),
    path("", include("reporting.api_urls")),
    re_path(r"^", api_not_found, name="api-not-found"),  # last: every other /api/v1 path
]

urlpatterns = [
    path("health", health, name="health"),
    # Issue 13 (prod): liveness probe without the database or Redis (core/probes.py).
    path("health/live", live, name="health-live"),
    path("metrics", metrics, name="metrics"),  # Issue 13 (observe): Prometheus, METRICS_TOKEN
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
]

# Error pages in the product's style; problem+json under /api/ (core.views).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

admin.site.site_header = "Regie op plaatsing"
admin.site.site_title = "Regie op plaatsing"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
