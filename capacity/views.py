"""Capacity screens: the coordinator's board and the provider's own facilities."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts.models import Region, Role
from accounts.permissions import role_required
from capacity import selectors, services
from capacity.board_html import board_etag, board_rows_html, options_html
from capacity.filters import FacilityFilter
from capacity.forms import AvailabilityForm, BandTariffsForm, group_formset, group_rows
from capacity.models import FACILITY_GENDER_CHOICES, CareType, SecurityLevel, Specialisation
from capacity.rules import OCCUPANCY_NORM
from capacity.services.bands import TARIFF_ROLES
from core.errors import DomainError, Invalid, NotFound

BOARD_PAGE_SIZE = 250
BOARD_POLL_SECONDS = 3  # issue 15: a change shows on an open board within 5 s


@role_required(Role.COORDINATOR)
def board(request):
    """All facilities relevant to the coordinator's regions, filtered and sorted; htmx
    swaps only the results (on filter changes, and when they changed: issue 15 live board).

    The rows are plain tuples rendered in Python (`capacity.board_html`). The results carry
    an ETag over exactly what they show (rows, totals, page, language, filters); the poll
    sends it back as If-None-Match and an unchanged board answers 304 without rendering."""
    facilities = selectors.facility_list(membership=request.membership, detail=False)
    filterset = FacilityFilter(request.GET, queryset=facilities)
    valid = filterset.is_valid()
    filtered = filterset.qs if valid else facilities.none()
    # One statement: the page's rows with the totals of every filtered row (issue 15).
    rows, totals, page = selectors.board_page(filtered, page=request.GET.get("page"), page_size=BOARD_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    partial = bool(request.htmx and request.htmx.target == "board-results")
    etag = board_etag(rows, totals, page=page.number, query=query.urlencode(), membership=request.membership)
    if partial and valid and quote_etag(etag) in parse_etags(request.headers.get("If-None-Match", "")):
        return HttpResponseNotModified(headers={"ETag": quote_etag(etag)})
    form = filterset.form
    context = {
        "filterset": filterset,
        "form": form,
        "page": page,
        "rows": rows,
        "rows_html": board_rows_html(rows),
        "etag": quote_etag(etag),
        "totals": totals,
        "query": query.urlencode(),
        "refreshed_at": timezone.now(),
        "poll_seconds": BOARD_POLL_SECONDS,
        "care_type_options": options_html(
            CareType.objects.order_by("sort_order", "label").values_list("code", "label"), _chosen(form, "care_type")
        ),
        "specialisation_options": options_html(
            Specialisation.objects.order_by("sort_order", "label").values_list("code", "label"),
            _chosen(form, "specialisation"),
        ),
        "region_options": options_html(
            Region.objects.order_by("name").values_list("code", "name"), _chosen(form, "region")
        ),
        "genders": FACILITY_GENDER_CHOICES,
        "security_levels": SecurityLevel.choices,
        "orderings": [
            ("name", _("Naam")),
            ("-free", _("Meeste vrije plaatsen")),
            ("municipality", _("Gemeente")),
            ("provider", _("Zorgaanbieder")),
            ("-last_confirmed_at", _("Laatst bevestigd")),
        ],
    }
    template = "capacity/_board_results.html" if partial else "capacity/board.html"
    # htmx swaps only 2xx answers; a full page with a bad filter is a 422 like any form.
    response = render(request, template, context, status=200 if valid or request.htmx else 422)
    if partial and valid:
        response["ETag"] = quote_etag(etag)
    return response


def _chosen(form, name) -> tuple:
    """The values a filter field holds as given (one or several; none when unbound)."""
    value = form[name].value()
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


@role_required(Role.COORDINATOR)
def coordinator_facility(request, pk):
    facility = selectors.facility_get(membership=request.membership, pk=pk)
    if facility is None:
        raise Http404
    return render(request, "capacity/facility_detail.html", _detail_context(facility, can_update=False))


@role_required(Role.PROVIDER)
def provider_home(request):
    facilities = selectors.facility_list(membership=request.membership)
    return render(
        request,
        "capacity/provider_home.html",
        {"facilities": facilities, "totals": selectors.facility_totals(facilities), "today": timezone.localdate()},
    )


def _provider_facility(request, pk):
    facility = selectors.facility_get(membership=request.membership, pk=pk)
    if facility is None:
        raise Http404
    return facility


def _detail_context(facility, *, can_update, form=None, group_form=None):
    now = timezone.now()
    residents = selectors.group_of(facility=facility)
    series = selectors.occupancy_series(facility=facility, days=90, now=now)
    rate = selectors.occupancy_last_days(facility=facility, days=90, now=now).rate
    return {
        "facility": facility,
        "can_update": can_update,
        "form": form
        or AvailabilityForm(
            initial={"places_staffed": facility.places_staffed, "occupied_external": facility.occupied_external}
        ),
        "series": series,
        "average_rate": None if rate is None else round(rate * 100, 1),
        "norm": OCCUPANCY_NORM,
        "history": selectors.facility_history(facility=facility),
        "planned_changes": selectors.planned_changes_of(facility=facility),
        "residents": residents,
        "group_formset": group_form
        or (group_formset(residents=residents, places=facility.places_contracted) if can_update else None),
    }


@role_required(Role.PROVIDER)
def provider_facility(request, pk):
    facility = _provider_facility(request, pk)
    return render(request, "capacity/facility_detail.html", _detail_context(facility, can_update=True))


@require_POST
@role_required(Role.PROVIDER)
def provider_availability_update(request, pk):
    facility = _provider_facility(request, pk)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.availability_update(facility=facility, by=request.user, **form.cleaned_data)
        except Invalid as exc:
            for param in exc.invalid_params:
                form.add_error(param["name"] if param["name"] in form.fields else None, param["reason"])
        else:
            messages.success(request, _("De beschikbaarheid van %(name)s is bijgewerkt.") % {"name": facility.name})
            return redirect("capacity:provider-facility", pk=facility.pk)
    return render(
        request, "capacity/facility_detail.html", _detail_context(facility, can_update=True, form=form), status=422
    )


@require_POST
@role_required(Role.PROVIDER)
def provider_availability_confirm(request, pk):
    facility = _provider_facility(request, pk)
    try:
        services.availability_confirm(facility=facility, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request, _("De cijfers van %(name)s zijn bevestigd als ongewijzigd.") % {"name": facility.name}
        )
    target = request.POST.get("next") or reverse("capacity:provider-home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("capacity:provider-home")
    return redirect(target)


@require_POST
@role_required(Role.PROVIDER)
def provider_group_update(request, pk):
    """Replace the facility's whole current group (issue 11 point 7). Every error of every
    row is shown at once, next to its field; nothing is written until all rows are right."""
    facility = _provider_facility(request, pk)
    formset = group_formset(
        request.POST, residents=selectors.group_of(facility=facility), places=facility.places_contracted
    )
    if formset.is_valid():
        rows, forms_used = group_rows(formset)
        try:
            services.group_replace(facility=facility, residents=rows, by=request.user)
        except Invalid as exc:
            for param in exc.invalid_params:
                parts = param["name"].split(".")
                if len(parts) == 3 and parts[2] in forms_used[int(parts[1])].fields:
                    forms_used[int(parts[1])].add_error(parts[2], param["reason"])
                else:
                    formset._non_form_errors = formset.error_class(
                        [*formset.non_form_errors(), param["reason"]], renderer=formset.renderer
                    )
        else:
            messages.success(
                request,
                _("De groep van %(name)s is vastgelegd (%(n)s jeugdigen).") % {"name": facility.name, "n": len(rows)},
            )
            return redirect("capacity:provider-facility", pk=facility.pk)
    return render(
        request,
        "capacity/facility_detail.html",
        _detail_context(facility, can_update=True, group_form=formset),
        status=422,
    )


# --- A region's tariffs per intensity band (issue 12, refdata) ----------------------------


@role_required(*TARIFF_ROLES)
def region_bands(request, code):
    """The G7 bands with the region's tariffs and their history; a coordinator or contract
    manager of the region sets new tariffs from a date. Another region is a 404."""
    try:
        region = account_selectors.region_covered_get(request.membership, code)
    except NotFound:
        raise Http404 from None
    today = timezone.localdate()
    bands = list(selectors.band_list())
    current = selectors.band_tariffs(region_id=region.pk, day=today)
    form = BandTariffsForm(
        request.POST or None, bands=bands, current=current, initial={"valid_from": today.isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.band_tariffs_change(
                region=region,
                valid_from=form.cleaned_data["valid_from"],
                tariffs=form.tariffs(),
                by=request.user,
                membership=request.membership,
            )
        except Invalid as error:
            form.apply_invalid(error, aliases=form.aliases())
        else:
            messages.success(request, _("De tarieven zijn opgeslagen."))
            return redirect("capacity:region-bands", code=region.code)
    history = selectors.band_tariff_history(region_id=region.pk)
    return render(
        request,
        "capacity/region_bands.html",
        {
            "region": region,
            "form": form,
            "rows": [(band, field, current.get(band.code), history.get(band.code, [])) for band, field in form.rows()],
            "today": today,
        },
        status=422 if request.method == "POST" else 200,
    )
