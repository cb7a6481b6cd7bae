"""What a locked-out user sees (django-axes): problem+json for the API, a page otherwise."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

STATUS = 429


def lockout_response(request, original_response=None, credentials=None):
    detail = _("Er is te vaak een verkeerd wachtwoord ingevoerd. Het account is tijdelijk geblokkeerd.")
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank#locked_out",
            "title": _("Account tijdelijk geblokkeerd"),
            "status": STATUS,
            "detail": detail,
        }
        return HttpResponse(
            json.dumps(body), status=STATUS, content_type="application/problem+json", headers={"Retry-After": "900"}
        )
    return render(request, "registration/locked_out.html", status=STATUS)
