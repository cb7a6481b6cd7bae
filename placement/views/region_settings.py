"""The coordination settings of the regions a coordinator covers."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import Role
from accounts.permissions import role_required
from core.errors import Invalid, NotFound
from placement.forms import RegionSettingsForm
from placement.services.region_settings import EDITABLE, region_settings_update


@role_required(Role.COORDINATOR)
def region_settings_list(request):
    regions = account_selectors.regions_covered(request.membership)
    if len(regions) == 1:
        return redirect("placement:region-settings", code=regions[0].code)
    return render(request, "placement/region_settings_list.html", {"regions": regions})


@role_required(Role.COORDINATOR)
def region_settings(request, code):
    try:
        region = account_selectors.region_covered_get(request.membership, code)
    except NotFound:
        raise Http404 from None
    initial = {name: getattr(region, name) for name in EDITABLE}
    form = RegionSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            region_settings_update(
                region=region, changes=form.cleaned_data, by=request.user, membership=request.membership
            )
        except Invalid as error:
            form.apply_invalid(error)
        else:
            messages.success(request, _("De instellingen van de regio zijn opgeslagen."))
            return redirect("placement:region-settings", code=region.code)
    return render(
        request,
        "placement/region_settings.html",
        {"region": region, "form": form},
        status=422 if request.method == "POST" else 200,
    )
