"""Issue 11 point 10: every HTML form of the product, submitted empty (or bad): every
error shows at once, each next to its field (`id="id_<field>-error"`), the fields the
service requires say "(verplicht)" and carry `aria-required`, and nothing is written
(no rows, no events, no status change).

The fields a service requires are declared once, in the service's own dict (e.g.
`placement.services.DECLINE_REQUIRED`); the forms reuse it (`AccessibleForm.service_required`).
`test_forms_mark_exactly_what_the_service_requires` holds each form against its service."""

import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from accounts.models import Role
from capacity.models import AvailabilityChange
from core.errors import Invalid
from core.models import Event
from intake import services as intake_services
from intake.models import AnalysisAssignment, Document, PerspectivePlan, PlacementRequest, SafetyPlan
from placement import forms as placement_forms
from placement import services
from placement.models import Offer, Placement, WaitingPeriod
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    provider_membership,
)


@dataclass
class Case:
    """A form on a page: who posts, where, what (empty by default), which fields must then
    show an error, and what must stay unchanged."""

    user: object
    url: str
    errors: list
    unchanged: callable
    data: dict = field(default_factory=dict)
    page: str = ""  # where the form is shown (GET), to check the required marks
    required: list = field(default_factory=list)  # fields that must say "(verplicht)"


def accepted(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    return placement_request, offer, staff


def snapshot(*querysets):
    """A callable that tells whether the counts of these querysets (and all events) changed."""
    before = [q.count() for q in querysets] + [Event.objects.count()]
    return lambda: [q.count() for q in querysets] + [Event.objects.count()] == before


def status_kept(placement_request):
    status = placement_request.status
    events = snapshot(Offer.objects.all(), Placement.objects.all())
    return lambda: PlacementRequest.objects.get(pk=placement_request.pk).status == status and events()


def case_youth_new(referrer, coordinator):
    return Case(
        referrer,
        "/referrer/requests/new/",
        ["given_names", "family_name", "birth_date", "gender", "municipality", "legal_status", "urgency", "bsn"],
        snapshot(PlacementRequest.objects.all()),
        data={"municipality": "Atlantis", "bsn": "123456789"},
        page="/referrer/requests/new/",
        required=["given_names", "family_name", "birth_date", "gender", "municipality"],
    )


def case_plans(referrer, coordinator):
    placement_request = make_request(referrer, complete=False)
    url = f"/referrer/requests/{placement_request.pk}/plans/"
    return Case(
        referrer,
        url,
        [
            "perspective-goal",
            "perspective-expected_duration_months",
            "perspective-return_perspective",
            "safety-risks",
            "safety-agreements",
        ],
        snapshot(PerspectivePlan.objects.all(), SafetyPlan.objects.all()),
        page=url,
        required=["perspective-goal", "safety-risks", "safety-agreements"],
    )


def case_document(referrer, coordinator):
    placement_request = make_request(referrer, complete=False)
    url = f"/referrer/requests/{placement_request.pk}/documents/"
    return Case(
        referrer,
        url,
        ["file", "kind"],
        snapshot(Document.objects.all()),
        data={"kind": ""},
        page=url,
        required=["file", "kind"],
    )


def case_triage(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    return Case(
        coordinator,
        f"/requests/{placement_request.pk}/triage/",
        ["decision"],
        status_kept(placement_request),
        page=f"/requests/{placement_request.pk}/",
        required=["decision"],
    )


def case_triage_return_without_reason(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    return Case(
        coordinator,
        f"/requests/{placement_request.pk}/triage/",
        ["reason"],
        status_kept(placement_request),
        data={"decision": "return"},
    )


def case_assignment(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    return Case(
        coordinator,
        f"/requests/{placement_request.pk}/assignment/",
        ["question"],
        snapshot(AnalysisAssignment.objects.all()),
        page=f"/requests/{placement_request.pk}/",
        required=["question"],
    )


def case_wait(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    return Case(
        coordinator,
        f"/coordinator/requests/{placement_request.pk}/wait/",
        ["reason", "bridging_care"],
        snapshot(WaitingPeriod.objects.all()),
        page=f"/coordinator/requests/{placement_request.pk}/matching/",
        required=["reason", "bridging_care"],
    )


def case_decline(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    return Case(
        staff,
        f"/provider/offers/{offer.pk}/decline/",
        ["reason", "motivation"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/provider/offers/{offer.pk}/",
        required=["reason", "motivation"],
    )


def case_accept_stale(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(fresh=False)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    return Case(
        staff,
        f"/provider/offers/{offer.pk}/accept/",
        ["availability_confirmed"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/provider/offers/{offer.pk}/",
        required=["availability_confirmed"],
    )


def case_offer_withdraw(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    return Case(
        coordinator,
        f"/coordinator/offers/{offer.pk}/withdraw/",
        ["reason"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/requests/{placement_request.pk}/",
        required=["reason"],
    )


def case_introduction(referrer, coordinator):
    placement_request, offer, _staff = accepted(referrer, coordinator)
    return Case(
        coordinator,
        f"/offers/{offer.pk}/introduction/",
        ["date", "outcome"],
        snapshot(Offer.objects.filter(introduction_date__isnull=False)),
        page=f"/offers/{offer.pk}/introduction/",
        required=["date", "outcome"],
    )


def case_fall_through(referrer, coordinator):
    placement_request, offer, _staff = accepted(referrer, coordinator)
    return Case(
        coordinator,
        f"/offers/{offer.pk}/fall-through/",
        ["party", "reason_code", "motivation"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/offers/{offer.pk}/fall-through/",
        required=["party", "reason_code", "motivation"],
    )


def case_withdraw_accepted(referrer, coordinator):
    placement_request, _offer, _staff = accepted(referrer, coordinator)
    return Case(
        referrer,
        f"/requests/{placement_request.pk}/withdraw-accepted/",
        ["reason"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/requests/{placement_request.pk}/withdraw-accepted/",
        required=["reason"],
    )


def case_placement_start(referrer, coordinator):
    placement_request, _offer, _staff = accepted(referrer, coordinator)
    return Case(
        coordinator,
        f"/requests/{placement_request.pk}/placement/",
        ["start_date"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/requests/{placement_request.pk}/placement/",
        required=["start_date"],
    )


def case_placement_end(referrer, coordinator):
    placement_request, _offer, _staff = accepted(referrer, coordinator)
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    return Case(
        coordinator,
        f"/placements/{placement.pk}/end/",
        ["end_date", "reason"],
        status_kept(PlacementRequest.objects.get(pk=placement_request.pk)),
        page=f"/placements/{placement.pk}/end/",
        required=["end_date", "reason"],
    )


def case_availability(referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    return Case(
        staff,
        f"/provider/facilities/{facility.pk}/availability/",
        ["places_staffed", "occupied_external"],
        snapshot(AvailabilityChange.objects.all()),
        data={"places_staffed": "", "occupied_external": "-3"},
        page=f"/provider/facilities/{facility.pk}/",
        required=["places_staffed", "occupied_external"],
    )


def case_role_grant(referrer, coordinator):
    from accounts.models import Organisation, RoleGrantRequest
    from tests.accounts.factories import OrganisationFactory

    admin = member(Role.ADMIN, organisation=OrganisationFactory(kind=Organisation.Kind.ADMINISTRATION), is_staff=True)
    return Case(
        admin,
        "/administration/role-grants/",
        ["organisation", "role", "reason"],  # the service's membership rule and the reason, together
        snapshot(RoleGrantRequest.objects.all()),
        data={"username": referrer.username, "kind": "membership"},
        page="/administration/role-grants/",
        required=["username", "reason"],
    )


CASES = [
    case_youth_new,
    case_plans,
    case_document,
    case_triage,
    case_triage_return_without_reason,
    case_assignment,
    case_wait,
    case_decline,
    case_accept_stale,
    case_offer_withdraw,
    case_introduction,
    case_fall_through,
    case_withdraw_accepted,
    case_placement_start,
    case_placement_end,
    case_availability,
    case_role_grant,
]


def marked_required(html, name) -> bool:
    """The field's label (or its group's legend) says "(verplicht)" and the input is
    required for assistive technology."""
    label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', html, re.S)
    if label:
        control = re.search(rf'<(?:input|select|textarea)[^>]*id="id_{name}"[^>]*>', html)
        return "(verplicht)" in label.group(1) and control is not None and 'aria-required="true"' in control.group(0)
    group = re.search(rf'<fieldset[^>]*>\s*<legend[^>]*>(.*?)</legend>(?:(?!</fieldset>).)*name="{name}"', html, re.S)
    return bool(group) and "(verplicht)" in group.group(1)


def error_ids(html):
    return set(re.findall(r'id="(?:id_)?([\w-]+)-error"', html))


@pytest.mark.django_db
@pytest.mark.parametrize("make_case", CASES, ids=[c.__name__.removeprefix("case_") for c in CASES])
def test_an_empty_or_bad_form_shows_every_error_at_once_and_writes_nothing(
    client, referrer, coordinator, make_case, private_media
):
    case = make_case(referrer, coordinator)
    client.force_login(case.user)
    if case.page:
        html = client.get(case.page).content.decode()
        for name in case.required:
            assert marked_required(html, name), f"{name} is not marked as required on {case.page}"
    response = client.post(case.url, case.data)
    html = response.content.decode()
    assert response.status_code in (200, 422), response.status_code
    assert set(case.errors) <= error_ids(html), (set(case.errors) - error_ids(html), case.url)
    assert case.unchanged(), "something was written"


# --- the forms say "(verplicht)" exactly where the service refuses an empty value ----------


def _service_refuses_empty(call) -> set:
    try:
        call()
    except Invalid as error:
        return {p["name"] for p in error.invalid_params}
    raise AssertionError("the service accepted empty input")


@pytest.mark.django_db
def test_forms_mark_exactly_what_the_service_requires(referrer, coordinator):
    placement_request, offer, staff = accepted(referrer, coordinator)
    c = coordinator_membership(coordinator)
    pairs = [
        (
            placement_forms.FallThroughForm(),
            lambda: services.offer_fall_through(
                offer=offer, party="", reason_code="", motivation="", by=coordinator, membership=c
            ),
        ),
        (
            placement_forms.IntroductionForm(),
            lambda: services.offer_introduction_record(
                offer=offer, introduction_date=None, outcome="", by=coordinator, membership=c
            ),
        ),
        (
            placement_forms.AcceptedWithdrawForm(),
            lambda: services.request_withdraw_accepted(
                placement_request=placement_request, reason="", by=coordinator, membership=c
            ),
        ),
        (
            placement_forms.PlacementStartForm(),
            lambda: services.placement_start(
                placement_request=placement_request, start_date=None, by=coordinator, membership=c
            ),
        ),
    ]
    other = in_matching(referrer, coordinator)
    open_offer = offer_to(other, fitting_facility(), coordinator)
    pairs += [
        (
            placement_forms.OfferWithdrawForm(),
            lambda: services.offer_withdraw(offer=open_offer, reason="", by=coordinator, membership=c),
        ),
        (
            placement_forms.WaitForm(),
            lambda: services.request_wait(
                placement_request=make_matching(referrer, coordinator),
                reason="",
                bridging_care="",
                by=coordinator,
                membership=c,
            ),
        ),
        (
            placement_forms.TriageForm(),
            lambda: intake_services.request_triage(
                placement_request=make_request(referrer, submit=True), decision="", by=coordinator, membership=c
            ),
        ),
        (
            placement_forms.AssignmentRequestForm(),
            lambda: intake_services.assignment_request(
                placement_request=make_request(referrer, submit=True), question="", by=coordinator, membership=c
            ),
        ),
    ]
    decline_staff = member(Role.PROVIDER, organisation=open_offer.provider)
    pairs.append(
        (
            placement_forms.DeclineForm(),
            lambda: services.offer_decline(
                offer=open_offer,
                reason="",
                motivation="",
                by=decline_staff,
                membership=provider_membership(decline_staff),
            ),
        )
    )
    for form, call in pairs:
        marked = {name for name, f in form.fields.items() if f.required}
        assert marked == _service_refuses_empty(call), type(form).__name__
        for name in marked:
            widget = form.fields[name].widget
            assert widget.attrs.get("aria-required") == "true" or widget.input_type == "radio", (type(form), name)


def make_matching(referrer, coordinator):
    return in_matching(referrer, coordinator)


def test_the_required_dicts_are_the_forms_single_source():
    assert placement_forms.DeclineForm.service_required is services.DECLINE_REQUIRED
    assert placement_forms.PlacementEndForm.service_required is services.PLACEMENT_END_REQUIRED
    assert placement_forms.TriageForm.service_required is intake_services.TRIAGE_REQUIRED
