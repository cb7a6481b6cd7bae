from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from core.access_log import (
    AccessContext,
    access_context_reset,
    access_context_set,
    access_log_denied,
    source_address_of,
)
from core.api_runtime import api_language, is_api


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the language switch.

    Django's own middleware follows the browser's Accept-Language, which would show
    English to every coordinator whose computer happens to be set up in English. Here
    only an explicit choice (the language cookie set by the switch) changes it.
    """

    def process_request(self, request):
        if is_api(request):  # Issue 14 (api-core): the API follows Accept-Language, no cookie
            translation.activate(api_language(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Pages and API answers may carry a youth's identity: no browser, proxy or shared
    cache may keep them (`Cache-Control: private, no-store`). Static files are left to
    their own caching; a view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL) and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class AccessLogMiddleware:
    """Gives the access log the request's source address (core.access_log, a context
    variable for the selectors that log reads) and logs refused reads of identifying data
    (a 403/404 on a route of `core.access_log.DENIED_ROUTES`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = access_context_set(AccessContext(source_address=source_address_of(request)))
        try:
            response = self.get_response(request)
            access_log_denied(request, response)
        finally:
            access_context_reset(token)
        return response
