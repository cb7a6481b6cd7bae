"""Screens for matching, offers and placements: the coordinator's matching page and offer
composer, the provider's inbox and offer page, and the placement start/end forms."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.downloads import private_pdf_response
from core.errors import DomainError, Invalid, NotFound
from intake.models import Document
from placement import referral, selectors, services
from placement.deadlines import offer_deadline_bounds, offer_deadline_default
from placement.forms import (
    AcceptedWithdrawForm,
    AcceptForm,
    DeclineForm,
    FallThroughForm,
    IntroductionForm,
    OfferComposeForm,
    OfferWithdrawForm,
    ParkingLiftForm,
    PlacementEndForm,
    PlacementStartForm,
    ReofferReasonForm,
    WaitForm,
    overrides_from_post,
)
from placement.inbox_html import inbox_open_rows_html
from placement.matching import FAILED_LABELS, Group
from placement.matching_html import matching_rows_html
from placement.models import DeclineReason, OfferStatus
from placement.views.common import confirmed_form_action, request_or_404


def _offer(request, pk):
    try:
        return selectors.offer_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None


# --- coordinator: matching and the offer composer -------------------------------------------


def _unfit_page(request) -> int:
    """The page of unfit facilities asked for (`?unfitPage=`); anything else is page 1."""
    value = request.GET.get("unfitPage", "")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _matching_context(request, placement_request, **extra):
    result = selectors.matching_for_request(
        membership=request.membership, placement_request=placement_request, unfit_page=_unfit_page(request)
    )

    def rows(matches):
        return [{"match": m, "facility": result.facilities[m.facility.facility_id]} for m in matches]

    page = result.unfit_page
    can_offer = "offer" in placement_request.actions_for(Role.COORDINATOR) and not placement_request.is_parked()
    groups = [
        {
            "key": Group.AVAILABLE,
            "title": _("Past, met een actuele vrije plek"),
            "rows": rows(result.available),
            "count": len(result.available),
        },
        {
            "key": Group.FULL,
            "title": _("Past, maar geen vrije plek of verouderde opgave"),
            "rows": rows(result.full),
            "count": len(result.full),
        },
        {"key": Group.UNFIT, "title": _("Past niet"), "rows": rows(result.unfit), "count": result.unfit_total},
    ]
    for group in groups:  # issue 15 (perf-tuning): the rows as HTML built in Python
        group["rows_html"] = matching_rows_html(
            group["rows"], group=group["key"], request_pk=placement_request.pk, can_offer=can_offer
        )
    return {
        "placement_request": placement_request,
        "need": result.need,
        "groups": groups,
        # Issue 15 (perf-matching): unfit facilities one page at a time, the rest counted.
        "unfit": {
            "paged": result.unfit_pages > 1,
            "page": page,
            "pages": result.unfit_pages,
            "first": (page - 1) * result.unfit_page_size + 1 if result.unfit else 0,
            "last": (page - 1) * result.unfit_page_size + len(result.unfit),
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if page < result.unfit_pages else None,
            "failed": [(FAILED_LABELS[code], n) for code, n in result.unfit_failed.items()],
        },
        "can_offer": can_offer,
        "can_wait": "wait" in placement_request.actions_for(Role.COORDINATOR),
        "wait_form": extra.pop("wait_form", None) or WaitForm(),
        "parking_form": extra.pop("parking_form", None) or ParkingLiftForm(),
        "parked_reason_label": DeclineReason(placement_request.parked_reason).label
        if placement_request.parked_reason in DeclineReason.values
        else placement_request.parked_reason,
        **extra,
    }


@role_required(Role.COORDINATOR)
def matching(request, pk):
    placement_request = request_or_404(request, pk, view="matching")
    return render(request, "placement/matching.html", _matching_context(request, placement_request))


@role_required(Role.COORDINATOR)
def offer_compose(request, pk, facility_id):
    """The offer composer: first the anonymised preview (what the provider will see, with
    each identifying finding marked in place), then the texts, the documents and the
    deadline, and "send" last. htmx posts the form as the coordinator types and swaps the
    preview, the check result and the findings next to each text (no inline script)."""
    placement_request = request_or_404(request, pk, view="offer_compose")
    result = selectors.matching_for_request(
        membership=request.membership, placement_request=placement_request, facility_id=facility_id
    )
    match = result.match_of(facility_id)
    if match is None:
        raise Http404
    facility = result.facilities[facility_id]
    now = timezone.now()
    shareable = referral.shareable_documents(placement_request)
    kinds = list(dict.fromkeys(d.kind for d in shareable))
    defaults = {
        **referral.offer_default_texts(placement_request),
        "document_kinds": kinds,
        "deadline": timezone.localtime(
            offer_deadline_default(placement_request.region, placement_request.urgency, now)
        ).replace(second=0, microsecond=0),
    }
    refusal = (result.refusals or {}).get(facility.provider_id)
    reoffer_form = ReofferReasonForm(request.POST if request.method == "POST" else None) if refusal else None
    reoffer_reason = request.POST.get("reoffer_reason", "") if refusal else ""
    bound = request.POST if request.method == "POST" else None
    form = OfferComposeForm(
        bound,
        initial=defaults,
        document_kinds=[(k, Document.DocumentKind(k).label) for k in kinds],
        bounds=offer_deadline_bounds(placement_request.region, now),
    )
    posted = request.method == "POST"
    overrides = overrides_from_post(request.POST) if posted else []
    sending = posted and request.POST.get("action") == "send"
    if posted:
        form.is_valid()
        data = form.cleaned_data
        texts = {name: data.get(name, "") for name in referral.OFFER_TEXT_FIELDS}
        document_kinds = data.get("document_kinds", []) if "document_kinds" in form.fields else []
        deadline = data.get("deadline")
    else:
        texts, document_kinds, deadline = None, None, None
    draft = services.offer_draft_check(
        placement_request=placement_request,
        texts=texts,
        overrides=overrides,
        document_kinds=document_kinds,
        deadline=deadline,
        now=now,
    )
    status = 200
    if sending and form.is_valid() and not draft.problems:
        try:
            services.offer_create(
                placement_request=placement_request,
                facility_id=facility_id,
                by=request.user,
                membership=request.membership,
                texts=texts,
                overrides=overrides,
                document_kinds=document_kinds,
                deadline=deadline,
                reoffer_reason=reoffer_reason,
            )
        except Invalid as error:  # the state changed since the check above, or no reason to re-offer
            status = 422
            reoffer_params = [p for p in error.invalid_params if p["name"] == "reoffer_reason"]
            if reoffer_form is not None and reoffer_params:
                reoffer_form.is_valid()
                reoffer_form.apply_invalid(Invalid(invalid_params=reoffer_params))
            other = [p for p in error.invalid_params if p["name"] not in ("texts", "reoffer_reason")]
            if other or not error.invalid_params:
                form.apply_invalid(Invalid(error.detail, invalid_params=other))
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:matching", pk=pk)
        else:
            messages.success(
                request, _("De aanmelding is verstuurd naar %(provider)s.") % {"provider": facility.provider.name}
            )
            return redirect("placement:request-detail", pk=pk)
    findings = draft.findings
    open_by_field: dict[str, list] = {}
    for finding in findings:
        if finding.id not in draft.overridden:
            open_by_field.setdefault(finding.field, []).append(finding)
    override_errors = {}
    if posted:
        for problem in draft.problems:
            if problem["name"].startswith("overrides."):
                index = int(problem["name"].split(".")[1])
                override_errors[overrides[index]["finding"]] = problem["reason"]
            elif problem["name"] in ("deadline", "document_kinds") and problem["name"] in form.fields:
                form.add_error(problem["name"], problem["reason"])
        if sending and (draft.problems or form.errors):
            status = 422
            # every error at once: the decline policy's reason too, though nothing was sent
            reoffer_params = services.offer_reoffer_problems(refusal=refusal, reoffer_reason=reoffer_reason)
            if reoffer_form is not None and reoffer_params:
                reoffer_form.is_valid()
                reoffer_form.apply_invalid(Invalid(invalid_params=reoffer_params))
    preview = referral.offer_referral(
        placement_request,
        texts=draft.texts,
        pseudonym=_("(kenmerk volgt bij versturen)"),
        document_kinds=draft.document_kinds,
    )
    submitted = {o["finding"]: o["reason"] for o in overrides}
    url = request.path
    for field in form.text_fields():
        field.field.widget.attrs.update({"hx-post": url, "hx-trigger": "input changed delay:500ms"})
    for name in ("document_kinds", "deadline"):
        if name in form.fields:
            form.fields[name].widget.attrs.update({"hx-post": url, "hx-trigger": "change"})
    rows = {row["name"]: row for row in referral.marked_fields(draft.texts, findings)}
    text_rows = []
    for field in form.text_fields():
        own = open_by_field.get(field.name, [])
        message = referral.finding_message(own, draft.texts.get(field.name, "")) if own else ""
        if message:  # next to the field, and the field says so to assistive technology
            field.field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"})
        text_rows.append(
            {
                "field": field,
                "message": message,
                "findings": [
                    {
                        "id": f.id,
                        "dom_id": f"override-{field.name}-{number}",
                        "reason_id": f"override-reason-{field.name}-{number}",
                        "kind": referral.kind_label(f.kind),
                        "value": draft.texts.get(f.field, "")[f.start : f.end],
                        "checked": f.id in submitted,
                        "reason": submitted.get(f.id, ""),
                        "overridden": f.id in draft.overridden,
                        "error": override_errors.get(f.id, ""),
                    }
                    for number, f in enumerate(rows[field.name]["findings"] if field.name in rows else [], 1)
                ],
            }
        )
    # Every problem at once, above the form (each links to its field).
    error_summary = []
    if posted:
        error_summary += [(f"id_{r['field'].name}", r["field"].label, r["message"]) for r in text_rows if r["message"]]
        # The reason fields' own messages stand next to them; the summary links to them.
        error_summary += [
            (
                f["reason_id"],
                r["field"].label,
                _("de reden om “%(value)s” te laten staan is niet geldig") % {"value": f["value"]},
            )
            for r in text_rows
            for f in r["findings"]
            if f["error"]
        ]
        error_summary += [
            (form[name].auto_id, form.fields[name].label, e) if name in form.fields else ("", "", e)
            for name, errors in form.errors.items()
            for e in errors
        ]
    return render(
        request,
        "placement/offer_compose.html",
        {
            "placement_request": placement_request,
            "facility": facility,
            "match": match,
            "form": form,
            "text_rows": text_rows,
            "error_summary": error_summary,
            "findings": findings,
            "open_findings": [f for f in findings if f.id not in draft.overridden],
            "marks": {name: row["segments"] for name, row in rows.items()},
            "stale_overrides": [o for o in overrides if o["finding"] not in {f.id for f in findings}],
            "live_targets": ",".join(
                ["#check-result", "#stale-overrides"] + [f"#findings-{row['field'].name}" for row in text_rows]
            ),
            "referral": preview,
            "deadline": draft.deadline,
            "unshared_documents": placement_request.documents.filter(shareable=False).count(),
            "fits": match.group != Group.UNFIT,
            "can_offer": "offer" in placement_request.actions_for(Role.COORDINATOR),
            "refusal": refusal,
            "reoffer_form": reoffer_form,
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
def offer_withdraw(request, pk):
    offer = _offer(request, pk)
    back = redirect("placement:request-detail", pk=offer.request_id)
    return confirmed_form_action(
        request,
        OfferWithdrawForm(request.POST if request.method == "POST" else None),
        act=lambda data: services.offer_withdraw(
            offer=offer, reason=data["reason"], by=request.user, membership=request.membership
        ),
        done=back,
        refused=back,
        success=_("De aanmelding is ingetrokken; de vastgehouden plek is vrijgegeven."),
        title=_("Aanmelding intrekken"),
        consequence=_(
            "De aanmelding bij %(provider)s wordt ingetrokken en de vastgehouden plek vrijgegeven; de aanbieder "
            "krijgt de reden te zien. Dit kan niet ongedaan worden gemaakt."
        )
        % {"provider": offer.provider.name},
        placement_request=offer.request,
        back_url=back.url,
    )


@role_required(Role.COORDINATOR)
@require_POST
def request_wait(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = WaitForm(request.POST)
    if form.is_valid():
        try:
            services.request_wait(
                placement_request=placement_request,
                reason=form.cleaned_data["reason"],
                bridging_care=form.cleaned_data["bridging_care"],
                bridging_provider=form.cleaned_data["bridging_provider"],
                bridging_from=form.cleaned_data["bridging_from"],
                by=request.user,
                membership=request.membership,
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:request-detail", pk=pk)
        else:
            messages.success(request, _("Het verzoek wacht op een passende plek; de overbruggingszorg is vastgelegd."))
            return redirect("placement:request-detail", pk=pk)
    placement_request = request_or_404(request, pk, view="matching")
    return render(
        request, "placement/matching.html", _matching_context(request, placement_request, wait_form=form), status=422
    )


@role_required(Role.COORDINATOR)
@require_POST
def request_resume(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    try:
        services.request_resume_matching(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
    return redirect("placement:matching", pk=pk)


# --- placements (coordinator or provider) ----------------------------------------------------


def _placement_request_for(request, pk):
    try:
        return selectors.request_for_placement(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None


def _after_placement(request, placement_request):
    if request.membership.role == Role.COORDINATOR:
        return redirect("placement:request-detail", pk=placement_request.pk)
    offer = placement_request.offers.filter(status=OfferStatus.ACCEPTED).first()
    return redirect("placement:provider-offer", pk=offer.pk)


@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_start(request, pk):
    placement_request = _placement_request_for(request, pk)
    form = PlacementStartForm(request.POST if request.method == "POST" else None, initial={"school": ""})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_start(
                placement_request=placement_request, by=request.user, membership=request.membership, **form.cleaned_data
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return _after_placement(request, placement_request)
        else:
            messages.success(request, _("De plaatsing is gestart."))
            return _after_placement(request, placement_request)
    if request.method == "POST":
        status = 422
    return render(
        request,
        "placement/placement_form.html",
        {
            "title": _("Plaatsing starten"),
            "form": form,
            "placement_request": placement_request,
            "action": "start",
        },
        status=status,
    )


@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_end(request, pk):
    try:
        placement = selectors.placement_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None
    form = PlacementEndForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(
                placement=placement, by=request.user, membership=request.membership, **form.cleaned_data
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return _after_placement(request, placement.request)
        else:
            messages.success(
                request,
                _("De plaatsing is beëindigd.")
                + (
                    " " + _("Er is een verzoek voor doorplaatsing aangemaakt; het staat klaar voor triage.")
                    if form.cleaned_data["needs_new_place"]
                    else ""
                ),
            )
            return _after_placement(request, placement.request)
    if request.method == "POST":
        status = 422
    return render(
        request,
        "placement/placement_form.html",
        {
            "title": _("Plaatsing beëindigen"),
            "form": form,
            "placement_request": placement.request,
            "placement": placement,
            "action": "end",
        },
        status=status,
    )


# --- provider: inbox and offer page ------------------------------------------------------------


@role_required(Role.PROVIDER)
def provider_inbox(request):
    inbox = selectors.provider_inbox(membership=request.membership)
    inbox["open_html"] = inbox_open_rows_html(inbox["open"], soon=inbox["soon"])  # issue 15: rows in Python
    return render(request, "placement/provider_inbox.html", inbox)


def _accept_form(offer, data=None):
    return AcceptForm(data, confirmation_required=services.offer_accept_needs_confirmation(offer))


def _provider_offer_page(request, offer, *, decline_form=None, accept_form=None, status=200):
    identity = selectors.offer_identity(membership=request.membership, offer=offer)
    placement = getattr(offer, "placement", None) if hasattr(offer, "placement") else None
    return render(
        request,
        "placement/provider_offer.html",
        {
            "offer": offer,
            "referral": offer.referral,
            "identity": identity,
            "placement": placement,
            "decline_form": decline_form or DeclineForm(),
            "accept_form": accept_form or (_accept_form(offer) if offer.status == OfferStatus.OPEN else None),
            "introduction_form": IntroductionForm(),
            "retract_form": FallThroughForm(with_party=False),
            "can_fall_through": offer.status == OfferStatus.ACCEPTED
            and placement is None
            and "fall_through" in offer.request.actions_for(Role.PROVIDER),
            "start_form": PlacementStartForm(initial={"school": identity["school"]} if identity else None),
            "end_form": PlacementEndForm(),
            "placement_request": offer.request,
            "can_start": offer.status == OfferStatus.ACCEPTED
            and placement is None
            and "start" in offer.request.actions_for(Role.PROVIDER),
            "can_end": placement is not None and placement.end_date is None,
            "documents_open": selectors.offer_documents_open(offer),
        },
        status=status,
    )


@role_required(Role.PROVIDER)
def provider_offer(request, pk):
    return _provider_offer_page(request, _offer(request, pk))


@role_required(Role.PROVIDER)
@require_POST
def provider_offer_accept(request, pk):
    offer = _offer(request, pk)
    form = _accept_form(offer, request.POST)
    if not form.is_valid():
        return _provider_offer_page(request, offer, accept_form=form, status=422)
    try:
        services.offer_accept(
            offer=offer,
            by=request.user,
            membership=request.membership,
            availability_confirmed=form.cleaned_data["availability_confirmed"],
        )
    except Invalid as error:
        form.apply_invalid(error)
        return _provider_offer_page(request, _offer(request, pk), accept_form=form, status=422)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(
            request, _("U heeft de aanmelding geaccepteerd. De gegevens van de jeugdige staan nu voor u klaar.")
        )
    return redirect("placement:provider-offer", pk=pk)


@role_required(Role.PROVIDER)
@require_POST
def provider_offer_decline(request, pk):
    offer = _offer(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.offer_decline(
                offer=offer,
                reason=form.cleaned_data["reason"],
                motivation=form.cleaned_data["motivation"],
                by=request.user,
                membership=request.membership,
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:provider-offer", pk=pk)
        else:
            messages.success(request, _("U heeft de aanmelding afgewezen. De coördinator is op de hoogte gebracht."))
            return redirect("placement:provider-inbox")
    return _provider_offer_page(request, _offer(request, pk), decline_form=form, status=422)


# --- after acceptance: introduction visit, fall-through, withdrawal (issue 11) ----------------


def _after_acceptance_page(request, offer):
    if request.membership.role == Role.PROVIDER:
        return redirect("placement:provider-offer", pk=offer.pk)
    return redirect("placement:request-detail", pk=offer.request_id)


def _form_action(request, form, *, act, done, refused, success, title, placement_request):
    """The after-acceptance forms: on a valid POST run the service (`act(cleaned_data)`);
    its field errors go next to the fields (422), a refused action is a message on
    `refused`, success a message on `done`. GET or invalid input shows the form page."""
    if request.method == "POST" and form.is_valid():
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
    return render(
        request,
        "placement/placement_form.html",
        {"title": title, "form": form, "placement_request": placement_request},
        status=422 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR, Role.PROVIDER)
def offer_introduction(request, pk):
    offer = _offer(request, pk)
    return _form_action(
        request,
        IntroductionForm(request.POST if request.method == "POST" else None),
        act=lambda data: services.offer_introduction_record(
            offer=offer,
            introduction_date=data["date"],
            outcome=data["outcome"],
            note=data["note"],
            by=request.user,
            membership=request.membership,
        ),
        done=_after_acceptance_page(request, offer),
        refused=_after_acceptance_page(request, offer),
        success=_("De kennismaking is vastgelegd."),
        title=_("Kennismaking vastleggen"),
        placement_request=offer.request,
    )


@role_required(Role.COORDINATOR, Role.PROVIDER)
def offer_fall_through(request, pk):
    offer = _offer(request, pk)
    is_provider = request.membership.role == Role.PROVIDER
    return _form_action(
        request,
        FallThroughForm(request.POST if request.method == "POST" else None, with_party=not is_provider),
        act=lambda data: services.offer_fall_through(
            offer=offer,
            party="provider" if is_provider else data["party"],
            reason_code=data["reason_code"],
            motivation=data["motivation"],
            by=request.user,
            membership=request.membership,
        ),
        done=redirect("placement:provider-inbox")
        if is_provider
        else redirect("placement:request-detail", pk=offer.request_id),
        refused=_after_acceptance_page(request, offer),
        success=_("De afwijzing is vastgelegd; de plek is vrijgegeven en het verzoek staat weer in matching."),
        title=_("Acceptatie intrekken") if is_provider else _("Afwijzing na acceptatie vastleggen"),
        placement_request=offer.request,
    )


@role_required(Role.COORDINATOR, Role.REFERRER)
def request_withdraw_accepted(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    back = redirect("placement:request-detail", pk=pk)
    return confirmed_form_action(
        request,
        AcceptedWithdrawForm(request.POST if request.method == "POST" else None),
        act=lambda data: services.request_withdraw_accepted(
            placement_request=placement_request, reason=data["reason"], by=request.user, membership=request.membership
        ),
        done=back,
        refused=back,
        success=_("Het verzoek is ingetrokken; de vastgehouden plek is vrijgegeven."),
        title=_("Geaccepteerd verzoek intrekken"),
        consequence=_(
            "Het verzoek wordt afgesloten, de vastgehouden plek vrijgegeven en de aanbieder krijgt de reden te zien. "
            "Dit kan niet ongedaan worden gemaakt."
        ),
        placement_request=placement_request,
        back_url=back.url,
    )


@role_required(Role.PROVIDER)
def provider_offer_document(request, pk, document_id):
    """A document the coordinator marked shareable, for the provider an offer went to."""
    offer = _offer(request, pk)
    try:
        document = selectors.offer_document_get(membership=request.membership, offer=offer, document_id=document_id)
        return private_pdf_response(document.path, filename=f"{document.title}.pdf")
    except NotFound:
        raise Http404 from None


@role_required(Role.COORDINATOR)
@require_POST
def request_parking_lift(request, pk):
    """Decline policy: the coordinator lifts the parking of a request early, with a reason."""
    placement_request = request_or_404(request, pk, log=False)
    form = ParkingLiftForm(request.POST)
    form.is_valid()
    try:
        services.request_parking_lift(
            placement_request=placement_request,
            reason=form.cleaned_data.get("reason", ""),
            by=request.user,
            membership=request.membership,
        )
    except Invalid as error:
        form.apply_invalid(error)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("placement:matching", pk=pk)
    else:
        messages.success(request, _("Het parkeren is opgeheven; het verzoek kan weer worden aangemeld."))
        return redirect("placement:matching", pk=pk)
    placement_request = request_or_404(request, pk, view="matching")
    return render(
        request,
        "placement/matching.html",
        _matching_context(request, placement_request, parking_form=form),
        status=422,
    )
