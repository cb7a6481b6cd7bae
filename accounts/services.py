"""Writes for organisations, users and memberships."""

from django.db import transaction
from django.utils import timezone

from accounts.models import REGION_SCOPED_ROLES, ROLE_ORGANISATION_KINDS, Membership, Role
from core.errors import Invalid
from core.events import event_record


@transaction.atomic
def membership_create(*, user, organisation, role: str, regions=(), by=None) -> Membership:
    if role not in Role.values:
        raise Invalid.field("role", f"unknown role {role!r}")
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise Invalid.field("organisation", "this role does not belong to this kind of organisation")
    if role in REGION_SCOPED_ROLES and not regions:
        raise Invalid.field("regions", "this role is scoped to one or more regions; choose at least one")
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if regions:
        membership.regions.set(regions)
    event_record(subject=membership, event_type="membership_created", by=by, organisation=organisation, to_state=role)
    return membership


def notifications_mark_read(*, user) -> int:
    """Mark every unread in-app notification of the user as read; returns how many."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
