"""Offers (aanmeldingen): the anonymised referral to one provider at a time.

Lock order everywhere: the request row, then the offer row, then (inside the capacity
services) the facility row. Two coordinators offering the same request queue on the
request lock and the second gets 409; a partial unique index (one open offer per request)
is the last line of defence. An accept racing an expiry or a withdrawal queues the same
way: the second finds the offer no longer open and gets 409.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from capacity import selectors as capacity_selectors
from capacity import services as capacity_services
from core.errors import Conflict, Forbidden, Invalid, missing_params
from core.events import event_record, events_at_end
from intake.models import (
    FALL_THROUGH_FROM,
    SYSTEM,
    WITHDRAW_ACCEPTED_FROM,
    Document,
    Outcome,
    PlacementRequest,
    Status,
)
from intake.services.workflow import (
    coordinator_check,
    coordinators_notify,
    is_coordinator_of,
    provider_staff_notify,
    referrer_check,
    request_lock,
    status_change,
    transition_check,
    waiting_end,
)
from placement.deadlines import (
    AMSTERDAM,
    add_working_days,
    offer_deadline_bounds,
    offer_deadline_default,
    offer_deadline_within_bounds,
)
from placement.matching import Group
from placement.models import (
    PROVIDER_DECLINE_REASONS,
    DeclineReason,
    FallThroughParty,
    FallThroughReason,
    IntroductionOutcome,
    Offer,
    OfferStatus,
)
from placement.referral import (
    OFFER_TEXT_FIELDS,
    offer_default_texts,
    offer_referral,
    offer_texts_check,
    shareable_documents,
    withdraw_reason_check,
)
from placement.selectors.matching import matching_for_request
from placement.services.parking import request_park_after_decline
from placement.services.webhook_events import offer_webhook


@dataclass(frozen=True)
class OfferDraft:
    """What an offer would carry, and every problem with it (empty: it may be sent)."""

    texts: dict
    findings: list
    overridden: dict
    document_kinds: frozenset
    deadline: datetime
    problems: list = field(default_factory=list)


def offer_document_kinds_check(placement_request, document_kinds) -> tuple[frozenset, list[dict]]:
    """The kinds of the request's shareable documents that go along with an offer (None:
    every shareable kind) and the problem when a kind has no shareable document. The one
    rule for the composer, POST /requests/{id}/offers and PUT /offers/{id}/documents."""
    available = {d.kind for d in shareable_documents(placement_request)}
    if document_kinds is None:
        return frozenset(available), []
    kinds = frozenset(document_kinds)
    missing = sorted(kinds - available)
    if not missing:
        return kinds, []
    return kinds, [
        {
            "name": "document_kinds",
            "code": "no_such_document",
            "reason": _("Dit verzoek heeft geen deelbaar document van deze soort: %(kinds)s.")
            % {"kinds": ", ".join(str(Document.DocumentKind(k).label) for k in missing)},
        }
    ]


def offer_draft_check(
    *, placement_request, texts=None, overrides=None, document_kinds=None, deadline=None, now=None
) -> OfferDraft:
    """Check an offer before it is sent, writing nothing (the composer's preview asks it
    too): the texts (the referrer's, with the coordinator's edits) through the
    identifying-data check with the overrides, the document kinds against the shareable
    documents, and the deadline against the region's bounds (`placement.deadlines`).
    Returns every problem at once, as invalid_params."""
    now = now or timezone.now()
    region = placement_request.region
    sent_texts = offer_default_texts(placement_request)
    sent_texts.update({k: (v or "").strip() for k, v in (texts or {}).items() if k in OFFER_TEXT_FIELDS})
    findings, overridden, problems = offer_texts_check(placement_request, sent_texts, overrides)
    kinds, kind_problems = offer_document_kinds_check(placement_request, document_kinds)
    problems.extend(kind_problems)
    if deadline is None:
        deadline = offer_deadline_default(region, placement_request.urgency, now)
    else:
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline, AMSTERDAM)
        broken = offer_deadline_within_bounds(region, deadline, now)
        earliest, latest = offer_deadline_bounds(region, now)
        if broken == "too_soon":
            problems.append(
                {
                    "name": "deadline",
                    "code": "deadline_too_soon",
                    "reason": _("Geef de aanbieder minstens %(hours)s uur: kies een moment na %(earliest)s.")
                    % {
                        "hours": region.offer_deadline_min_hours,
                        "earliest": timezone.localtime(earliest, AMSTERDAM).strftime("%d-%m-%Y %H:%M"),
                    },
                }
            )
        elif broken == "too_late":
            problems.append(
                {
                    "name": "deadline",
                    "code": "deadline_too_late",
                    "reason": _("De termijn is hoogstens %(days)s werkdagen: kies uiterlijk %(latest)s.")
                    % {
                        "days": region.offer_deadline_max_working_days,
                        "latest": timezone.localtime(latest, AMSTERDAM).strftime("%d-%m-%Y %H:%M"),
                    },
                }
            )
    return OfferDraft(
        texts=sent_texts,
        findings=findings,
        overridden=overridden,
        document_kinds=kinds,
        deadline=deadline,
        problems=problems,
    )


# The fields each use case requires, with the message next to the field. The forms reuse
# these dicts (`AccessibleForm.service_required`), so a label says "(verplicht)" exactly
# where the service refuses an empty value.
DECLINE_REQUIRED = {
    "reason": gettext_lazy("Kies een reden uit de lijst."),
    "motivation": gettext_lazy("Licht de afwijzing toe; de coördinator bespreekt afwijzingen met aanbieders."),
}
OFFER_WITHDRAW_REQUIRED = {"reason": gettext_lazy("Geef aan waarom u de aanmelding intrekt.")}
INTRODUCTION_REQUIRED = {
    "date": gettext_lazy("Vul de datum van de kennismaking in."),
    "outcome": gettext_lazy("Kies de uitkomst van de kennismaking."),
}
FALL_THROUGH_REQUIRED = {
    "party": gettext_lazy("Kies wie de plaatsing afwijst."),
    "reason_code": gettext_lazy("Kies een reden uit de lijst."),
    "motivation": gettext_lazy("Licht de afwijzing toe."),
}
WITHDRAW_ACCEPTED_REQUIRED = {"reason": gettext_lazy("Geef aan waarom u het verzoek intrekt.")}
# Required only when the availability is stale (`offer_accept_needs_confirmation`).
ACCEPT_REQUIRED_WHEN_STALE = {
    "availability_confirmed": gettext_lazy(
        "Uw opgave van de beschikbaarheid is verouderd: bevestig dat er echt een plek vrij is."
    )
}


def _provider_check(membership, offer) -> None:
    if membership is None or membership.role != Role.PROVIDER or membership.organisation_id != offer.provider_id:
        raise Forbidden()


def _pseudonym() -> str:
    while True:
        value = "AM-" + secrets.token_hex(4).upper()
        if not Offer.objects.filter(pseudonym=value).exists():
            return value


def _notify_provider(offer, subject, body):
    provider_staff_notify(offer.provider_id, subject, body, reverse("placement:provider-offer", args=[offer.pk]))


def _offer_lock(offer, placement_request=None) -> Offer:
    """The offer's row locked and read again, with the request it belongs to when the
    caller locked that first (so its later reads do not fetch the request once more)."""
    locked = Offer.objects.select_for_update(of=("self",)).select_related("facility", "provider").get(pk=offer.pk)
    if placement_request is not None and placement_request.pk == locked.request_id:
        locked.request = placement_request
    return locked


def offer_reoffer_problems(*, refusal, reoffer_reason: str) -> list[dict]:
    """Decline policy: a new offer to a provider that refused this request before
    (`refusal`, from matching) needs a reason."""
    if refusal is None or (reoffer_reason or "").strip():
        return []
    return [
        {
            "name": "reoffer_reason",
            "code": "reoffer_reason_required",
            "reason": _(
                "Deze aanbieder wees dit verzoek eerder af op %(date)s (%(reason)s). "
                "Geef aan waarom u opnieuw aanmeldt."
            )
            % {"date": refusal.on.strftime("%d-%m-%Y"), "reason": refusal.reason},
        }
    ]


@transaction.atomic
def offer_create(
    *,
    placement_request: PlacementRequest,
    facility_id,
    by,
    membership,
    texts: dict | None = None,
    overrides: list[dict] | None = None,
    reoffer_reason: str = "",
    document_kinds: list[str] | None = None,
    deadline=None,
) -> Offer:
    """Offer the request to one facility: only when no offer is open, only where the
    facility fits, with one place held; the texts must hold no identifying data, except
    findings the coordinator overrides with a reason (`overrides`: [{"finding": id,
    "reason": text}]), each recorded as an event naming field, kind and reason.
    `document_kinds`: which kinds of the shareable documents go along (None: all of them;
    only these open to the provider after acceptance). `deadline`: the provider's answer
    deadline within the region's bounds (None: the default for the request's urgency).

    Decline policy: never while the request is parked; to a provider that refused this
    request before only with `reoffer_reason` (stored on the offer and in the event)."""
    coordinator_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    if Offer.objects.filter(request=placement_request, status=OfferStatus.OPEN).exists():
        raise Conflict(
            _("Er loopt al een aanmelding voor dit verzoek; wacht het antwoord af of trek haar in."),
            code="open_offer_exists",
        )
    transition_check(placement_request, Status.OFFERED, Role.COORDINATOR)
    if placement_request.is_parked():
        raise Conflict(
            _("Dit verzoek is geparkeerd tot %(date)s en kan tot dan niet worden aangemeld.")
            % {"date": placement_request.parked_until.strftime("%d-%m-%Y")},
            code="request_parked",
        )
    try:
        facility_id = int(facility_id)
    except (TypeError, ValueError):
        raise Invalid.field("facility", _("Kies een locatie.")) from None
    result = matching_for_request(membership=membership, placement_request=placement_request, facility_id=facility_id)
    match = result.match_of(facility_id)
    if match is None:
        raise Invalid.field("facility", _("Deze locatie is niet beschikbaar voor uw regio."), code="unknown_facility")
    if match.group == Group.UNFIT:
        raise Invalid(
            _("Deze locatie past niet bij het zorgprofiel en kan niet worden aangemeld."),
            code="does_not_fit",
            invalid_params=[{"name": "facility", "reason": c.text} for c in match.failed],
        )
    reoffer_reason = (reoffer_reason or "").strip()
    refusal = (result.refusals or {}).get(result.facilities[facility_id].provider_id)
    reoffer_problems = offer_reoffer_problems(refusal=refusal, reoffer_reason=reoffer_reason)
    if refusal is None:
        reoffer_reason = ""  # only a re-offer carries a reason
    unknown = set(texts or {}) - set(OFFER_TEXT_FIELDS)
    if unknown:
        raise Invalid(
            invalid_params=[{"name": f"texts.{n}", "reason": _("Onbekend tekstveld.")} for n in sorted(unknown)]
        )
    now = timezone.now()
    draft = offer_draft_check(
        placement_request=placement_request,
        texts=texts,
        overrides=overrides,
        document_kinds=document_kinds,
        deadline=deadline,
        now=now,
    )
    if draft.problems:
        open_findings = [p for p in draft.problems if p.get("code") == "identifying_data"]
        bad_overrides = [p for p in draft.problems if p["name"].startswith("overrides.")]
        raise Invalid(
            _(
                "De teksten bevatten gegevens waarmee de jeugdige herkend kan worden (%(n)s). "
                "Pas ze aan of laat een gegeven met een reden staan voor u aanmeldt."
            )
            % {"n": len(open_findings)}
            if open_findings
            else _("Niet elke uitzondering op de controle is geldig.")
            if bad_overrides
            else _("De aanmelding is niet volledig."),
            code="identifying_data" if open_findings else "invalid_override" if bad_overrides else "invalid",
            invalid_params=draft.problems + reoffer_problems,
        )
    sent_texts, findings, overridden = draft.texts, draft.findings, draft.overridden
    if reoffer_problems:
        raise Invalid(reoffer_problems[0]["reason"], code="reoffer_reason_required", invalid_params=reoffer_problems)
    facility = result.facilities[facility_id]
    pseudonym = _pseudonym()
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                request=placement_request,
                facility_id=facility.pk,  # a matching row (placement.selectors.matching.FacilityRow)
                provider_id=facility.provider_id,
                analysis=placement_request.analysis,
                pseudonym=pseudonym,
                reoffer_reason=reoffer_reason,
                referral=offer_referral(
                    placement_request, texts=sent_texts, pseudonym=pseudonym, document_kinds=draft.document_kinds
                ),
                reconfirm_availability=match.facility.is_stale,
                created_at=now,
                created_by=by,
                deadline=draft.deadline,
            )
    except IntegrityError:
        raise Conflict(_("Er loopt al een aanmelding voor dit verzoek."), code="open_offer_exists") from None
    capacity_services.availability_hold(facility=facility.pk, by=by, reason_ref=f"offer:{offer.pk}")
    offer.referral["reconfirm_availability"] = offer.reconfirm_availability
    offer.save(update_fields=["referral"])
    for finding in findings:
        if finding.id in overridden:
            # The field, the kind and the reason; never the found value (nor its position,
            # which with the stored referral would point at it).
            event_record(
                subject=placement_request,
                event_type="identifying_data_overridden",
                by=by,
                organisation=membership.organisation,
                reason_code=finding.kind,
                details={
                    "offer": offer.pk,
                    "field": finding.field,
                    "kind": finding.kind,
                    "source": finding.source,
                    "reason": overridden[finding.id],
                },
            )
    waiting_end(placement_request)
    status_change(
        placement_request,
        to=Status.OFFERED,
        by=by,
        organisation=membership.organisation,
        event_type="offer_made",
        details={
            "offer": offer.pk,
            "facility": facility.pk,
            "provider": facility.provider_id,
            "analysis_version": placement_request.analysis.version,
            "deadline": offer.deadline.isoformat(),
            "deadline_set": deadline is not None,
            "document_kinds": sorted(draft.document_kinds),
            "reconfirm_availability": offer.reconfirm_availability,
            **({"reoffer_reason": reoffer_reason, "refused_before": refusal.offer_id} if refusal is not None else {}),
        },
    )
    offer_webhook(offer, "offer.created")
    answer_by = timezone.localtime(offer.deadline, AMSTERDAM)
    _notify_provider(
        offer,
        _("Nieuwe aanmelding %(ref)s") % {"ref": offer.pseudonym},
        _("Er is een aanmelding voor %(facility)s. Geef uw antwoord uiterlijk %(deadline)s.")
        # "08-12-2026 om 23:59": without the word the digits read as a phone number.
        % {
            "facility": facility.name,
            "deadline": _("%(date)s om %(time)s")
            % {"date": answer_by.strftime("%d-%m-%Y"), "time": answer_by.strftime("%H:%M")},
        }
        + (
            " " + _("Bevestig in uw antwoord ook de beschikbaarheid: uw opgave is verouderd.")
            if offer.reconfirm_availability
            else ""
        ),
    )
    return offer


def _hold_release(offer, *, by) -> None:
    """The one rule for giving back the place an offer holds (decline, expiry, withdrawal,
    fall-through, withdrawal of an accepted request)."""
    capacity_services.availability_release_hold(facility=offer.facility, by=by, reason_ref=f"offer:{offer.pk}")


def _back_to_matching(
    placement_request, offer, *, by, organisation, role, event_type, reason_code, details, sources=(Status.OFFERED,)
):
    transition_check(placement_request, Status.MATCHING, role, sources=sources)
    _hold_release(offer, by=by)
    status_change(
        placement_request,
        to=Status.MATCHING,
        by=by,
        organisation=organisation,
        event_type=event_type,
        reason_code=reason_code,
        details={"offer": offer.pk, "facility": offer.facility_id, "provider": offer.provider_id, **details},
    )


def offer_accept_needs_confirmation(offer: Offer) -> bool:
    """Accepting needs the provider's confirmation that the place is really free when the
    facility's availability is stale now (the capacity rule) or was stale when offered."""
    return offer.reconfirm_availability or capacity_selectors.facility_is_stale(offer.facility)


@transaction.atomic
def offer_accept(*, offer: Offer, by, membership, availability_confirmed: bool = False) -> Offer:
    """The provider accepts. With `availability_confirmed` the acceptance also confirms the
    facility's figures (a fresh availability confirmation through the capacity service);
    where the availability is stale that confirmation is required (422 on the field).

    Issue 15 (perf-pages): its events are written together at the end (events_at_end), so
    concurrent answers queue on the event log's chain head only for that last statement."""
    with events_at_end():
        return _offer_accept(offer=offer, by=by, membership=membership, availability_confirmed=availability_confirmed)


def _offer_accept(*, offer: Offer, by, membership, availability_confirmed: bool) -> Offer:
    _provider_check(membership, offer)
    placement_request = request_lock(offer.request)
    offer = _offer_lock(offer, placement_request)
    if offer.status != OfferStatus.OPEN:
        raise Conflict(
            _("Deze aanmelding is %(status)s en kan niet meer worden geaccepteerd.")
            % {"status": offer.get_status_display().lower()},
            code="offer_not_open",
        )
    if offer.deadline < timezone.now():  # the expiry job will record it as "no answer in time"
        raise Conflict(
            _("De termijn voor deze aanmelding is verstreken; zij kan niet meer worden geaccepteerd."),
            code="offer_deadline_passed",
        )
    transition_check(placement_request, Status.ACCEPTED, Role.PROVIDER)
    if not availability_confirmed and offer_accept_needs_confirmation(offer):
        raise Invalid(invalid_params=missing_params(ACCEPT_REQUIRED_WHEN_STALE, {}))
    if availability_confirmed:
        capacity_services.availability_confirm(facility=offer.facility, by=by)
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = timezone.now()
    offer.answered_by = by
    offer.save(update_fields=["status", "answered_at", "answered_by"])
    status_change(
        placement_request,
        to=Status.ACCEPTED,
        by=by,
        organisation=membership.organisation,
        event_type="offer_accepted",
        details={
            "offer": offer.pk,
            "facility": offer.facility_id,
            "provider": offer.provider_id,
            "facility_name": offer.facility.name,
        },
    )
    offer_webhook(offer, "offer.answered", answer="accepted", decline_reason=None)
    event_record(
        subject=placement_request.youth,
        event_type="identity_disclosed",
        by=by,
        organisation=membership.organisation,
        details={"offer": offer.pk, "request": placement_request.pk},
    )
    coordinators_notify(
        placement_request,
        _("Aanmelding %(ref)s geaccepteerd") % {"ref": placement_request.reference},
        _("%(provider)s heeft de aanmelding voor %(facility)s geaccepteerd. Plan de start van de plaatsing.")
        % {"provider": offer.provider.name, "facility": offer.facility.name},
    )
    return offer


@transaction.atomic
def offer_decline(*, offer: Offer, reason: str, motivation: str, by, membership) -> Offer:
    """The provider declines with a reason from the list and a motivation; the request goes
    back to matching (and may be parked). Events at the end, as offer_accept's."""
    with events_at_end():
        return _offer_decline(offer=offer, reason=reason, motivation=motivation, by=by, membership=membership)


def _offer_decline(*, offer: Offer, reason: str, motivation: str, by, membership) -> Offer:
    _provider_check(membership, offer)
    motivation = (motivation or "").strip()
    problems = missing_params(DECLINE_REQUIRED, {"reason": reason, "motivation": motivation})
    if reason and reason not in {code for code, _label in PROVIDER_DECLINE_REASONS}:
        problems.append({"name": "reason", "reason": _("Kies een reden uit de lijst.")})
    if problems:
        raise Invalid(_("De afwijzing is niet volledig."), invalid_params=problems)
    placement_request = request_lock(offer.request)
    offer = _offer_lock(offer, placement_request)
    if offer.status != OfferStatus.OPEN:
        raise Conflict(_("Deze aanmelding is al afgehandeld."), code="offer_not_open")
    transition_check(placement_request, Status.MATCHING, Role.PROVIDER)
    offer.status = OfferStatus.DECLINED
    offer.decline_reason = reason
    offer.motivation = motivation
    offer.answered_at = timezone.now()
    offer.answered_by = by
    offer.save(update_fields=["status", "decline_reason", "motivation", "answered_at", "answered_by"])
    _back_to_matching(
        placement_request,
        offer,
        by=by,
        organisation=membership.organisation,
        role=Role.PROVIDER,
        event_type="offer_declined",
        reason_code=reason,
        details={"motivation": motivation},
    )
    parked = request_park_after_decline(placement_request, offer, by=by, organisation=membership.organisation)
    offer_webhook(offer, "offer.answered", answer="declined", decline_reason=offer.decline_reason)
    coordinators_notify(
        placement_request,
        _("Aanmelding %(ref)s afgewezen") % {"ref": placement_request.reference},
        _("%(provider)s heeft de aanmelding afgewezen: %(reason)s. Toelichting: %(motivation)s")
        % {"provider": offer.provider.name, "reason": offer.get_decline_reason_display(), "motivation": motivation}
        + (
            " " + _("Het verzoek is geparkeerd tot %(date)s.") % {"date": parked.strftime("%d-%m-%Y")} if parked else ""
        ),
    )
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, reason: str, by, membership) -> Offer:
    coordinator_check(membership, offer.request)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(invalid_params=missing_params(OFFER_WITHDRAW_REQUIRED, {"reason": reason}))
    problems = withdraw_reason_check(offer.request, reason)
    if problems:  # the provider is told the reason
        raise Invalid(
            _("De reden bevat gegevens waarmee de jeugdige herkend kan worden; de aanbieder krijgt haar te zien."),
            code="identifying_data",
            invalid_params=problems,
        )
    placement_request = request_lock(offer.request)
    offer = _offer_lock(offer, placement_request)
    if offer.status != OfferStatus.OPEN:
        raise Conflict(_("Alleen een openstaande aanmelding kan worden ingetrokken."), code="offer_not_open")
    offer.status = OfferStatus.WITHDRAWN
    offer.withdraw_reason = reason
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "withdraw_reason", "answered_at"])
    offer_webhook(offer, "offer.withdrawn", after_acceptance=False)  # the reason is text: not sent
    _back_to_matching(
        placement_request,
        offer,
        by=by,
        organisation=membership.organisation,
        role=Role.COORDINATOR,
        event_type="offer_withdrawn",
        reason_code="withdrawn",
        details={"reason": reason},
    )
    _notify_provider(
        offer,
        _("Aanmelding %(ref)s ingetrokken") % {"ref": offer.pseudonym},
        _("De coördinator heeft de aanmelding ingetrokken: %(reason)s") % {"reason": reason},
    )
    return offer


def _accepted_actor_role(membership, offer) -> str:
    """The coordinator of the request's region, or staff of the provider the offer went to."""
    if is_coordinator_of(membership, offer.request):
        return Role.COORDINATOR
    _provider_check(membership, offer)
    return Role.PROVIDER


def _accepted_offer_lock(placement_request, offer) -> Offer:
    """The accepted offer that has not become a placement (row locked), else 409."""
    offer = _offer_lock(offer, placement_request)
    if offer.status != OfferStatus.ACCEPTED or Offer.objects.filter(pk=offer.pk, placement__isnull=False).exists():
        raise Conflict(
            _("Alleen een geaccepteerde aanmelding waarvan de plaatsing nog niet is gestart kan dit."),
            code="offer_not_accepted",
        )
    return offer


@transaction.atomic
def offer_introduction_record(
    *, offer: Offer, introduction_date, outcome: str, note: str = "", by, membership
) -> Offer:
    """The introduction visit (kennismaking) after acceptance: date, outcome and a note,
    recorded by the coordinator or the provider's staff; an event on the request's timeline."""
    _accepted_actor_role(membership, offer)
    note = (note or "").strip()
    problems = missing_params(INTRODUCTION_REQUIRED, {"date": introduction_date, "outcome": outcome})
    if introduction_date is not None and (
        introduction_date > timezone.localdate() or introduction_date < timezone.localdate(offer.answered_at)
    ):
        problems.append({"name": "date", "reason": _("De kennismaking ligt tussen de acceptatie en vandaag.")})
    if outcome and outcome not in IntroductionOutcome.values:
        problems.append({"name": "outcome", "reason": _("Kies de uitkomst van de kennismaking.")})
    if problems:
        raise Invalid(_("De kennismaking is niet volledig."), invalid_params=problems)
    placement_request = request_lock(offer.request)
    offer = _accepted_offer_lock(placement_request, offer)
    offer.introduction_date = introduction_date
    offer.introduction_outcome = outcome
    offer.introduction_note = note
    offer.introduction_by = by
    offer.save(update_fields=["introduction_date", "introduction_outcome", "introduction_note", "introduction_by"])
    event_record(
        subject=placement_request,
        event_type="introduction_recorded",
        by=by,
        organisation=membership.organisation,
        reason_code=outcome,
        details={"offer": offer.pk, "date": introduction_date.isoformat(), "outcome": outcome, "note": note},
    )
    return offer


@transaction.atomic
def offer_fall_through(*, offer: Offer, party: str, reason_code: str, motivation: str, by, membership) -> Offer:
    """After acceptance the youth or the parents refuse, or the provider retracts: the held
    place is released, the request goes back to matching and the provider's access to the
    dossier ends (`offer_documents_open`). Provider staff record only their own retraction;
    the coordinator records any party."""
    role = _accepted_actor_role(membership, offer)
    motivation = (motivation or "").strip()
    if role == Role.PROVIDER and party and party != FallThroughParty.PROVIDER:
        raise Forbidden(_("Een aanbieder legt alleen de eigen intrekking vast; de coördinator legt de rest vast."))
    problems = missing_params(
        FALL_THROUGH_REQUIRED, {"party": party, "reason_code": reason_code, "motivation": motivation}
    )
    if party and party not in FallThroughParty.values:
        problems.append({"name": "party", "reason": _("Kies wie de plaatsing afwijst.")})
    if reason_code and reason_code not in FallThroughReason.values:
        problems.append({"name": "reason_code", "reason": _("Kies een reden uit de lijst.")})
    if problems:
        raise Invalid(_("De afwijzing na acceptatie is niet volledig."), invalid_params=problems)
    placement_request = request_lock(offer.request)
    transition_check(placement_request, Status.MATCHING, role, sources=FALL_THROUGH_FROM)
    offer = _accepted_offer_lock(placement_request, offer)
    offer.status = OfferStatus.FALLEN_THROUGH
    offer.fall_through_party = party
    offer.fall_through_reason = reason_code
    offer.motivation = motivation
    offer.save(update_fields=["status", "fall_through_party", "fall_through_reason", "motivation"])
    # codes only: the motivation is text and stays out of the payload
    offer_webhook(offer, "offer.fell_through", party=party, fall_through_reason=reason_code)
    _back_to_matching(
        placement_request,
        offer,
        by=by,
        organisation=membership.organisation,
        role=role,
        event_type="offer_fallen_through",
        reason_code=reason_code,
        details={"party": party, "motivation": motivation},
        sources=FALL_THROUGH_FROM,
    )
    subject = _("Aanmelding %(ref)s afgevallen na acceptatie") % {"ref": placement_request.reference}
    body = _("%(party)s: %(reason)s. Toelichting: %(motivation)s Het verzoek staat weer in matching.") % {
        "party": offer.get_fall_through_party_display(),
        "reason": offer.get_fall_through_reason_display(),
        "motivation": motivation,
    }
    coordinators_notify(placement_request, subject, body)
    _notify_provider(offer, _("Aanmelding %(ref)s afgevallen") % {"ref": offer.pseudonym}, body)
    return offer


@transaction.atomic
def request_withdraw_accepted(*, placement_request: PlacementRequest, reason: str, by, membership) -> PlacementRequest:
    """The referrer or the coordinator withdraws a request whose offer was accepted: the
    held place is released, the request closes with outcome 'withdrawn'."""
    if is_coordinator_of(membership, placement_request):
        role = Role.COORDINATOR
    else:
        referrer_check(membership, placement_request)
        role = Role.REFERRER
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(invalid_params=missing_params(WITHDRAW_ACCEPTED_REQUIRED, {"reason": reason}))
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.CLOSED, role, sources=WITHDRAW_ACCEPTED_FROM)
    offer = Offer.objects.filter(request=placement_request, status=OfferStatus.ACCEPTED).first()
    if offer is None:
        raise Conflict(_("Er is geen geaccepteerde aanmelding om in te trekken."), code="offer_not_accepted")
    offer = _accepted_offer_lock(placement_request, offer)
    offer.status = OfferStatus.WITHDRAWN
    offer.withdraw_reason = reason
    offer.save(update_fields=["status", "withdraw_reason"])
    offer_webhook(offer, "offer.withdrawn", after_acceptance=True)
    _hold_release(offer, by=by)
    placement_request.outcome = Outcome.WITHDRAWN
    status_change(
        placement_request,
        to=Status.CLOSED,
        by=by,
        organisation=membership.organisation,
        event_type="request_withdrawn",
        reason_code=Outcome.WITHDRAWN,
        reason=reason,
        details={"reason": reason, "offer": offer.pk, "facility": offer.facility_id, "provider": offer.provider_id},
    )
    coordinators_notify(
        placement_request,
        _("Plaatsingsverzoek %(ref)s is ingetrokken") % {"ref": placement_request.reference},
        _("Het verzoek is ingetrokken na acceptatie: %(reason)s") % {"reason": reason},
    )
    _notify_provider(
        offer,
        _("Aanmelding %(ref)s ingetrokken") % {"ref": offer.pseudonym},
        _("Het verzoek is ingetrokken na uw acceptatie: %(reason)s") % {"reason": reason},
    )
    return placement_request


@transaction.atomic
def offer_expire(*, offer_id: int, now=None) -> Offer | None:
    """Expire one overdue open offer (counted as a refusal: no answer in time). Returns
    None when it was answered, withdrawn or expired meanwhile (idempotent)."""
    now = now or timezone.now()
    offer = Offer.objects.filter(pk=offer_id).select_related("request").first()
    if offer is None:
        return None
    placement_request = request_lock(offer.request)
    offer = _offer_lock(offer, placement_request)
    if offer.status != OfferStatus.OPEN or offer.deadline >= now:
        return None
    offer.status = OfferStatus.EXPIRED
    offer.decline_reason = DeclineReason.NO_ANSWER
    offer.motivation = _("Geen antwoord binnen de termijn (uiterlijk %(deadline)s).") % {
        "deadline": timezone.localtime(offer.deadline, AMSTERDAM).strftime("%d-%m-%Y")
    }
    offer.answered_at = now
    offer.save(update_fields=["status", "decline_reason", "motivation", "answered_at"])
    _back_to_matching(
        placement_request,
        offer,
        by=None,
        organisation=offer.provider,
        role=SYSTEM,
        event_type="offer_expired",
        reason_code=DeclineReason.NO_ANSWER,
        details={},
    )
    offer_webhook(offer, "offer.answered", answer="expired", decline_reason=offer.decline_reason)
    coordinators_notify(
        placement_request,
        _("Aanmelding %(ref)s verlopen") % {"ref": placement_request.reference},
        _("%(provider)s heeft niet op tijd geantwoord; de aanmelding is verlopen en telt als afwijzing.")
        % {"provider": offer.provider.name},
    )
    _notify_provider(
        offer,
        _("Aanmelding %(ref)s verlopen") % {"ref": offer.pseudonym},
        _("U heeft niet binnen de termijn geantwoord; de aanmelding is vervallen."),
    )
    return offer


def offers_expire_overdue(*, now=None) -> int:
    """Beat job: expire every open offer past its deadline. Safe to run twice."""
    now = now or timezone.now()
    ids = list(
        Offer.objects.filter(status=OfferStatus.OPEN, deadline__lt=now)
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if offer_expire(offer_id=pk, now=now) is not None)


def offer_reminders_send(*, now=None) -> int:
    """Beat job: remind the provider once, from the working day before the deadline day."""
    now = now or timezone.now()
    today = timezone.localtime(now, AMSTERDAM).date()
    last_day = add_working_days(today, 1)
    sent = 0
    with transaction.atomic():
        offers = list(
            Offer.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(status=OfferStatus.OPEN, reminder_sent_at__isnull=True, deadline__gte=now)
            .select_related("facility")
        )
        for offer in offers:
            if timezone.localtime(offer.deadline, AMSTERDAM).date() > last_day:
                continue
            _notify_provider(
                offer,
                _("Herinnering: antwoord op aanmelding %(ref)s") % {"ref": offer.pseudonym},
                _("De termijn voor uw antwoord op de aanmelding voor %(facility)s loopt af op %(deadline)s.")
                % {
                    "facility": offer.facility.name,
                    "deadline": timezone.localtime(offer.deadline, AMSTERDAM).strftime("%d-%m-%Y"),
                },
            )
            offer.reminder_sent_at = now
            offer.save(update_fields=["reminder_sent_at"])
            offer_webhook(offer, "offer.expiring")
            sent += 1
    return sent
