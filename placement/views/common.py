"""What every placement screen needs: the request the user may see, or 404."""

from django.http import Http404

from core.errors import NotFound
from intake import selectors as intake_selectors


def request_or_404(request, pk, *, log=True, view="detail"):
    """The request, scoped to the user's membership (selectors decide); logs the read of
    the youth's identity unless `log` is False."""
    try:
        return intake_selectors.request_get(membership=request.membership, pk=pk, log=log, view=view)
    except NotFound:
        raise Http404 from None
