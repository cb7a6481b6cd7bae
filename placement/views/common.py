"""What every placement screen needs: the request the user may see, or 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render

from core.errors import DomainError, Invalid, NotFound
from intake import selectors as intake_selectors


def request_or_404(request, pk, *, log=True, view="detail"):
    """The request, scoped to the user's membership (selectors decide); logs the read of
    the youth's identity unless `log` is False."""
    try:
        return intake_selectors.request_get(membership=request.membership, pk=pk, log=log, view=view)
    except NotFound:
        raise Http404 from None


CONFIRM_FIELD = "confirmed"


def confirmed_form_action(
    request, form, *, act, done, refused, success, title, consequence, placement_request, back_url, status_on_error=422
):
    """A form whose action cannot be undone (withdrawing), with a confirmation step that
    works without JavaScript: a valid POST without `confirmed=1` shows the confirmation
    page (what will happen, the values as hidden fields, "Ja" and "Nee, terug"); only the
    POST from that page runs the service (`act(cleaned_data)`). Field errors, the form's
    and the service's, go next to the fields on the form page (422); a refused action is a
    message on `refused`, success a message on `done`."""
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get(CONFIRM_FIELD) == "1":
            try:
                act(form.cleaned_data)
            except Invalid as error:
                form.apply_invalid(error)
            except DomainError as error:
                messages.error(request, str(error.detail))
                return refused
            else:
                messages.success(request, success)
                return done
        else:
            confirming = True
    status = 200 if confirming or request.method != "POST" else status_on_error
    return render(
        request,
        "placement/confirm_action.html",
        {
            "title": title,
            "form": form,
            "confirming": confirming,
            "consequence": consequence,
            "placement_request": placement_request,
            "back_url": back_url,
            "confirm_field": CONFIRM_FIELD,
        },
        status=status,
    )
