"""Reads of placements and transfers for the API's lists and details (issue 14 point 6),
scoped like the screens:

- provider staff: placements at their own organisation's facilities;
- coordinator: placements of requests in their own region(s);
- referrer: placements of their own organisation's requests;
- everyone else: nothing.

A transfer (doorplaatsing) is seen by whoever sees the placement it ended. Lists carry
no identifying data; the detail of a placement carries the youth's identity and is
access-logged (a provider has a placement only after it accepted, or for a crisis
placement registered at its facility)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Role
from core.access_log import Purpose, access_log_record
from core.errors import Invalid, NotFound
from intake.selectors import request_scope
from placement.models import Placement, Transfer
from placement.selectors.offers import placement_scope, youth_identity

PLACEMENT_STATUSES = ("running", "ended")
# Ids are PostgreSQL integers: a larger number is no id (and would overflow the query).
MAX_ID = 2**31 - 1
PURPOSE_BY_ROLE = {
    Role.PROVIDER: Purpose.CARE,
    Role.COORDINATOR: Purpose.MATCHING,
    Role.REFERRER: Purpose.OWN_REQUEST,
}


def placement_read_scope(membership):
    """Placements the membership may read: `placement_scope` (provider, coordinator) and,
    for a referrer, the placements of its organisation's requests."""
    if membership is not None and membership.role == Role.REFERRER:
        return Placement.objects.filter(request__in=request_scope(membership))
    return placement_scope(membership)


@dataclass(frozen=True)
class ListFilters:
    """Filters of the placement and transfer lists, parsed from the query string."""

    status: str | None = None
    facility: int | None = None
    provider: int | None = None
    start: dt.date | None = None  # `from`
    end: dt.date | None = None  # `to`


def _first(params, name) -> str | None:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [v for v in values if v not in (None, "")]
    return str(values[0]).strip() if values else None


def list_filters_parse(params, *, statuses=PLACEMENT_STATUSES) -> ListFilters:
    """`status`, `facility`, `provider`, `from` and `to` from a query string; every bad
    value at once as Invalid naming the parameter."""
    errors = []
    values = {}
    status = _first(params, "status")
    if status is not None and statuses:
        if status not in statuses:
            errors.append(
                {"name": "status", "reason": _("Kies een van: %(values)s.") % {"values": ", ".join(statuses)}}
            )
        values["status"] = status
    for name in ("facility", "provider"):
        raw = _first(params, name)
        if raw is None:
            continue
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            errors.append({"name": name, "reason": _("Geef het nummer (id) als positief geheel getal.")})
        else:
            values[name] = int(raw)
    for name, key in (("from", "start"), ("to", "end")):
        raw = _first(params, name)
        if raw is None:
            continue
        try:
            values[key] = dt.date.fromisoformat(raw)
        except ValueError:
            errors.append({"name": name, "reason": _("Geef een datum als JJJJ-MM-DD.")})
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        errors.append({"name": "to", "reason": _("De einddatum ligt voor de begindatum.")})
    if errors:
        raise Invalid(_("Een of meer filters zijn niet geldig."), invalid_params=errors)
    return ListFilters(**values)


def placement_list(*, membership, filters: ListFilters | None = None):
    """Placements the membership may read, newest start first. `from`/`to`: placements
    that ran on at least one day of the period."""
    filters = filters or ListFilters()
    queryset = placement_read_scope(membership).select_related("facility", "provider", "offer", "care_type", "transfer")
    if filters.status == "running":
        queryset = queryset.filter(end_date__isnull=True)
    elif filters.status == "ended":
        queryset = queryset.filter(end_date__isnull=False)
    if filters.facility is not None:
        queryset = queryset.filter(facility_id=filters.facility)
    if filters.provider is not None:
        queryset = queryset.filter(provider_id=filters.provider)
    if filters.end is not None:
        queryset = queryset.filter(start_date__lte=filters.end)
    if filters.start is not None:
        queryset = queryset.exclude(end_date__lt=filters.start)
    return queryset.order_by("-start_date", "-id")


def placement_read(*, membership, pk) -> Placement:
    """One placement the membership may read (NotFound otherwise)."""
    try:
        return (
            placement_read_scope(membership)
            .select_related("request", "facility", "provider", "offer", "youth", "care_type", "transfer")
            .get(pk=pk)
        )
    except (Placement.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def placement_identity(*, membership, placement) -> dict:
    """The youth's identity on a placement's detail, access-logged (who, for whom, why)."""
    youth = placement.youth
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=youth,
        purpose=PURPOSE_BY_ROLE.get(membership.role, Purpose.ADMINISTRATION),
        details={"request": placement.request_id, "placement": placement.pk, "view": "api_placement"},
    )
    return youth_identity(youth)


def transfer_scope(membership):
    """Transfers whose ended placement the membership may read."""
    return Transfer.objects.filter(from_placement__in=placement_read_scope(membership))


def transfer_list(*, membership, filters: ListFilters | None = None):
    """Transfers, newest first. `facility`/`provider`: of the ended placement; `from`/`to`:
    the day the transfer was made (Europe/Amsterdam)."""
    filters = filters or ListFilters()
    queryset = transfer_scope(membership).select_related(
        "from_placement__facility", "from_placement__provider", "new_request"
    )
    if filters.facility is not None:
        queryset = queryset.filter(from_placement__facility_id=filters.facility)
    if filters.provider is not None:
        queryset = queryset.filter(from_placement__provider_id=filters.provider)
    if filters.start is not None:
        queryset = queryset.filter(created_at__date__gte=filters.start)
    if filters.end is not None:
        queryset = queryset.filter(created_at__date__lte=filters.end)
    return queryset.order_by("-created_at", "-id")


def transfer_get(*, membership, pk) -> Transfer:
    try:
        return (
            transfer_scope(membership)
            .select_related("from_placement__facility", "from_placement__provider", "new_request")
            .get(pk=pk)
        )
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
