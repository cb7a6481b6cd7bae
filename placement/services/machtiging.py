"""The machtiging watch (issue 11, point 6): `Region.machtiging_warning_days` days before a
youth's machtiging gesloten jeugdzorg ends, the coordinators of the request's region and
the staff of the placement's provider are told, once.

Idempotent: a `MachtigingWarning` row per placement and end date (unique in the database)
records that the warning went out, in the same transaction as the messages. A repeat run,
or two runs at once, send nothing new; a changed end date (an extension recorded as a
change in place) is a new row and warns again.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import event_record
from intake.services.workflow import coordinators_notify, provider_staff_notify, request_lock
from placement.models import MachtigingWarning, Placement
from placement.selectors.changes import machtiging_warning_due, running_with_machtiging
from placement.services.changes import provider_placement_url

__all__ = ["machtiging_warning_send", "machtiging_warnings_send"]


def machtiging_warning_send(*, placement_id: int, today: date | None = None) -> MachtigingWarning | None:
    """Warn about one placement's machtiging if it is due and not yet warned for this end
    date; None otherwise (nothing sent)."""
    today = today or timezone.localdate()
    placement = Placement.objects.filter(pk=placement_id).select_related("request").first()
    if placement is None:
        return None
    try:
        with transaction.atomic():
            placement_request = request_lock(placement.request)  # reads the youth afresh
            placement = (
                Placement.objects.select_for_update(of=("self",)).select_related("facility").get(pk=placement_id)
            )
            youth = placement_request.youth
            end_date = youth.machtiging_end_date
            if (
                placement.end_date is not None
                or not running_with_machtiging(Placement.objects.filter(pk=placement.pk)).exists()
                or not machtiging_warning_due(end_date, placement_request.region.machtiging_warning_days, today)
                or MachtigingWarning.objects.filter(placement=placement, end_date=end_date).exists()
            ):
                return None
            warning = MachtigingWarning.objects.create(placement=placement, end_date=end_date)
            date_text = end_date.strftime("%d-%m-%Y")
            subject = _("Machtiging loopt af op %(date)s (%(ref)s)") % {
                "date": date_text,
                "ref": placement_request.reference,
            }
            body = _(
                "De machtiging gesloten jeugdzorg voor de jeugdige in %(facility)s loopt af op %(date)s. "
                "Zorg op tijd voor een verlenging of een passende vervolgplek; leg een verlenging vast als "
                "wijziging in de plaatsing."
            ) % {"facility": placement.facility.name, "date": date_text}
            coordinators_notify(placement_request, subject, body)
            provider_staff_notify(placement.provider_id, subject, body, provider_placement_url(placement))
            event_record(
                subject=placement_request,
                event_type="machtiging_warning_sent",
                details={"placement": placement.pk, "end_date": end_date.isoformat()},
            )
            return warning
    except IntegrityError:  # another run warned at the same moment
        return None


def machtiging_warnings_send(*, today: date | None = None) -> int:
    """Beat job: warn for every running placement whose machtiging is due. Safe to run twice."""
    today = today or timezone.localdate()
    already = MachtigingWarning.objects.filter(
        placement=OuterRef("pk"), end_date=OuterRef("youth__machtiging_end_date")
    )
    candidates = (
        running_with_machtiging(Placement.objects.all())
        .filter(~Exists(already))
        .values_list("pk", "youth__machtiging_end_date", "request__region__machtiging_warning_days")
        .order_by("youth__machtiging_end_date", "pk")
    )
    due = [pk for pk, end_date, days in candidates if machtiging_warning_due(end_date, days, today)]
    return sum(1 for pk in due if machtiging_warning_send(placement_id=pk, today=today) is not None)
