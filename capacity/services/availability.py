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

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import AvailabilityChange, Facility
from capacity.rules import places_in_use
from capacity.services.common import (
    change_record,
    facility_lock,
    is_provider_staff,
    places_count,
)
from core.errors import Conflict, Forbidden, Invalid


@transaction.atomic
def availability_update(*, facility, by, places_staffed=None, occupied_external=None, measured_at=None) -> Facility:
    """The provider reports staffed places and/or youth from outside; either may be
    omitted (then the current figure is confirmed). Always sets last_confirmed_at/by.

    `measured_at` (issue 14, bulk from a provider's system): the moment the figures were
    true, which becomes the confirmation time; refused when it lies in the future or
    before the facility's latest recorded change (older figures never overwrite newer)."""
    facility = facility_lock(facility)
    if not is_provider_staff(by, facility.provider_id):
        raise Forbidden(_("Alleen medewerkers van de zorgaanbieder kunnen de beschikbaarheid bijwerken."))
    now = timezone.now()
    if measured_at is not None:
        measured_at = _measured_at_check(facility, measured_at, now)
    before = facility.figures()
    errors = []
    if places_staffed is not None:
        places_staffed = places_count("places_staffed", places_staffed)
    if occupied_external is not None:
        occupied_external = places_count("occupied_external", occupied_external)
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
    in_use = places_in_use(internal=facility.occupied_internal, external=external, held=facility.held)
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
    facility.last_confirmed_at = measured_at or now
    facility.last_confirmed_by = by
    facility.save(update_fields=["places_staffed", "occupied_external", "last_confirmed_at", "last_confirmed_by"])
    changed = facility.figures() != before
    change_record(
        facility,
        event_type="availability.updated" if changed else "availability.confirmed",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.UPDATED if changed else AvailabilityChange.Kind.CONFIRMED,
        at=facility.last_confirmed_at,  # the history holds the very moment of the confirmation
    )
    return facility


# Clocks of providers' systems drift a little: a moment up to this far ahead counts as now.
MEASURED_AT_CLOCK_SKEW = timedelta(minutes=2)


def _measured_at_invalid(reason, code: str) -> Invalid:
    return Invalid(reason, code=code, invalid_params=[{"name": "measured_at", "code": code, "reason": str(reason)}])


def _measured_at_check(facility: Facility, measured_at, now):
    if measured_at > now + MEASURED_AT_CLOCK_SKEW:
        raise _measured_at_invalid(_("Dit moment ligt in de toekomst."), "in_future")
    measured_at = min(measured_at, now)
    latest = AvailabilityChange.objects.filter(facility=facility).aggregate(latest=Max("changed_at"))["latest"]
    if latest is not None and measured_at < latest:
        raise _measured_at_invalid(
            _(
                "Er zijn al nieuwere cijfers van deze locatie vastgelegd (%(moment)s); "
                "oudere cijfers worden niet opgeslagen."
            )
            % {"moment": timezone.localtime(latest).strftime("%d-%m-%Y %H:%M:%S")},
            "older_than_stored",
        )
    return measured_at


def availability_bulk_update(*, provider_rows, by, measured_at, visible_facility) -> list[Facility]:
    """Issue 14 (api-push): many facilities of a provider's system in one call, all or
    nothing. `provider_rows`: [{"facility": id, "places_staffed"?, "occupied_external"?,
    "measured_at"?}]; `measured_at` the moment the figures were true (a row may give its
    own). `visible_facility(id)` is the caller's selector: the facility or None. Each row
    goes through `availability_update` (the one rule for a facility's figures); every
    problem of every row is collected as `items.<index>.<field>` and then nothing is
    written. A facility that is not the caller's own is "not found", like any unknown id.
    Rows are locked in facility order, so two bulk calls at once cannot deadlock."""
    problems: list[dict] = []
    seen: dict[int, int] = {}
    planned = []
    for index, row in enumerate(provider_rows):
        facility = visible_facility(row["facility"])
        if facility is None or not is_provider_staff(by, facility.provider_id):
            problems.append(
                {"name": f"items.{index}.facility", "code": "not_found", "reason": str(_("Onbekende locatie."))}
            )
            continue
        if facility.pk in seen:
            problems.append(
                {
                    "name": f"items.{index}.facility",
                    "code": "duplicate",
                    "reason": _("Deze locatie staat al in rij %(n)s.") % {"n": seen[facility.pk]},
                }
            )
            continue
        seen[facility.pk] = index
        planned.append((facility.pk, index, row))
    updated: dict[int, Facility] = {}
    with transaction.atomic():
        for facility_id, index, row in sorted(planned, key=lambda item: item[0]):
            try:
                with transaction.atomic():
                    updated[index] = availability_update(
                        facility=facility_id,
                        by=by,
                        places_staffed=row.get("places_staffed"),
                        occupied_external=row.get("occupied_external"),
                        measured_at=row.get("measured_at") or measured_at,
                    )
            except Invalid as error:
                for param in error.invalid_params or [{"name": "", "reason": str(error.detail)}]:
                    name = f"items.{index}.{param['name']}" if param.get("name") else f"items.{index}"
                    problems.append({**param, "name": name})
        if problems:
            problems.sort(key=lambda p: (int(p["name"].split(".")[1]), p["name"]))
            raise Invalid(_("Niet alle rijen zijn goed; er is niets opgeslagen."), invalid_params=problems)
    return [updated[index] for index in sorted(updated)]


def availability_confirm(*, facility, by) -> Facility:
    """'Ongewijzigd': the provider confirms the current figures in one click."""
    return availability_update(facility=facility, by=by)


@transaction.atomic
def availability_hold(*, facility, by, reason_ref: str = "") -> Facility:
    """Hold one free place for an open offer (`reason_ref` names it, e.g. "offer:42")."""
    facility = facility_lock(facility)
    if facility.places_free <= 0:
        raise Conflict(_("Er is geen vrije plaats meer bij %(name)s.") % {"name": facility.name}, code="no_free_place")
    before = facility.figures()
    facility.held += 1
    facility.save(update_fields=["held"])
    change_record(
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
    facility = facility_lock(facility)
    if facility.held <= 0:
        raise Conflict(_("Er wordt geen plaats vastgehouden."), code="nothing_held")
    before = facility.figures()
    facility.held -= 1
    facility.save(update_fields=["held"])
    change_record(
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
    facility = facility_lock(facility)
    if facility.held <= 0:
        raise Conflict(_("Er wordt geen plaats vastgehouden."), code="nothing_held")
    before = facility.figures()
    facility.held -= 1
    facility.occupied_internal += 1
    facility.save(update_fields=["held", "occupied_internal"])
    change_record(
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
    facility = facility_lock(facility)
    if facility.occupied_internal <= 0:
        raise Conflict(_("Er is geen bezette plaats via regie om vrij te geven."), code="nothing_occupied")
    before = facility.figures()
    facility.occupied_internal -= 1
    facility.save(update_fields=["occupied_internal"])
    change_record(
        facility,
        event_type="availability.occupied_released",
        by=by,
        before=before,
        kind=AvailabilityChange.Kind.OCCUPIED_RELEASED,
        reference=reason_ref,
    )
    return facility
