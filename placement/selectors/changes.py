"""Reads for changes in place and the machtiging watch (issue 11, point 6).

`machtiging_warning_due` is the one rule for "this machtiging is about to end": its end
date is at most `Region.machtiging_warning_days` days away (or already passed). The beat
job (`placement.services.machtiging`), the request page and the coordinator's home all
ask it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from intake.models import LegalStatus, Status
from placement.models import PlacementChange
from placement.selectors.offers import placement_scope


def machtiging_warning_due(end_date: date | None, warning_days: int, today: date | None = None) -> bool:
    if end_date is None:
        return False
    today = today or timezone.localdate()
    return end_date - timedelta(days=warning_days) <= today


def machtiging_ending(youth, region, today: date | None = None) -> date | None:
    """The end date of the youth's machtiging when the region's warning is due, else None."""
    if youth.legal_status != LegalStatus.MACHTIGING_GJ:
        return None
    if machtiging_warning_due(youth.machtiging_end_date, region.machtiging_warning_days, today):
        return youth.machtiging_end_date
    return None


def running_with_machtiging(queryset):
    """Running placements (request still placed) whose youth has a machtiging."""
    return queryset.filter(
        end_date__isnull=True,
        request__status=Status.PLACED,
        youth__legal_status=LegalStatus.MACHTIGING_GJ,
        youth__machtiging_end_date__isnull=False,
    )


def machtigingen_ending(*, membership, today: date | None = None) -> list[dict]:
    """For the coordinator's home (and the provider's): running placements the membership
    may see whose machtiging ends within the region's warning period, soonest first. Only
    the request reference, the facility and the date: no names."""
    today = today or timezone.localdate()
    rows = running_with_machtiging(placement_scope(membership)).values(
        "id",
        "offer_id",
        "request_id",
        "request__region__machtiging_warning_days",
        "facility__name",
        "youth__machtiging_end_date",
    )
    ending = [
        {
            "placement": row["id"],
            "offer": row["offer_id"],
            "request": row["request_id"],
            "reference": f"PV-{row['request_id']:06d}",
            "facility": row["facility__name"],
            "end_date": row["youth__machtiging_end_date"],
            "passed": row["youth__machtiging_end_date"] < today,
        }
        for row in rows
        if machtiging_warning_due(
            row["youth__machtiging_end_date"], row["request__region__machtiging_warning_days"], today
        )
    ]
    return sorted(ending, key=lambda r: (r["end_date"], r["request"]))


def placement_changes(placement) -> list[PlacementChange]:
    """The changes in place of a placement, oldest first, with who recorded them."""
    return list(placement.changes.select_related("created_by", "organisation").order_by("created_at", "id"))
