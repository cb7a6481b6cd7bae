"""Reads of intake (placement requests, behavioural-scientist assignments), scoped to what
the acting membership may see.

- referrer: the requests of their own organisation (drafts included);
- coordinator: submitted requests (not drafts) of their own region(s);
- behavioural scientist: only the requests whose assignment they accepted, while it is
  active (`AnalysisAssignment.objects.granting_identity`); an open (not yet accepted)
  assignment of their region shows only its question and the request's reference
  (`assignment_scope`), and after the assignment ends (completed, or the request closed,
  withdrawn or ended) the request and the assignment are a 404;
- everyone else: nothing.

Every read that returns identifying youth data writes the access log (the youth is the
subject); list pages log one row per youth shown.
"""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone

from accounts.models import Organisation, Region, Role
from accounts.selectors import region_coordination_contacts, region_ids_of
from capacity.models import CareType, Specialisation
from core.access_log import Purpose, access_log_entry, access_log_record
from core.errors import NotFound
from core.events import events_for
from core.models import AccessLogEntry
from intake.models import OPEN_STATUSES, AnalysisAssignment, Document, ExpertTableMeeting, PlacementRequest, Status
from intake.taxonomy import labels

PURPOSE_BY_ROLE = {
    Role.REFERRER: Purpose.OWN_REQUEST,
    Role.COORDINATOR: Purpose.TRIAGE,
    Role.BEHAVIOURAL_SCIENTIST: Purpose.ANALYSIS_SUPPORT,
}


def request_scope(membership):
    queryset = PlacementRequest.objects.all()
    if membership is None:
        return queryset.none()
    if membership.role == Role.REFERRER:
        return queryset.filter(referrer_organisation_id=membership.organisation_id)
    if membership.role == Role.COORDINATOR:
        return queryset.filter(region_id__in=region_ids_of(membership)).exclude(status=Status.DRAFT)
    if membership.role == Role.BEHAVIOURAL_SCIENTIST:
        return queryset.filter(pk__in=identity_assignments(membership).values("request_id"))
    return queryset.none()


def identity_assignments(membership):
    """The behavioural scientist's assignments that open the youth's identity to them."""
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        return AnalysisAssignment.objects.none()
    return AnalysisAssignment.objects.granting_identity(
        user_id=membership.user_id, region_ids=region_ids_of(membership)
    )


def _with_related(queryset):
    return queryset.select_related(
        "youth", "youth__municipality", "region", "referrer_organisation", "referrer", "analysis"
    )


# Youth columns a list page does not show. They are encrypted (core.fields), and every
# column loaded is decrypted, so a list of requests leaves these out: it decrypts the
# name (two values per row), not seven. Reading one of them on a row costs a query.
LIST_DEFERRED_YOUTH = ("youth__address", "youth__postcode", "youth__city", "youth__school")


def request_list(*, membership, statuses=None, log_identities: bool = False, with_youth: bool = True):
    """Requests the membership may see, newest first. With `log_identities` (pages that
    show names) one access-log row per youth is written. Without `with_youth` (lists that
    show no identity, such as the API list) the youth is not read at all."""
    if with_youth:
        queryset = _with_related(request_scope(membership)).defer(*LIST_DEFERRED_YOUTH, "youth__birth_date")
    else:
        queryset = request_scope(membership).select_related("region", "referrer_organisation", "referrer", "analysis")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    rows = list(queryset.order_by("-created_at", "-id"))
    if log_identities and rows:
        access_log_bulk(membership=membership, requests=rows, view="list")
    return rows


def access_log_bulk(*, membership, requests, view: str) -> None:
    purpose = PURPOSE_BY_ROLE.get(membership.role, Purpose.ADMINISTRATION)
    AccessLogEntry.objects.bulk_create(
        [
            access_log_entry(
                user_id=membership.user_id,
                role=membership.role,
                organisation_id=membership.organisation_id,
                subject_type="placement.youth",
                subject_id=r.youth_id,
                purpose=purpose,
                details={"request": r.pk, "view": view},
            )
            for r in requests
        ]
    )


def request_get(*, membership, pk, log: bool = True, view: str = "detail", documents: bool = True) -> PlacementRequest:
    """One request with its documents; NotFound for anything the membership may not see.
    Logs the read of the youth's identity (unless `log` is False, for writes that only
    need the row). Without `documents` the guardians, alternatives, documents and expert
    meetings are not loaded ahead (reading one costs a query): for callers that need only
    the request, its youth and its analysis (matching, issue 15)."""
    queryset = _with_related(request_scope(membership))
    if documents:
        queryset = queryset.prefetch_related(
            "youth__guardians",
            "alternatives",
            Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "id")),
            Prefetch(
                "expert_table_meetings",
                queryset=ExpertTableMeeting.objects.select_related("recorded_by").prefetch_related("participants"),
            ),
        )
    try:
        placement_request = queryset.get(pk=pk)
    except (PlacementRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if log:
        access_log_record(
            user=membership.user,
            membership=membership,
            subject=placement_request.youth,
            purpose=PURPOSE_BY_ROLE.get(membership.role, Purpose.ADMINISTRATION),
            details={"request": placement_request.pk, "view": view},
        )
    return placement_request


# Events that name the provider to everyone who sees the request: from acceptance on.
PROVIDER_DISCLOSED_EVENTS = frozenset({"offer_accepted", "placement_started", "placement_ended"})
# Events whose free-text reason stays with coordinator and provider (it may name the provider).
PROVIDER_PRIVATE_REASONS = frozenset({"offer_withdrawn", "offer_declined", "offer_expired"})


def request_events(*, placement_request):
    return list(events_for(placement_request))


def request_timeline(*, placement_request, membership) -> list[dict]:
    """The request's events as the membership may see them. Coordinators see every
    provider; everyone else sees a provider named only from its acceptance on, and not the
    free-text reasons of withdrawals, declines and expiries (they may name the provider)."""
    show_providers = membership is not None and membership.role == Role.COORDINATOR
    rows = []
    for event in request_events(placement_request=placement_request):
        organisation = event.organisation
        show_org = organisation is not None and (
            organisation.kind != Organisation.Kind.PROVIDER
            or show_providers
            or event.event_type in PROVIDER_DISCLOSED_EVENTS
        )
        details = event.details or {}
        if not show_providers and event.event_type in PROVIDER_PRIVATE_REASONS:
            details = {k: v for k, v in details.items() if k != "reason"}
        rows.append(
            {
                "id": event.pk,
                "occurred_at": event.occurred_at,
                "event_type": event.event_type,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "reason_code": event.reason_code,
                "organisation": organisation.name if show_org else None,
                "reason": details.get("reason", ""),
                "analysis_version": details.get("analysis_version") or details.get("version"),
                # issue 11: where the youth went after the placement (placement_ended)
                "aftercare_destination": details.get("aftercare_destination", ""),
                "facility_name": details.get("facility_name", "")
                if (show_providers or event.event_type in PROVIDER_DISCLOSED_EVENTS)
                else "",
            }
        )
    return rows


def request_summary(placement_request) -> dict:
    """The dossier as the request pages show it: analysis with the labels of its need
    profile, plans, documents and alternatives."""
    analysis = placement_request.analysis
    return {
        "analysis": analysis,
        "care_type_labels": labels(analysis.care_types, CareType) if analysis else [],
        "specialisation_labels": labels(analysis.specialisations, Specialisation) if analysis else [],
        "perspective_plan": getattr(placement_request, "perspective_plan", None),
        "safety_plan": getattr(placement_request, "safety_plan", None),
        "documents": list(placement_request.documents.all()),
        "alternatives": list(placement_request.alternatives.all()),
        "expert_table_meetings": list(placement_request.expert_table_meetings.all()),
    }


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another open request that may be for the same youth. `request` is set only when the
    reader may see that request; otherwise only its region is named, with the region's
    coordination organisation as `contact` (None when the region has none): no name, no
    request id, no dates (issue 10, least privilege)."""

    region: Region
    request: PlacementRequest | None = None
    contact: Organisation | None = None

    @property
    def visible(self) -> bool:
        return self.request is not None


def request_possible_duplicates(*, placement_request, membership) -> list[PossibleDuplicate]:
    """Other open requests for the same youth in any region: by BSN (keyed hash), or by
    family name and birth date (keyed hash) when either youth has no BSN. Those the
    membership may see (`request_scope`) in detail, first; every other region once, by
    name and contact."""
    youth = placement_request.youth
    same_youth = Q(youth__bsn_hash=youth.bsn_hash) if youth.bsn_hash else Q(pk__in=[])
    name_birth = youth.name_birth_hash or youth.name_birth_index()
    by_name = Q(youth__name_birth_hash=name_birth) if name_birth else Q(pk__in=[])
    if youth.bsn_hash:
        by_name &= Q(youth__bsn_hash="")
    found = list(
        PlacementRequest.objects.filter(same_youth | by_name, status__in=OPEN_STATUSES)
        .exclude(pk=placement_request.pk)
        .select_related("region", "referrer_organisation")
        .order_by("referral_date", "id")
    )
    if not found:
        return []
    visible_ids = set(request_scope(membership).filter(pk__in=[r.pk for r in found]).values_list("pk", flat=True))
    shown = [PossibleDuplicate(region=r.region, request=r) for r in found if r.pk in visible_ids]
    hidden_regions = {r.region_id: r.region for r in found if r.pk not in visible_ids}
    contacts = region_coordination_contacts(list(hidden_regions)) if hidden_regions else {}
    hidden = [
        PossibleDuplicate(region=region, contact=contacts.get(region_id))
        for region_id, region in sorted(hidden_regions.items(), key=lambda item: (item[1].name, item[0]))
    ]
    return shown + hidden


def document_get(*, membership, placement_request, document_id):
    """A document of a request the membership may see; logs the download."""
    document = placement_request.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=placement_request.youth,
        purpose=Purpose.DOCUMENT_DOWNLOAD,
        details={"request": placement_request.pk, "document": document.pk},
    )
    return document


# --- behavioural-scientist assignments ----------------------------------------------------


def assignment_scope(membership):
    """Assignments a behavioural scientist may see: the open ones of their regions (to
    decide whether to accept; no identity, see `assignment_request_get`) and the ones they
    accepted while those are active. Completed and cancelled assignments are gone."""
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        return AnalysisAssignment.objects.none()
    open_in_region = AnalysisAssignment.objects.live().filter(
        status=AnalysisAssignment.AssignmentStatus.OPEN,
        request__region_id__in=region_ids_of(membership),
    )
    return AnalysisAssignment.objects.filter(
        Q(pk__in=open_in_region.values("pk")) | Q(pk__in=identity_assignments(membership).values("pk"))
    )


def assignment_list(*, membership):
    """The pool's list: the requests for help still waiting for someone to take them
    first, oldest first (they wait longest); then the scientist's own, oldest first."""
    waiting_first = Case(When(status=AnalysisAssignment.AssignmentStatus.OPEN, then=Value(0)), default=Value(1))
    return list(
        assignment_scope(membership)
        .select_related("request", "request__region", "assigned_to", "requested_by")
        .order_by(waiting_first, "requested_at", "id")
    )


def assignment_get(*, membership, pk) -> AnalysisAssignment:
    assignment = (
        assignment_scope(membership).select_related("request", "request__region", "assigned_to").filter(pk=pk).first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


def assignment_request_get(*, membership, assignment) -> PlacementRequest | None:
    """The request behind an assignment with the youth's identity (access-logged), or None
    when the assignment does not open it (open, not yet accepted): the page then shows
    only the question and the reference."""
    try:
        return request_get(membership=membership, pk=assignment.request_id, view="assignment")
    except NotFound:
        return None


# --- one youth across requests (issue 11 point 3) -------------------------------------------


def youth_for_bsn(*, bsn_hash: str, membership) -> int | None:
    """The id of the youth record a new request with this BSN (keyed hash) joins: the youth of the
    newest request with that BSN the membership may see (`request_scope`; a referrer: its
    own organisation's requests). None when there is none in scope: a youth known only in
    another organisation or region is not linked (and nothing of it is read), that stays
    the possible-duplicate hint of the coordinator (`request_possible_duplicates`). A
    pseudonymised youth has no BSN hash left, so it is never found."""
    if not bsn_hash:
        return None
    return (
        request_scope(membership)
        .filter(youth__bsn_hash=bsn_hash)
        .order_by("-created_at", "-id")
        .values_list("youth_id", flat=True)
        .first()
    )


def youth_link_candidates(*, placement_request, membership) -> list[PlacementRequest]:
    """Requests the membership may see that may be for the same youth as this request but
    are on another youth record: same BSN (keyed hash), or same family name and birth date
    (keyed hash) where either has no BSN. Any status: a returning child's earlier request
    has ended. Newest first. Reads no identity (the page shows references only)."""
    youth = placement_request.youth
    by_bsn = Q(youth__bsn_hash=youth.bsn_hash) if youth.bsn_hash else Q(pk__in=[])
    name_birth = youth.name_birth_hash or youth.name_birth_index()
    by_name = Q(youth__name_birth_hash=name_birth) if name_birth else Q(pk__in=[])
    if youth.bsn_hash:
        by_name &= Q(youth__bsn_hash="")
    return list(
        request_scope(membership)
        .filter(by_bsn | by_name)
        .exclude(youth_id=youth.pk)
        .select_related("region", "referrer_organisation")
        .order_by("-created_at", "-id")
    )


def youth_requests(*, membership, youth_id) -> list[PlacementRequest]:
    """The requests of one youth record the membership may see, oldest first."""
    return list(
        request_scope(membership)
        .filter(youth_id=youth_id)
        .select_related("region", "referrer_organisation", "referrer", "previous_request")
        .order_by("created_at", "id")
    )


def youth_hidden_regions(*, membership, youth_id, visible_ids) -> list[PossibleDuplicate]:
    """For a coordinator: the other regions in which this youth record has requests the
    coordinator may not see, once per region with its coordination contact (the rule of
    `request_possible_duplicates`: no request, no name, no date). Nobody else gets these."""
    if membership is None or membership.role != Role.COORDINATOR:
        return []
    hidden = (
        PlacementRequest.objects.filter(youth_id=youth_id)
        .exclude(pk__in=visible_ids)
        .exclude(status=Status.DRAFT)
        .exclude(region_id__in=region_ids_of(membership))
        .select_related("region")
    )
    regions = {r.region_id: r.region for r in hidden}
    contacts = region_coordination_contacts(list(regions)) if regions else {}
    return [
        PossibleDuplicate(region=region, contact=contacts.get(region_id))
        for region_id, region in sorted(regions.items(), key=lambda item: (item[1].name, item[0]))
    ]


# --- the pool's waiting (issue 11) ------------------------------------------------------


@dataclass(frozen=True)
class PoolWaiting:
    """How long requests for help wait for a behavioural scientist to take them, in
    working days (`AnalysisAssignment.waiting_working_days`), in the scientist's regions.
    `waiting`: open now; `median_waiting`: of those, now; `median_until_taken`: of the
    requests taken in the last `period_days` days, from asking to taking."""

    waiting: int
    waiting_before_submission: int
    median_waiting: float | None
    oldest_waiting: int | None
    taken: int
    median_until_taken: float | None
    period_days: int


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def pool_waiting(*, membership, today=None, period_days: int = 90) -> PoolWaiting:
    if membership is None or membership.role != Role.BEHAVIOURAL_SCIENTIST:
        raise NotFound()
    today = today or timezone.localdate()
    regions = region_ids_of(membership)
    open_rows = list(
        AnalysisAssignment.objects.live()
        .filter(status=AnalysisAssignment.AssignmentStatus.OPEN, request__region_id__in=regions)
        .only("requested_at", "accepted_at", "before_submission")
    )
    since = timezone.now() - timedelta(days=period_days)
    taken_rows = list(
        AnalysisAssignment.objects.filter(
            request__region_id__in=regions, accepted_at__isnull=False, accepted_at__gte=since
        ).only("requested_at", "accepted_at")
    )
    waiting_days = [a.waiting_working_days(today) for a in open_rows]
    return PoolWaiting(
        waiting=len(open_rows),
        waiting_before_submission=sum(1 for a in open_rows if a.before_submission),
        median_waiting=_median(waiting_days),
        oldest_waiting=max(waiting_days) if waiting_days else None,
        taken=len(taken_rows),
        median_until_taken=_median([a.waiting_working_days() for a in taken_rows]),
        period_days=period_days,
    )
