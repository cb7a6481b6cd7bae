"""Writes for organisations, users and memberships.

Every change an administrator makes to who may do what goes through here and leaves an
event (`core.events`), from the product's pages and from the Django admin alike
(`accounts.admin` calls these services). Granting a privilege is four-eyes
(`RoleGrantRequest`): one administrator asks (`role_grant_request`), a second one
approves (`role_grant_approve`) or refuses (`role_grant_refuse`); nobody asks for,
approves or refuses a grant for themselves, and such an attempt is refused and logged.
Taking a privilege away (deactivating a membership, a user or an organisation) needs one
administrator and is logged too.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import (
    REGION_SCOPED_ROLES,
    ROLE_ORGANISATION_KINDS,
    Membership,
    Organisation,
    Role,
    RoleGrantRequest,
)
from accounts.selectors import membership_with_role
from core.errors import Forbidden, Invalid, NotFound, TransitionNotAllowed, missing_params
from core.events import event_record

# --- the membership rule (one place) --------------------------------------------------


def membership_check(*, organisation, role: str, regions=()) -> None:
    """A role belongs to some kinds of organisation (`ROLE_ORGANISATION_KINDS`), and a
    region-scoped role needs at least one region. Raises Invalid naming the field."""
    problems = []
    if role not in Role.values:
        problems.append({"name": "role", "reason": _("Kies een bestaande rol.")})
    if organisation is None:
        problems.append({"name": "organisation", "reason": _("Kies de organisatie.")})
    elif role in Role.values and organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        problems.append({"name": "organisation", "reason": _("Deze rol hoort niet bij dit soort organisatie.")})
    if role in REGION_SCOPED_ROLES and not regions:
        problems.append(
            {"name": "regions", "reason": _("Deze rol werkt voor een of meer jeugdregio's; kies er minstens één.")}
        )
    if problems:  # every problem at once
        raise Invalid(invalid_params=problems)


@transaction.atomic
def membership_create(*, user, organisation, role: str, regions=(), by=None) -> Membership:
    """Write a membership. Called by an approved grant (`role_grant_approve`) and by the
    demo/test data; an administrator never calls it directly (four-eyes)."""
    membership_check(organisation=organisation, role=role, regions=regions)
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if regions:
        membership.regions.set(regions)
    event_record(subject=membership, event_type="membership_created", by=by, organisation=organisation, to_state=role)
    return membership


def notifications_mark_read(*, user) -> int:
    """Mark every unread in-app notification of the user as read; returns how many."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_read(*, user, notification):
    """Mark one of the user's notifications read (issue 14, API); reading it again keeps
    the first moment. Someone else's notification: NotFound (the caller looked it up with
    `accounts.selectors.notification_get`, checked here once more)."""
    if notification.user_id != user.pk:
        raise NotFound()
    user.notifications.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


# --- who administers ---------------------------------------------------------------------


def administrator_check(by) -> Membership:
    """The acting user's active administrator membership (Forbidden without one; being a
    Django superuser is not enough)."""
    membership = membership_with_role(by, Role.ADMIN) if by is not None else None
    if membership is None:
        raise Forbidden()
    return membership


def _refusal_record(*, by, admin, subject, cause: str, details: dict) -> None:
    """Log a refused privilege change. Written before the caller raises, outside any
    transaction of the service, so the refusal stays on record."""
    event_record(
        subject=subject,
        event_type="privilege_change_refused",
        by=by,
        organisation=admin.organisation if admin else None,
        reason_code=cause,
        details=details,
    )


# --- four-eyes grants --------------------------------------------------------------------


def _grant_details(*, user, kind, organisation, role, regions) -> dict:
    return {
        "user": user.pk,
        "kind": kind,
        "organisation": organisation.pk if organisation else None,
        "role": role or "",
        "regions": sorted(r.pk for r in regions),
    }


def _membership_grant_missing(*, user, organisation, role, regions) -> bool:
    """Whether the grant would change anything: no active membership yet, or regions it
    does not cover."""
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is None or not membership.is_active:
        return True
    held = set(membership.regions.values_list("pk", flat=True))
    return not {r.pk for r in regions} <= held


# What every grant request needs (the form reuses it: `AccessibleForm.service_required`).
ROLE_GRANT_REQUIRED = {
    "kind": gettext_lazy("Kies wat u wilt toekennen."),
    "reason": gettext_lazy("Geef aan waarom deze persoon dit nodig heeft."),
}


def role_grant_problems(*, user, kind: str, organisation=None, role: str = "", regions=(), reason="") -> list[dict]:
    """Every rule a grant request breaks, at once (`invalid_params`); writes nothing. The
    form runs it too, so all errors show together next to their fields."""
    problems = missing_params(ROLE_GRANT_REQUIRED, {"kind": kind, "reason": reason})
    if kind and kind not in RoleGrantRequest.Kind.values:
        problems.append({"name": "kind", "reason": _("Kies wat u wilt toekennen.")})
    if kind == RoleGrantRequest.Kind.MEMBERSHIP:
        try:
            membership_check(organisation=organisation, role=role, regions=regions)
        except Invalid as error:
            problems += error.invalid_params
        else:
            if user is not None and not _membership_grant_missing(
                user=user, organisation=organisation, role=role, regions=regions
            ):
                problems.append({"name": "role", "reason": _("Deze persoon heeft deze rol al, met deze regio's.")})
    elif kind in RoleGrantRequest.Kind.values:
        if organisation is not None or role or regions:
            problems.append({"name": "kind", "reason": _("Staf- en superuserrechten horen niet bij een organisatie.")})
        if user is not None and (user.is_superuser or (kind == RoleGrantRequest.Kind.STAFF and user.is_staff)):
            problems.append({"name": "kind", "reason": _("Deze persoon heeft deze rechten al.")})
    return problems


def role_grant_request(
    *, by, user, kind: str = RoleGrantRequest.Kind.MEMBERSHIP, organisation=None, role: str = "", regions=(), reason=""
) -> RoleGrantRequest:
    """An administrator asks for a privilege for someone else: a membership (new,
    re-activated, or more regions) or staff/superuser rights. Nothing changes until a
    second administrator approves. Asking for oneself is refused and logged."""
    admin = administrator_check(by)
    regions = list(regions or [])
    details = _grant_details(user=user, kind=kind, organisation=organisation, role=role, regions=regions)
    if user.pk == by.pk:
        _refusal_record(by=by, admin=admin, subject=user, cause="self_grant", details=details)
        raise Forbidden(_("U kunt geen rol of rechten voor uzelf aanvragen. Vraag een andere beheerder."))
    problems = role_grant_problems(
        user=user, kind=kind, organisation=organisation, role=role, regions=regions, reason=reason
    )
    if problems:
        raise Invalid(invalid_params=problems)
    duplicate = Invalid.field("user", _("Voor deze persoon ligt al zo'n aanvraag ter goedkeuring."))
    with transaction.atomic():
        if RoleGrantRequest.objects.filter(
            user=user, kind=kind, organisation=organisation, role=role or "", status=RoleGrantRequest.Status.PENDING
        ).exists():
            raise duplicate
        try:
            with transaction.atomic():  # the unique constraint decides a concurrent duplicate
                grant = RoleGrantRequest.objects.create(
                    kind=kind,
                    user=user,
                    organisation=organisation,
                    role=role or "",
                    reason=reason.strip(),
                    requested_by=by,
                )
        except IntegrityError:
            raise duplicate from None
        grant.regions.set(regions)
        event_record(
            subject=grant,
            event_type="role_grant_requested",
            by=by,
            organisation=admin.organisation,
            to_state=RoleGrantRequest.Status.PENDING,
            details=details,
        )
    return grant


def _decider_check(*, grant, by, admin, decision: str) -> None:
    """Four-eyes: neither the requester nor the grantee decides (refused and logged)."""
    cause = None
    if grant.requested_by_id == by.pk:
        cause = "own_request"
    elif grant.user_id == by.pk:
        cause = "own_grant"
    if cause:
        _refusal_record(
            by=by, admin=admin, subject=grant, cause=cause, details={"grant": grant.pk, "decision": decision}
        )
        raise Forbidden(_("Een tweede beheerder moet hierover beslissen: niet de aanvrager en niet de ontvanger."))


def _grant_lock(grant) -> RoleGrantRequest:
    grant = (
        RoleGrantRequest.objects.select_for_update(of=("self",)).select_related("user", "organisation").get(pk=grant.pk)
    )
    if grant.status != RoleGrantRequest.Status.PENDING:
        raise TransitionNotAllowed(_("Over deze aanvraag is al besloten."), code="already_decided")
    return grant


def _grant_apply(grant, *, by, admin) -> None:
    user = grant.user
    if grant.kind == RoleGrantRequest.Kind.MEMBERSHIP:
        regions = list(grant.regions.all())
        membership_check(organisation=grant.organisation, role=grant.role, regions=regions)
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=grant.organisation, role=grant.role
        )
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        source = "none" if created else ("active" if membership.is_active else "inactive")
        held = set(membership.regions.values_list("pk", flat=True))
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        membership.regions.add(*regions)
        event_record(
            subject=membership,
            event_type="membership_granted",
            by=by,
            organisation=admin.organisation,
            from_state=source,
            to_state=grant.role,
            details={
                "grant": grant.pk,
                "requested_by": grant.requested_by_id,
                "regions_added": sorted({r.pk for r in regions} - held),
            },
        )
        return
    user = type(user).objects.select_for_update().get(pk=user.pk)
    if grant.kind == RoleGrantRequest.Kind.SUPERUSER:
        user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_staff", "is_superuser"])
    event_record(
        subject=user,
        event_type="user_privilege_granted",
        by=by,
        organisation=admin.organisation,
        to_state=grant.kind,
        details={"grant": grant.pk, "requested_by": grant.requested_by_id},
    )


def role_grant_approve(*, grant, by, reason: str = "") -> RoleGrantRequest:
    """A second administrator approves: the privilege is applied in the same transaction.
    Approving twice (also concurrently) applies it once; the second gets 409."""
    admin = administrator_check(by)
    _decider_check(grant=grant, by=by, admin=admin, decision="approve")
    with transaction.atomic():
        grant = _grant_lock(grant)
        _grant_apply(grant, by=by, admin=admin)
        grant.status = RoleGrantRequest.Status.APPROVED
        grant.decided_by = by
        grant.decided_at = timezone.now()
        grant.decision_reason = (reason or "").strip()
        grant.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        event_record(
            subject=grant,
            event_type="role_grant_approved",
            by=by,
            organisation=admin.organisation,
            from_state=RoleGrantRequest.Status.PENDING,
            to_state=RoleGrantRequest.Status.APPROVED,
            details={"user": grant.user_id, "requested_by": grant.requested_by_id},
        )
    return grant


def role_grant_refuse(*, grant, by, reason: str) -> RoleGrantRequest:
    """A second administrator refuses, with a reason; nothing is granted."""
    admin = administrator_check(by)
    _decider_check(grant=grant, by=by, admin=admin, decision="refuse")
    if not (reason or "").strip():
        raise Invalid.field("reason", _("Geef aan waarom u de aanvraag weigert."))
    with transaction.atomic():
        grant = _grant_lock(grant)
        grant.status = RoleGrantRequest.Status.REFUSED
        grant.decided_by = by
        grant.decided_at = timezone.now()
        grant.decision_reason = reason.strip()
        grant.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        event_record(
            subject=grant,
            event_type="role_grant_refused",
            by=by,
            organisation=admin.organisation,
            from_state=RoleGrantRequest.Status.PENDING,
            to_state=RoleGrantRequest.Status.REFUSED,
            reason_code="refused",
            details={"user": grant.user_id, "requested_by": grant.requested_by_id, "reason": reason.strip()},
        )
    return grant


# --- taking privileges away and other administration (one administrator, logged) ---------


@transaction.atomic
def membership_deactivate(*, membership, by) -> Membership:
    admin = administrator_check(by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    event_record(
        subject=membership,
        event_type="membership_deactivated",
        by=by,
        organisation=admin.organisation,
        from_state="active",
        to_state="inactive",
        details={"user": membership.user_id, "role": membership.role},
    )
    return membership


def organisation_kind_check(organisation, kind: str) -> None:
    """An organisation keeps a kind that fits the roles of its memberships (the same rule
    as `membership_check`)."""
    if organisation.pk is None:
        return
    for membership in organisation.memberships.filter(is_active=True):
        if kind not in ROLE_ORGANISATION_KINDS[membership.role]:
            raise Invalid.field("kind", _("Deze soort past niet bij de rollen van de leden van deze organisatie."))


@transaction.atomic
def organisation_save(*, organisation: Organisation, by, changed: list, regions=None) -> Organisation:
    """Create or change an organisation (from the Django admin), with an event naming the
    changed fields and the regions before and after."""
    admin = administrator_check(by)
    organisation_kind_check(organisation, organisation.kind)
    created = organisation.pk is None
    before = [] if created else sorted(organisation.regions.values_list("pk", flat=True))
    organisation.full_clean()
    organisation.save()
    if regions is not None:
        organisation.regions.set(regions)
    after = sorted(organisation.regions.values_list("pk", flat=True))
    event_record(
        subject=organisation,
        event_type="organisation_created" if created else "organisation_changed",
        by=by,
        organisation=admin.organisation,
        details={"changed": sorted(changed), "regions_before": before, "regions_after": after},
    )
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation, by) -> None:
    admin = administrator_check(by)
    event_record(
        subject=organisation,
        event_type="organisation_deleted",
        by=by,
        organisation=admin.organisation,
        details={"name": organisation.name, "kind": organisation.kind},
    )
    organisation.delete()


# Fields of a user that carry privileges: changed only through an approved grant.
USER_PRIVILEGE_FIELDS = frozenset({"is_staff", "is_superuser", "groups", "user_permissions"})


def user_save(*, user, by, changed: list) -> None:
    """Create or change a user's profile (from the Django admin). Privilege fields are not
    changed here (they are read-only in the admin and go through `role_grant_request`);
    an attempt is refused and logged."""
    admin = administrator_check(by)
    privileged = USER_PRIVILEGE_FIELDS & set(changed)
    if privileged:
        _refusal_record(
            by=by, admin=admin, subject=user, cause="direct_privilege_change", details={"fields": sorted(privileged)}
        )
        raise Forbidden(_("Rechten worden alleen via een goedgekeurde aanvraag toegekend."))
    with transaction.atomic():
        _user_write(user, by=by, admin=admin, changed=changed)


def _user_write(user, *, by, admin, changed) -> None:
    created = user.pk is None
    if not created:
        before = type(user).objects.select_for_update().get(pk=user.pk)
        user.is_staff, user.is_superuser = before.is_staff, before.is_superuser
    user.save()
    event_record(
        subject=user,
        event_type="user_created" if created else "user_changed",
        by=by,
        organisation=admin.organisation,
        details={
            "changed": sorted(set(changed) - {"password", "password1", "password2"}),
            "password_changed": bool({"password", "password1", "password2"} & set(changed)),
        },
    )


@transaction.atomic
def user_delete(*, user, by) -> None:
    admin = administrator_check(by)
    if user.pk == by.pk:
        raise Forbidden(_("U kunt uw eigen account niet verwijderen."))
    event_record(
        subject=user,
        event_type="user_deleted",
        by=by,
        organisation=admin.organisation,
        details={"username": user.username},
    )
    user.delete()
