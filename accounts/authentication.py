"""API session authentication that also needs the second factor (accounts/two_factor.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from accounts import two_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session reaches the API only after its second factor, like the pages."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not two_factor.satisfied(request._request):
            raise exceptions.NotAuthenticated(
                _("Bevestig eerst uw inlog met de code uit uw authenticator-app."), code="two_factor_required"
            )
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI document names it as Django's session cookie, as before."""

    target_class = VerifiedSessionAuthentication
