"""Writers: the retention policy, carrying it out, and erasure on request.

`youth_pseudonymise` is the one pseudonymisation, used by retention and by erasure. It
writes by attribute (``youth.given_names = ...``, ``youth.set_bsn("")``), so it works
whatever storage the fields have (plain or encrypted columns).
"""

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region
from core.errors import Conflict, Invalid
from core.events import event_record
from intake.models import Document, Guardian, PlacementRequest, Youth
from placement.models import Placement
from privacy import selectors
from privacy.models import BOUNDS, ErasureGround, Pseudonymisation, RetentionPolicy, RetentionRun, policy_errors

logger = logging.getLogger(__name__)

POLICY_FIELDS = tuple(BOUNDS)


# --- the policy -----------------------------------------------------------------------------


def retention_policies_ensure() -> list[RetentionPolicy]:
    """Every region's policy, creating missing ones with the defaults (idempotent)."""
    existing = {p.region_id for p in RetentionPolicy.objects.all()}
    missing = [RetentionPolicy(region=region) for region in Region.objects.exclude(pk__in=existing)]
    RetentionPolicy.objects.bulk_create(missing, ignore_conflicts=True)
    return list(RetentionPolicy.objects.select_related("region").order_by("region__name"))


def retention_policy_get(*, membership, region_id) -> RetentionPolicy:
    region = selectors.policy_region_get(membership=membership, region_id=region_id)
    policy, _created = RetentionPolicy.objects.get_or_create(region=region)
    return policy


def retention_policy_update(*, membership, region_id, data: dict, by) -> RetentionPolicy:
    """Change a region's terms within their legal bounds; all errors at once, nothing
    saved on any error. An event records old and new terms."""
    region = selectors.policy_region_get(membership=membership, region_id=region_id)
    values = {name: data.get(name) for name in POLICY_FIELDS}
    errors = policy_errors(values)
    if errors:
        raise Invalid(invalid_params=[{"name": name, "reason": reason} for name, reason in errors.items()])
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(region=region)
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        for name, value in values.items():
            setattr(policy, name, value)
        policy.updated_at, policy.updated_by = timezone.now(), by
        policy.save()
        event_record(
            subject=policy,
            event_type="retention_policy_changed",
            by=by,
            organisation=membership.organisation,
            details={"before": before, "after": values, "region": region.code},
        )
    return policy


# --- the one pseudonymisation ---------------------------------------------------------------


def pseudonym_for(youth) -> str:
    return _("Jeugdige %(number)s") % {"number": youth.pk}


def youth_pseudonymise(*, youth: Youth, reason: str, by=None, organisation=None, run=None) -> bool:
    """Replace the youth's identity by a pseudonym; True when done, False when it already
    was (idempotent). Keeps what the reports need: gender, home municipality, legal status
    and the birth month (birth date set to the first of its month, so age bands hold).
    Clears BSN, address, postcode, city, school, the guardians' names and contact details,
    the school in placements and the wishes written in the youth's and parents' words."""
    with transaction.atomic():
        youth = Youth.objects.select_for_update().get(pk=youth.pk)
        if Pseudonymisation.objects.filter(youth=youth).exists():
            return False
        pseudonym = pseudonym_for(youth)
        youth.given_names = _("Jeugdige")
        youth.family_name = str(youth.pk)
        youth.set_bsn("")
        if youth.birth_date:  # a crisis registration may have none (issue 11)
            youth.birth_date = youth.birth_date.replace(day=1)
        youth.address = youth.postcode = youth.city = youth.school = ""
        youth.save()
        for number, guardian in enumerate(Guardian.objects.filter(youth=youth).order_by("pk"), start=1):
            guardian.name = _("Ouder/verzorger %(number)s") % {"number": number}
            guardian.phone = guardian.email = ""
            guardian.save()
        for placement in Placement.objects.filter(youth=youth):  # school is encrypted: no SQL filter
            if placement.school:
                placement.school = ""
                placement.save(update_fields=["school"])
        PlacementRequest.objects.filter(youth=youth).update(wishes_youth="", wishes_parents="")
        Pseudonymisation.objects.create(youth=youth, reason=reason, pseudonym=pseudonym, done_by=by, run=run)
        event_record(
            subject=youth,
            event_type="youth_pseudonymised",
            by=by,
            organisation=organisation,
            reason_code=reason,
            details={"run": run.pk} if run else {},
        )
    return True


def _file_remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the row is gone; a file that cannot be removed is logged for the operator
        logger.exception("document file could not be removed: %s", path.name)


def document_delete(*, document: Document, reason: str, by=None, organisation=None, run=None) -> bool:
    """Delete a document's row, and its file once the deletion committed; False when it
    was already gone. The event keeps the kind and request, never the title."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document.pk).first()
        if document is None:
            return False
        path = document.path
        event_record(
            subject=document,
            event_type="document_deleted",
            by=by,
            organisation=organisation,
            reason_code=reason,
            details={"request": document.request_id, "kind": document.kind, **({"run": run.pk} if run else {})},
        )
        document.delete()
        transaction.on_commit(lambda: _file_remove(path))
    return True


# --- carrying out the policy ----------------------------------------------------------------


def retention_apply(*, now=None) -> RetentionRun:
    """One run of every region's policy. Idempotent: what was done is not done again, so a
    second run finds nothing. Each youth and document in its own transaction (a failure
    leaves the others done); the run records the counts."""
    now = now or timezone.now()
    policies = retention_policies_ensure()
    run = RetentionRun.objects.create(started_at=now)
    for youth in selectors.youth_past_term(policies=policies, now=now).iterator():
        if youth_pseudonymise(youth=youth, reason=Pseudonymisation.Reason.RETENTION, run=run):
            run.youth_pseudonymised += 1
    for document in selectors.documents_past_term(policies=policies, now=now).iterator():
        if document_delete(document=document, reason=Pseudonymisation.Reason.RETENTION, run=run):
            run.documents_deleted += 1
    cutoff = selectors.notification_cutoff(policies=policies, now=now)
    with transaction.atomic():
        run.notifications_deleted, _detail = selectors.notifications_past_term(cutoff=cutoff).delete()
        run.outbox_deleted, _detail = selectors.outbox_past_term(cutoff=cutoff).delete()
    run.finished_at = timezone.now()
    run.save()
    logger.info("retention run %s: %s", run.pk, run.counts())
    return run


# --- erasure on request ---------------------------------------------------------------------


def youth_erase(*, membership, youth_id, ground: str, explanation: str, by) -> Youth:
    """Erase a person's identity and documents (every youth record with the same BSN) on
    their (or their representative's) request, where the law allows (`selectors.erasure_refusal`). Invalid for missing
    input (all fields at once), NotFound for an unknown youth, Conflict with the reason
    when the law does not allow it; nothing changes on any error."""
    errors = []
    if ground not in ErasureGround.values:
        errors.append({"name": "ground", "reason": _("Kies de grond van het verzoek.")})
    if not (explanation or "").strip():
        errors.append(
            {"name": "explanation", "reason": _("Geef aan wie het verzoek deed en waarom het wordt ingewilligd.")}
        )
    youth = selectors.youth_get(membership=membership, pk=youth_id, log=False)
    if errors:
        raise Invalid(invalid_params=errors)
    with transaction.atomic():
        records = [r.pk for r in selectors.person_records(youth)]
        list(Youth.objects.select_for_update().filter(pk__in=records).order_by("pk"))
        list(PlacementRequest.objects.select_for_update().filter(youth__in=records))  # no move while we decide
        refusal = selectors.erasure_refusal(youth)
        if refusal:
            raise Conflict(refusal, code="erasure_not_allowed")
        event_record(
            subject=youth,
            event_type="youth_erasure_requested",
            by=by,
            organisation=membership.organisation,
            reason_code=ground,
            details={"explanation": explanation.strip(), "records": records},
        )
        for document in Document.objects.filter(request__youth__in=records).order_by("pk"):
            document_delete(
                document=document, reason=Pseudonymisation.Reason.ERASURE, by=by, organisation=membership.organisation
            )
        for record in Youth.objects.filter(pk__in=records).order_by("pk"):
            youth_pseudonymise(
                youth=record, reason=Pseudonymisation.Reason.ERASURE, by=by, organisation=membership.organisation
            )
    return youth
