from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from core.api import api_not_found
from core.views import health

api_v1 = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("", include("accounts.api_urls")),
    path("", include("placement.api_urls")),
    path("", include("capacity.api_urls")),
    path("", include("reporting.api_urls")),
    re_path(r"^", api_not_found, name="api-not-found"),  # last: every other /api/v1 path
]

urlpatterns = [
    path("health", health, name="health"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
]

admin.site.site_header = "Regie op plaatsing"
admin.site.site_title = "Regie op plaatsing"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
