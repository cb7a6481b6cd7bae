"""Reads for the privacy screens and the retention task.

- Which youth, documents and messages are past their term (`*_past_term`): the rule of
  the retention policy, in SQL, once.
- Finding one youth for the administrator, by BSN or request number (never by name).
- Everything held about one youth and who read it (`inzage_data`, `inzage_archive`),
  access-logged.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Region, Role
from accounts.selectors import region_ids_of
from core.access_log import access_log_record
from core.errors import Forbidden, Invalid, NotFound
from core.models import AccessLogEntry, Event, Notification, OutboxMessage
from intake import crypto
from intake.models import (
    AnalysisAssignment,
    Document,
    ExplanatoryAnalysis,
    Guardian,
    LegalStatus,
    PlacementRequest,
    Status,
    Youth,
)
from placement.models import Offer, Placement, Transfer, WaitingPeriod
from privacy.models import RetentionPolicy, RetentionRun

# The purpose written to the access log for reads on the privacy screens.
PURPOSE_INZAGE = "inzage"
PURPOSE_ERASURE = "erasure"
# Requests in these states are finished: their retention term runs from the last change.
FINISHED_STATUSES = (Status.CLOSED, Status.ENDED)
# Roles that may change a region's retention policy (administrators: every region).
POLICY_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CONTRACT_MANAGER)


# --- retention policy ---------------------------------------------------------------------


def policy_regions(*, membership):
    """The regions whose policy the membership may see and change."""
    if membership is None or membership.role not in POLICY_ROLES:
        raise Forbidden()
    regions = Region.objects.order_by("name")
    if membership.role != Role.ADMIN:
        regions = regions.filter(pk__in=region_ids_of(membership))
    return regions


def policy_list(*, membership) -> list[RetentionPolicy]:
    regions = policy_regions(membership=membership)
    return list(RetentionPolicy.objects.filter(region__in=regions).select_related("region", "updated_by"))


def policy_region_get(*, membership, region_id) -> Region:
    try:
        return policy_regions(membership=membership).get(pk=region_id)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def run_list(*, limit=30) -> list[RetentionRun]:
    return list(RetentionRun.objects.all()[:limit])


# --- what is past its term ------------------------------------------------------------------


def _finished_before(policies, field: str, *, now: datetime, unit: str) -> Q:
    """Requests that finished (closed/ended) before their own region's term ran out."""
    condition = Q(pk__in=[])
    for policy in policies:
        cutoff = now - relativedelta(**{unit: getattr(policy, field)})
        condition |= Q(region_id=policy.region_id, status_changed_at__lt=cutoff)
    return Q(status__in=FINISHED_STATUSES) & condition


def youth_past_term(*, policies, now: datetime):
    """Youth not yet pseudonymised whose every request (also those of other records with
    the same BSN) finished longer ago than its region's identity term (a youth with any
    live or recent request is kept), and no machtiging still running."""
    past = _finished_before(policies, "identity_years", now=now, unit="years")
    # The same person may have several youth records (one per referral), linked by BSN.
    same_person = Q(youth=OuterRef("pk")) | (Q(youth__bsn_hash=OuterRef("bsn_hash")) & ~Q(youth__bsn_hash=""))
    not_past = PlacementRequest.objects.filter(same_person).exclude(past)
    today = timezone.localdate()
    return (
        Youth.objects.filter(requests__isnull=False, pseudonymisation__isnull=True)
        .exclude(Exists(not_past))
        .exclude(legal_status=LegalStatus.MACHTIGING_GJ, machtiging_end_date__gte=today)
        .distinct()
        .order_by("pk")
    )


def documents_past_term(*, policies, now: datetime):
    past = _finished_before(policies, "document_years", now=now, unit="years")
    return Document.objects.filter(request__in=PlacementRequest.objects.filter(past)).order_by("pk")


def notification_cutoff(*, policies, now: datetime) -> datetime:
    """Notifications belong to users, not regions: the longest term of any region holds
    (deleting is final; no region's messages go sooner than it chose)."""
    months = max((p.notification_months for p in policies), default=0) or RetentionPolicy().notification_months
    return now - relativedelta(months=months)


def notifications_past_term(*, cutoff: datetime):
    return Notification.objects.filter(created_at__lt=cutoff).order_by("pk")


def outbox_past_term(*, cutoff: datetime):
    """Delivered or failed messages (never one still waiting), without a notification."""
    return (
        OutboxMessage.objects.filter(created_at__lt=cutoff)
        .exclude(status=OutboxMessage.Status.PENDING)
        .filter(notification__isnull=True)
        .order_by("pk")
    )


# --- finding one youth (administrator) ------------------------------------------------------


def _admin_check(membership) -> None:
    if membership is None or membership.role != Role.ADMIN:
        raise Forbidden()


def _parse_reference(value: str) -> int | None:
    text = (value or "").strip().upper().removeprefix("PV-").removeprefix("PV")
    return int(text) if text.isdigit() else None


def youth_find(*, membership, bsn: str = "", reference: str = "") -> Youth:
    """The one youth with this BSN (keyed hash) or behind this request number. Invalid
    names the field; NotFound when nobody matches. No read is logged here: the page that
    shows the youth logs it."""
    _admin_check(membership)
    bsn, reference = (bsn or "").strip(), (reference or "").strip()
    if bool(bsn) == bool(reference):
        raise Invalid(
            invalid_params=[
                {"name": "bsn", "reason": _("Vul een BSN of een verzoeknummer in (één van beide).")},
                {"name": "reference", "reason": _("Vul een BSN of een verzoeknummer in (één van beide).")},
            ]
        )
    if bsn:
        if not crypto.bsn_is_valid(bsn):
            raise Invalid.field("bsn", _("Dit is geen geldig BSN (elfproef)."))
        probe = Youth()
        probe.set_bsn(bsn)  # the model's own blind index, whatever key it uses
        youth = Youth.objects.filter(bsn_hash=probe.bsn_hash).order_by("pk").first()
    else:
        pk = _parse_reference(reference)
        if pk is None:
            raise Invalid.field("reference", _("Een verzoeknummer ziet eruit als PV-000123."))
        youth = Youth.objects.filter(requests__pk=pk).first()
    if youth is None:
        raise NotFound(_("Geen jeugdige gevonden."))
    return youth


def youth_get(*, membership, pk, log: bool = True) -> Youth:
    """One youth for the privacy page, with its requests; access-logged (the page shows
    the identity)."""
    _admin_check(membership)
    try:
        youth = (
            Youth.objects.select_related("municipality", "pseudonymisation")
            .prefetch_related(
                "guardians",
                Prefetch(
                    "requests",
                    queryset=PlacementRequest.objects.select_related("region", "placement").order_by("created_at"),
                ),
            )
            .get(pk=pk)
        )
    except (Youth.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if log:
        access_log_record(
            user=membership.user,
            membership=membership,
            subject=youth,
            purpose=PURPOSE_INZAGE,
            details={"view": "privacy"},
        )
    return youth


def person_records(youth) -> list[Youth]:
    """Every youth record of the same person: this one and those with the same BSN (a
    youth referred twice has a record per referral). Without a BSN: this record only."""
    records = Youth.objects.filter(pk=youth.pk)
    if youth.bsn_hash:
        records = Youth.objects.filter(Q(pk=youth.pk) | Q(bsn_hash=youth.bsn_hash))
    return list(
        records.select_related("municipality", "pseudonymisation")
        .prefetch_related(
            "guardians",
            Prefetch(
                "requests",
                queryset=PlacementRequest.objects.select_related("region", "placement").order_by("created_at"),
            ),
        )
        .order_by("pk")
    )


def is_pseudonymised(youth) -> bool:
    return hasattr(youth, "pseudonymisation")


def erasure_refusal(youth, *, today: date | None = None) -> str | None:
    """Why the law does not allow erasing this person now (AVG art. 17(3), Jeugdwet
    art. 7.3.9), or None when it does; over every record of the person. The one place
    for the rule."""
    today = today or timezone.localdate()
    records = person_records(youth)
    if all(is_pseudonymised(record) for record in records):
        return _("De identiteitsgegevens van deze jeugdige zijn al gewist.")
    for record in records:
        refusal = _record_refusal(record, today=today)
        if refusal:
            return refusal
    return None


def _record_refusal(youth, *, today: date) -> str | None:
    live = [r for r in youth.requests.all() if r.status not in FINISHED_STATUSES]
    if live:
        return _(
            "Er loopt nog een verzoek (%(refs)s): wissen kan pas als alle verzoeken zijn afgesloten of beëindigd."
        ) % {"refs": ", ".join(r.reference for r in live)}
    if Placement.objects.filter(youth=youth, end_date__isnull=True).exists():
        return _("De jeugdige heeft een lopende plaatsing: wissen kan pas na het einde ervan.")
    if youth.has_valid_machtiging(today):
        return _("Er loopt een machtiging gesloten jeugdzorg (tot %(end)s): de gegevens mogen niet gewist worden.") % {
            "end": youth.machtiging_end_date.isoformat()
        }
    if youth.legal_status in (LegalStatus.OTS, LegalStatus.VOOGDIJ):
        return _(
            "Er geldt een kinderbeschermingsmaatregel (%(status)s): de gecertificeerde instelling moet de "
            "gegevens bewaren. Wissen kan pas als de maatregel is beëindigd en de juridische status is bijgewerkt."
        ) % {"status": youth.get_legal_status_display()}
    return None


# --- inzage (AVG art. 15) -------------------------------------------------------------------


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def _row(obj, fields) -> dict:
    return {name: _value(getattr(obj, name)) for name in fields}


def _user(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.username).strip()


ACCESS_LOG_BASE = ("id", "accessed_at", "user", "role", "organisation", "subject_type", "subject_id", "purpose")


def _access_row(entry) -> dict:
    row = {
        "id": entry.pk,
        "accessed_at": entry.accessed_at.isoformat(),
        "user": _user(entry.user),
        "username": entry.user.username,
        "role": entry.role,
        "organisation": str(entry.organisation) if entry.organisation else "",
        "subject": f"{entry.subject_type}#{entry.subject_id}",
        "purpose": entry.purpose,
    }
    # Fields other helpers add to the log (address, action, ...) come along as they are.
    for field in AccessLogEntry._meta.concrete_fields:
        name = field.attname
        if field.name not in ACCESS_LOG_BASE and name not in row:
            row[field.name] = _value(getattr(entry, name))
    return row


def _subjects(records, requests) -> dict[str, list[int]]:
    """Every row about the person, by the subject type the event and access logs use."""
    youth_ids, request_ids = [y.pk for y in records], [r.pk for r in requests]

    def ids(model, **lookup):
        return list(model.objects.filter(**lookup).values_list("pk", flat=True))

    return {
        Youth._meta.label_lower: youth_ids,
        Guardian._meta.label_lower: [g.pk for y in records for g in y.guardians.all()],
        PlacementRequest._meta.label_lower: request_ids,
        ExplanatoryAnalysis._meta.label_lower: ids(ExplanatoryAnalysis, request__in=request_ids),
        Document._meta.label_lower: ids(Document, request__in=request_ids),
        Offer._meta.label_lower: ids(Offer, request__in=request_ids),
        Placement._meta.label_lower: ids(Placement, youth__in=youth_ids),
        AnalysisAssignment._meta.label_lower: ids(AnalysisAssignment, request__in=request_ids),
        WaitingPeriod._meta.label_lower: ids(WaitingPeriod, request__in=request_ids),
        Transfer._meta.label_lower: ids(Transfer, youth__in=youth_ids),
    }


def _subject_q(subjects: dict[str, list[int]]) -> Q:
    condition = Q(pk__in=[])
    for subject_type, ids in subjects.items():
        if ids:
            condition |= Q(subject_type=subject_type, subject_id__in=ids)
    return condition


ANALYSIS_FIELDS = (
    "version",
    "created_at",
    "presenting_problems",
    "origins",
    "maintaining_factors",
    "protective_factors",
    "hypotheses",
    "goals",
    "written_by",
    "made_with_youth",
    "made_with_family",
    "care_types",
    "specialisations",
    "intensity",
    "security",
    "max_distance_km",
    "school_continuity",
)
OFFER_FIELDS = (
    "pseudonym",
    "status",
    "created_at",
    "deadline",
    "answered_at",
    "decline_reason",
    "motivation",
    "withdraw_reason",
)
PLACEMENT_FIELDS = (
    "start_date",
    "school",
    "handover",
    "transport",
    "funding",
    "end_date",
    "end_reason",
    "end_narrative",
    "aftercare_destination",
    "intensity",
)
# Issue 11: the changes in place of a placement (their reasons are about the youth).
PLACEMENT_CHANGE_FIELDS = (
    "field",
    "old_value",
    "new_value",
    "old_end_date",
    "new_end_date",
    "effective_date",
    "reason",
    "created_at",
)
REQUEST_FIELDS = (
    "status",
    "urgency",
    "kind",
    "referral_date",
    "outcome",
    "status_reason",
    "wishes_youth",
    "wishes_parents",
    "created_at",
    "submitted_at",
    "status_changed_at",
)
YOUTH_FIELDS = (
    "given_names",
    "family_name",
    "birth_date",
    "gender",
    "address",
    "postcode",
    "city",
    "legal_status",
    "machtiging_end_date",
    "school",
    "created_at",
)


def _request_data(placement_request, events) -> dict:
    data = {
        "reference": placement_request.reference,
        "youth_id": placement_request.youth_id,
        **_row(placement_request, REQUEST_FIELDS),
    }
    data["region"] = str(placement_request.region)
    data["referrer_organisation"] = str(placement_request.referrer_organisation)
    data["referrer"] = _user(placement_request.referrer)
    data["analyses"] = [
        {**_row(a, ANALYSIS_FIELDS), "preferred_region": str(a.preferred_region or "")}
        for a in placement_request.analysis_versions.all()
    ]
    plan = getattr(placement_request, "perspective_plan", None)
    data["perspective_plan"] = (
        _row(plan, ("goal", "expected_duration_months", "return_perspective", "return_explanation", "updated_at"))
        if plan
        else None
    )
    safety = getattr(placement_request, "safety_plan", None)
    data["safety_plan"] = _row(safety, ("risks", "agreements", "contacts", "updated_at")) if safety else None
    data["alternatives"] = [
        _row(a, ("form", "description", "why_insufficient")) for a in placement_request.alternatives.all()
    ]
    data["triage_decisions"] = [
        {
            "occurred_at": e.occurred_at.isoformat(),
            "decision": e.to_state,
            "reason_code": e.reason_code,
            "by": _user(e.actor),
            "details": e.details,
        }
        for e in events
        if e.event_type == "request_triaged" and e.subject_id == placement_request.pk
    ]
    data["assignments"] = [
        _row(
            a,
            (
                "question",
                "status",
                "before_submission",
                "requested_at",
                "accepted_at",
                "completed_at",
                "completion_note",
            ),
        )
        for a in placement_request.assignments.all()
    ]
    data["expert_table_meetings"] = [
        {
            **_row(m, ("held_on", "advice", "decision", "motivation", "outcome", "status_after", "recorded_at")),
            "participants": [_row(p, ("role", "organisation")) for p in m.participants.all()],
        }
        for m in placement_request.expert_table_meetings.all()
    ]
    data["offers"] = [
        {
            **_row(o, OFFER_FIELDS),
            "provider": str(o.provider),
            "facility": str(o.facility),
            "decline_reason_label": o.get_decline_reason_display() if o.decline_reason else "",
        }
        for o in placement_request.offers.all()
    ]
    placement = getattr(placement_request, "placement", None)
    data["placement"] = (
        {
            **_row(placement, PLACEMENT_FIELDS),
            "facility": str(placement.facility),
            "provider": str(placement.provider),
            "care_type": placement.care_type.code if placement.care_type_id else "",
            "changes": [_row(c, PLACEMENT_CHANGE_FIELDS) for c in placement.changes.order_by("created_at", "id")],
        }
        if placement
        else None
    )
    data["waiting_periods"] = [
        _row(w, ("reason", "bridging_care", "bridging_provider", "bridging_from", "started_at", "ended_at"))
        for w in placement_request.waiting_periods.all()
    ]
    data["documents"] = [
        _row(d, ("id", "kind", "title", "original_name", "size", "sha256", "uploaded_at"))
        for d in placement_request.documents.all()
    ]
    return data


def _youth_data(youth) -> dict:
    pseudonymisation = youth.pseudonymisation if is_pseudonymised(youth) else None
    return {
        "id": youth.pk,
        **_row(youth, YOUTH_FIELDS),
        "bsn": youth.bsn,
        "municipality": str(youth.municipality),
        "pseudonymised": (
            {"reason": pseudonymisation.reason, "at": pseudonymisation.done_at.isoformat()}
            if pseudonymisation
            else None
        ),
        "guardians": [
            _row(g, ("name", "relationship", "has_authority", "phone", "email")) for g in youth.guardians.all()
        ],
    }


def inzage_data(youth) -> dict:
    """Everything the product holds about one person (every youth record with the same
    BSN), and every read of it."""
    records = person_records(youth)
    requests = list(
        PlacementRequest.objects.filter(youth__in=records)
        .select_related(
            "region",
            "referrer_organisation",
            "referrer",
            "perspective_plan",
            "safety_plan",
            "placement__facility",
            "placement__provider",
        )
        .prefetch_related(
            "analysis_versions__preferred_region",
            "alternatives",
            "assignments",
            "expert_table_meetings__participants",
            "offers__provider",
            "offers__facility",
            "waiting_periods",
            "documents",
        )
        .order_by("created_at", "pk")
    )
    subjects = _subjects(records, requests)
    events = list(Event.objects.filter(_subject_q(subjects)).select_related("actor", "organisation").order_by("pk"))
    reads = list(
        AccessLogEntry.objects.filter(_subject_q(subjects)).select_related("user", "organisation").order_by("pk")
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "youth": [_youth_data(record) for record in records],
        "requests": [_request_data(r, events) for r in requests],
        "events": [
            {
                "occurred_at": e.occurred_at.isoformat(),
                "event_type": e.event_type,
                "subject": f"{e.subject_type}#{e.subject_id}",
                "from_state": e.from_state,
                "to_state": e.to_state,
                "reason_code": e.reason_code,
                "by": _user(e.actor),
                "organisation": str(e.organisation or ""),
                "details": e.details,
            }
            for e in events
        ],
        "access_log": [_access_row(entry) for entry in reads],
    }


def _csv_cell(value) -> str:
    """Text for a spreadsheet cell; a leading =, +, - or @ would run as a formula."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        columns = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.writer(out, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c, "")) for c in columns])
    return out.getvalue()


README = gettext_noop(
    """Inzage in persoonsgegevens (AVG artikel 15)

Dit archief bevat alle gegevens die Regie op plaatsing over deze jeugdige bewaart:
- inzage.json: de jeugdige (elke registratie met hetzelfde BSN), ouders/verzorgers, elk
  plaatsingsverzoek met de versies van de verklarende analyse en het zorgprofiel,
  triagebesluiten, aanmeldingen bij aanbieders met de redenen van weigering, plaatsingen,
  wachtperiodes, de lijst van documenten en alle gebeurtenissen; en onder "access_log" wie
  de gegevens heeft ingezien.
- inzagelog.csv: wie de gegevens heeft ingezien (wanneer, wie, rol, organisatie, doel).
- gebeurtenissen.csv: de geschiedenis van de verzoeken.
De documenten zelf (PDF's) zijn niet bijgevoegd; ze zijn op te vragen bij de beheerder.
CSV-bestanden gebruiken ; als scheidingsteken en UTF-8.
"""
)


def inzage_archive(*, membership, youth_id) -> tuple[str, bytes]:
    """The inzage export of one youth as a ZIP (JSON + CSV), for an administrator. The
    export is itself access-logged (purpose "inzage") before it is built, so it lists
    its own download."""
    youth = youth_get(membership=membership, pk=youth_id, log=False)
    access_log_record(
        user=membership.user,
        membership=membership,
        subject=youth,
        purpose=PURPOSE_INZAGE,
        details={"view": "inzage_export", "format": "zip"},
    )
    data = inzage_data(youth)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LEESMIJ.txt", _(README))
        archive.writestr("inzage.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("inzagelog.csv", _csv(data["access_log"]))
        archive.writestr("gebeurtenissen.csv", _csv(data["events"]))
    filename = f"inzage-jeugdige-{youth.pk}-{timezone.localdate():%Y%m%d}.zip"
    return filename, buffer.getvalue()
