"""Role checks at the edge. Which rows a user may see is decided by selectors."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.selectors import memberships_of


def request_memberships(request) -> list:
    """The user's active memberships, read once per request: the role check and the
    navigation (accounts.context_processors) both need them (issue 15: two queries less on
    every page). Kept with the user they belong to, so a login or logout within the request
    reads them again."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    user = request.user
    cached = getattr(request, "_memberships", None)
    if cached is None or cached[0] != user.pk:
        cached = request._memberships = (user.pk, list(memberships_of(user)))
    return cached[1]


def _with_role(request, roles):
    """The first of the user's memberships in one of `roles` (as membership_with_role)."""
    return next((m for m in request_memberships(request) if m.role in roles), None)


def role_required(*roles):
    """View decorator: the user needs an active membership in one of `roles` (else 403).
    The membership is put on `request.membership` for the view and its selectors."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = _with_role(request, roles)
            if membership is None:
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def HasRole(*roles):  # noqa: N802 - reads like a class in permission_classes
    class _HasRole(BasePermission):
        def has_permission(self, request, view):
            if not request.user or not request.user.is_authenticated:
                return False
            membership = _with_role(request, roles)
            if membership is None:
                return False
            request.membership = membership
            request._request.membership = membership  # for the middleware (denied reads, core.access_log)
            return True

    _HasRole.__name__ = "HasRole_" + "_".join(roles)
    return _HasRole
