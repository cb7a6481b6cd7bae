"""What every capacity write shares: the facility lock, the history row and event of a
change, who is provider staff, the whole-number check of a count of places."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from capacity.models import AvailabilityChange, Facility
from core.errors import Invalid
from core.events import event_record

FIGURE_FIELDS = ("places_contracted", "places_staffed", "occupied_internal", "occupied_external", "held")
MAX_PLACES = 1000


def facility_lock(facility) -> Facility:
    pk = facility.pk if isinstance(facility, Facility) else facility
    return Facility.objects.select_for_update(of=("self",)).select_related("provider").get(pk=pk)


def history_append(facility: Facility, *, kind: str, by, reference: str = "", at=None) -> AvailabilityChange:
    return AvailabilityChange.objects.create(
        facility=facility,
        changed_at=at or timezone.now(),
        changed_by=by,
        kind=kind,
        reference=reference or "",
        **facility.figures(),
    )


def change_record(
    facility: Facility, *, event_type: str, by, before: dict, kind: str, reference: str = "", details=None, at=None
):
    history_append(facility, kind=kind, by=by, reference=reference, at=at or timezone.now())
    event_record(
        subject=facility,
        event_type=event_type,
        by=by,
        organisation=facility.provider,
        reason_code=reference[:64] if reference else "",
        details={"before": before, "after": facility.figures(), **(details or {})},
    )


def is_provider_staff(user, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Role.PROVIDER, is_active=True, organisation__is_active=True
    ).exists()


def places_count(name: str, value) -> int:
    """A whole number of places, 0..MAX_PLACES (bool and floats like 2.5 are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid.field(name, _("Vul een geheel getal in."), code="invalid")
    if value < 0:
        raise Invalid.field(name, _("Het aantal mag niet negatief zijn."), code="min_value")
    if value > MAX_PLACES:
        raise Invalid.field(name, _("Het aantal is onwaarschijnlijk hoog."), code="max_value")
    return value


def contracted_set(facility: Facility, contracted: int) -> None:
    """Fewer contracted places also lowers staffed places, but never below the places in
    use (occupied + held): those youth keep their place."""
    in_use = facility.places_in_use
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
