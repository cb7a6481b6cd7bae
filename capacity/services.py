"""Every write to facilities and their availability.

Each availability function locks the facility row (`SELECT ... FOR UPDATE`), checks the
figures, saves them, appends an `AvailabilityChange` row and records an event, all in one
transaction. Concurrent callers queue on the row lock, so they always decide on the figures
the previous one committed; the CHECK constraints on `Facility` are the last line of defence.

The offers/placements issue calls the hold functions:

    availability_hold            free place -> held          (Conflict "no_free_place" if none)
    availability_release_hold    held -> free                 (offer declined/expired/withdrawn)
    availability_occupy_from_hold held -> occupied_internal   (offer accepted, placement starts)
    availability_release_occupied occupied_internal -> free   (placement ended)

They do not touch `last_confirmed_at`: that is the provider's confirmation of its own
figures (staffed places, youth from outside), which only the provider gives.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, Role
from capacity.models import AvailabilityChange, Facility, PlannedCapacityChange
from core.errors import Conflict, Forbidden, Invalid
from core.events import event_record
from core.outbox import outbox_enqueue

FIGURE_FIELDS = ("places_contracted", "places_staffed", "occupied_internal", "occupied_external", "held")
MAX_PLACES = 1000


def _lock(facility) -> Facility:
    pk = facility.pk if isinstance(facility, Facility) else facility
    return Facility.objects.select_for_update(of=("self",)).select_related("provider").get(pk=pk)


def _history(facility: Facility, *, kind: str, by, reference: str = "", at=None) -> AvailabilityChange:
    return AvailabilityChange.objects.create(
        facility=facility,
        changed_at=at or timezone.now(),
        changed_by=by,
        kind=kind,
        reference=reference or "",
        **facility.figures(),
    )


def _record(
    facility: Facility, *, event_type: str, by, before: dict, kind: str, reference: str = "", details=None, at=None
):
    _history(facility, kind=kind, by=by, reference=reference, at=at or timezone.now())
    event_record(
        subject=facility,
        event_type=event_type,
        by=by,
        organisation=facility.provider,
        reason_code=reference[:64] if reference else "",
        details={"before": before, "after": facility.figures(), **(details or {})},
    )


def _is_provider_staff(user, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Role.PROVIDER, is_active=True, organisation__is_active=True
    ).exists()


def _count(name: str, value) -> int:
    """A whole number of places, 0..MAX_PLACES (bool and floats like 2.5 are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid.field(name, _("Vul een geheel getal in."), code="invalid")
    if value < 0:
        raise Invalid.field(name, _("Het aantal mag niet negatief zijn."), code="min_value")
    if value > MAX_PLACES:
        raise Invalid.field(name, _("Het aantal is onwaarschijnlijk hoog."), code="max_value")
    return value


@transaction.atomic
def availability_update(*, facility, by, places_staffed=None, occupied_external=None) -> Facility:
    """The provider reports staffed places and/or youth from outside; either may be
    omitted (then the current figure is confirmed). Always sets last_confirmed_at/by."""
    facility = _lock(facility)
    if not _is_provider_staff(by, facility.provider_id):
        raise Forbidden(_("Alleen medewerkers van de zorgaanbieder kunnen de beschikbaarheid bijwerken."))
    before = facility.figures()
    errors = []
    if places_staffed is not None:
        places_staffed = _count("places_staffed", places_staffed)
    if occupied_external is not None:
        occupied_external = _count("occupied_external", occupied_external)
    staffed = facility.places_staffed if places_staffed is None else places_staffed
    external = facility.occupied_external if occupied_external is None else occupied_external
    if staffed > facility.places_contracted:
        errors.append(
            {
                "name": "places_staffed",
                "reason": _("Er kunnen niet meer plaatsen inzetbaar zijn dan er gecontracteerd zijn (%(n)s).")
                % {"n": facility.places_contracted},
            }
        )
    in_use = facility.occupied_internal + external + facility.held
    if not errors and in_use > staffed:
        name = "occupied_external" if occupied_external is not None else "places_staffed"
        errors.append(
            {
                "name": name,
                "reason": _(
                    "Bezet en vastgehouden samen (%(in_use)s) is meer dan het aantal inzetbare plaatsen (%(staffed)s): "
                    "%(internal)s bezet via regie, %(external)s van buiten, %(held)s vastgehouden."
                )
                % {
                    "in_use": in_use,
                    "staffed": staffed,
                    "internal": facility.occupied_internal,
                    "external": external,
                    "held": facility.held,
                },
            }
        )
    if errors:
        raise Invalid(_("De beschikbaarheid klopt niet."), invalid_params=errors)
    facility.places_staffed = staffed
    facility.occupied_external = external
    facility.last_confirmed_at = timezone.now()
    facility.last_confirmed_by = by
    facility.save(update_fields=["places_staffed", "occupied_external", "last_confirmed_at", "last_confirmed_by"])
    changed = facility.figures() != before
    _record(
        facility,
        event_type="availability.updated" if changed else "availability.confirmed",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.UPDATED if changed else AvailabilityChange.Kind.CONFIRMED,
        at=facility.last_confirmed_at,  # the history holds the very moment of the confirmation
    )
    return facility


def availability_confirm(*, facility, by) -> Facility:
    """'Ongewijzigd': the provider confirms the current figures in one click."""
    return availability_update(facility=facility, by=by)


@transaction.atomic
def availability_hold(*, facility, by, reason_ref: str = "") -> Facility:
    """Hold one free place for an open offer (`reason_ref` names it, e.g. "offer:42")."""
    facility = _lock(facility)
    if facility.places_free <= 0:
        raise Conflict(_("Er is geen vrije plaats meer bij %(name)s.") % {"name": facility.name}, code="no_free_place")
    before = facility.figures()
    facility.held += 1
    facility.save(update_fields=["held"])
    _record(
        facility,
        event_type="availability.held",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.HELD,
        reference=reason_ref,
    )
    return facility


@transaction.atomic
def availability_release_hold(*, facility, by, reason_ref: str = "") -> Facility:
    facility = _lock(facility)
    if facility.held <= 0:
        raise Conflict(_("Er wordt geen plaats vastgehouden."), code="nothing_held")
    before = facility.figures()
    facility.held -= 1
    facility.save(update_fields=["held"])
    _record(
        facility,
        event_type="availability.hold_released",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.HOLD_RELEASED,
        reference=reason_ref,
    )
    return facility


@transaction.atomic
def availability_occupy_from_hold(*, facility, by, reason_ref: str = "") -> Facility:
    facility = _lock(facility)
    if facility.held <= 0:
        raise Conflict(_("Er wordt geen plaats vastgehouden."), code="nothing_held")
    before = facility.figures()
    facility.held -= 1
    facility.occupied_internal += 1
    facility.save(update_fields=["held", "occupied_internal"])
    _record(
        facility,
        event_type="availability.occupied",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.OCCUPIED,
        reference=reason_ref,
    )
    return facility


@transaction.atomic
def availability_release_occupied(*, facility, by, reason_ref: str = "") -> Facility:
    facility = _lock(facility)
    if facility.occupied_internal <= 0:
        raise Conflict(_("Er is geen bezette plaats via regie om vrij te geven."), code="nothing_occupied")
    before = facility.figures()
    facility.occupied_internal -= 1
    facility.save(update_fields=["occupied_internal"])
    _record(
        facility,
        event_type="availability.occupied_released",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.OCCUPIED_RELEASED,
        reference=reason_ref,
    )
    return facility


# --- Facilities (administrators and integrations) -------------------------------------

DESCRIPTIVE_FIELDS = (
    "provider",
    "name",
    "address",
    "postcode",
    "municipality",
    "care_type",
    "security_level",
    "age_min",
    "age_max",
    "genders",
    "intensity_band",
    "group_size",
    "care_product_code",
    "serves_nationally",
    "active_from",
    "active_until",
)


def _check_facility(values: dict) -> None:
    errors = []
    provider = values.get("provider")
    if provider is not None and provider.kind != Organisation.Kind.PROVIDER:
        errors.append({"name": "provider", "reason": _("Kies een zorgaanbieder.")})
    if (
        values.get("age_min") is not None
        and values.get("age_max") is not None
        and values["age_min"] > values["age_max"]
    ):
        errors.append({"name": "age_max", "reason": _("De leeftijd tot en met moet minstens de leeftijd vanaf zijn.")})
    if values.get("age_max") is not None and values["age_max"] > 27:
        errors.append({"name": "age_max", "reason": _("Jeugdhulp loopt tot en met 27 jaar.")})
    if values.get("active_until") and values.get("active_from") and values["active_until"] < values["active_from"]:
        errors.append({"name": "active_until", "reason": _("De einddatum ligt voor de begindatum.")})
    if "genders" in values and not values["genders"]:
        errors.append({"name": "genders", "reason": _("Kies minstens één geslacht.")})
    if errors:
        raise Invalid(_("De locatie klopt niet."), invalid_params=errors)


@transaction.atomic
def facility_create(
    *, by, specialisations=(), regions_served=(), places_contracted: int, places_staffed: int = 0, **fields
) -> Facility:
    """A new facility. Its figures count as unconfirmed (stale) until the provider confirms."""
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    _check_facility(fields)
    places_contracted = _count("places_contracted", places_contracted)
    places_staffed = _count("places_staffed", places_staffed)
    if places_staffed > places_contracted:
        raise Invalid.field(
            "places_staffed",
            _("Er kunnen niet meer plaatsen inzetbaar zijn dan er gecontracteerd zijn (%(n)s).")
            % {"n": places_contracted},
        )
    facility = Facility.objects.create(places_contracted=places_contracted, places_staffed=places_staffed, **fields)
    facility.specialisations.set(specialisations)
    facility.regions_served.set(regions_served)
    _history(facility, kind=AvailabilityChange.Kind.CREATED, by=by)
    event_record(
        subject=facility,
        event_type="facility.created",
        by=by,
        organisation=facility.provider,
        details={"after": facility.figures()},
    )
    return facility


@transaction.atomic
def facility_update(*, facility, by, specialisations=None, regions_served=None, **fields) -> Facility:
    """Change a facility's description and/or contracted places (administrators)."""
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS) - {"places_contracted"}
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    facility = _lock(facility)
    merged = {name: getattr(facility, name) for name in DESCRIPTIVE_FIELDS} | fields
    _check_facility(merged)
    before = facility.figures()
    contracted = fields.pop("places_contracted", None)
    if contracted is not None:
        _set_contracted(facility, _count("places_contracted", contracted))
    for name, value in fields.items():
        setattr(facility, name, value)
    facility.save()
    if specialisations is not None:
        facility.specialisations.set(specialisations)
    if regions_served is not None:
        facility.regions_served.set(regions_served)
    changed = (
        sorted(fields)
        + (["specialisations"] if specialisations is not None else [])
        + (["regions_served"] if regions_served is not None else [])
    )
    if facility.figures() != before:
        _record(
            facility,
            event_type="facility.contract_changed",
            by=by,
            before=before,
            kind=AvailabilityChange.Kind.CONTRACT_CHANGED,
        )
    if changed:
        event_record(
            subject=facility,
            event_type="facility.updated",
            by=by,
            organisation=facility.provider,
            details={"fields": changed},
        )
    return facility


def _set_contracted(facility: Facility, contracted: int) -> None:
    """Fewer contracted places also lowers staffed places, but never below the places in
    use (occupied + held): those youth keep their place."""
    in_use = facility.occupied_internal + facility.occupied_external + facility.held
    if contracted < in_use:
        raise Invalid.field(
            "places_contracted",
            _(
                "Er zijn nog %(n)s plaatsen bezet of vastgehouden; "
                "minder gecontracteerde plaatsen kan pas als die vrij zijn."
            )
            % {"n": in_use},
            code="in_use",
        )
    facility.places_contracted = contracted
    facility.places_staffed = min(facility.places_staffed, contracted)


# --- Planned capacity changes (afbouw / opbouw) ----------------------------------------


@transaction.atomic
def capacity_change_plan(
    *, facility, by, effective_date: date, places_contracted: int, note: str = ""
) -> PlannedCapacityChange:
    facility = _lock(facility)
    places_contracted = _count("places_contracted", places_contracted)
    if effective_date < timezone.localdate():
        raise Invalid.field("effective_date", _("De ingangsdatum ligt in het verleden."))
    change = PlannedCapacityChange.objects.create(
        facility=facility, effective_date=effective_date, places_contracted=places_contracted, note=note, created_by=by
    )
    event_record(
        subject=facility,
        event_type="capacity_change.planned",
        by=by,
        organisation=facility.provider,
        details={
            "change": change.pk,
            "effective_date": effective_date.isoformat(),
            "from": facility.places_contracted,
            "to": places_contracted,
        },
    )
    return change


@transaction.atomic
def capacity_change_cancel(*, change, by) -> PlannedCapacityChange:
    change = PlannedCapacityChange.objects.select_for_update().select_related("facility__provider").get(pk=change.pk)
    if change.status != PlannedCapacityChange.Status.PLANNED:
        raise Conflict(_("Alleen een geplande wijziging kan worden geannuleerd."), code="not_planned")
    change.status = PlannedCapacityChange.Status.CANCELLED
    change.save(update_fields=["status"])
    event_record(
        subject=change.facility,
        event_type="capacity_change.cancelled",
        by=by,
        organisation=change.facility.provider,
        details={"change": change.pk},
    )
    return change


def capacity_changes_apply_due(*, today: date | None = None) -> dict:
    """Apply every planned change whose date has come (beat, daily). Idempotent: an
    applied change is never applied again; a blocked one is retried next time."""
    today = today or timezone.localdate()
    due = list(
        PlannedCapacityChange.objects.filter(status=PlannedCapacityChange.Status.PLANNED, effective_date__lte=today)
        .order_by("effective_date", "id")
        .values_list("pk", flat=True)
    )
    result = {"applied": 0, "blocked": 0}
    for pk in due:
        outcome = _capacity_change_apply(pk)
        if outcome:
            result[outcome] += 1
    return result


@transaction.atomic
def _capacity_change_apply(change_id: int) -> str | None:
    change = (
        PlannedCapacityChange.objects.select_for_update(skip_locked=True)
        .filter(pk=change_id, status=PlannedCapacityChange.Status.PLANNED)
        .first()
    )
    if change is None:
        return None  # applied or cancelled meanwhile, or another worker has it
    facility = _lock(change.facility_id)
    before = facility.figures()
    try:
        _set_contracted(facility, change.places_contracted)  # changes nothing when it refuses
    except Invalid as exc:
        reason = exc.invalid_params[0]["reason"]
        if change.blocked_reason != reason:
            change.blocked_reason = reason
            change.save(update_fields=["blocked_reason"])
            event_record(
                subject=facility,
                event_type="capacity_change.blocked",
                organisation=facility.provider,
                details={"change": change.pk, "reason": reason},
            )
        return "blocked"
    facility.save(update_fields=["places_contracted", "places_staffed"])
    change.status = PlannedCapacityChange.Status.APPLIED
    change.applied_at = timezone.now()
    change.blocked_reason = ""
    change.save(update_fields=["status", "applied_at", "blocked_reason"])
    _record(
        facility,
        event_type="capacity_change.applied",
        by=None,
        before=before,
        kind=AvailabilityChange.Kind.CONTRACT_CHANGED,
        reference=f"capacity_change:{change.pk}",
        details={"change": change.pk, "effective_date": change.effective_date.isoformat()},
    )
    return "applied"


# --- Freshness reminders ---------------------------------------------------------------


def stale_reminders_send(*, now=None) -> int:
    """Remind the staff of each provider with stale facilities (daily beat job).
    At most one reminder per facility per day, so running it twice sends nothing new.
    Returns the number of messages queued (one per staff member per provider)."""
    from django.urls import reverse

    from capacity.selectors import facilities_stale_for_reminder

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    with transaction.atomic():
        facilities = list(facilities_stale_for_reminder(now=now).select_for_update(of=("self",), skip_locked=True))
        by_provider: dict[int, list[Facility]] = {}
        for facility in facilities:
            by_provider.setdefault(facility.provider_id, []).append(facility)
        staff = Membership.objects.filter(
            organisation_id__in=by_provider, role=Role.PROVIDER, is_active=True, user__is_active=True
        ).select_related("user")
        url = reverse("capacity:provider-home")
        for membership in staff:
            names = ", ".join(f.name for f in by_provider[membership.organisation_id])
            outbox_enqueue(
                recipient=membership.user,
                subject=_("Bevestig de beschikbaarheid van uw locaties"),
                body=_(
                    "De beschikbaarheid van deze locaties is niet recent bevestigd: %(names)s. "
                    "Werk de cijfers bij of bevestig dat ze ongewijzigd zijn."
                )
                % {"names": names},
                url=url,
            )
            sent += 1
        Facility.objects.filter(pk__in=[f.pk for f in facilities]).update(stale_reminder_sent_on=today)
    return sent
