"""Reads about users, their memberships and the regions they may see."""

from django.db.models import F, Prefetch

from accounts.models import REGION_SCOPED_ROLES, Membership, Municipality, Organisation, Region, Role, RoleGrantRequest
from core.errors import NotFound


def memberships_of(user):
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "user")
        .prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("name")))
        .order_by("id")
    )


def membership_with_role(user, *roles):
    """The user's first active membership in one of `roles`, or None."""
    for membership in memberships_of(user):
        if membership.role in roles:
            return membership
    return None


def _visible_regions_of(membership):
    """THE rule: for region-scoped roles a membership sees its own regions, else its
    organisation's (a related manager)."""
    if membership.role in REGION_SCOPED_ROLES:
        return membership.regions
    return membership.organisation.regions


def region_ids_of(membership) -> set[int]:
    """Regions a membership may see (`_visible_regions_of`; uses prefetched regions)."""
    if membership is None:
        return set()
    return {region.pk for region in _visible_regions_of(membership).all()}


def region_ids_query(membership):
    """The same regions as a subquery of ids, for `filter(pk__in=...)` in one query
    (issue 13, fix12: reports parse their scope with one query fewer)."""
    if membership is None:
        return Region.objects.none().values("pk")
    return _visible_regions_of(membership).values("pk")


def region_coordination_contacts(region_ids) -> dict:
    """Per region id, the active coordination organisation (regional coördinatiepunt) that
    answers for it: who another region's coordinator contacts (name, e-mail, phone)."""
    contacts = {}
    organisations = (
        Organisation.objects.filter(kind=Organisation.Kind.COORDINATION, is_active=True, regions__in=region_ids)
        .annotate(region_id=F("regions"))
        .order_by("name", "id")
    )
    for organisation in organisations:
        contacts.setdefault(organisation.region_id, organisation)
    return contacts


def provider_staff(organisation_id) -> list:
    """The active staff of a provider organisation: who hears of its offers and placements."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role=Role.PROVIDER, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def region_members(region_id, role) -> list:
    """The active users of a region in a region-scoped role (coordinators, behavioural
    scientists): who hears of that region's requests."""
    return [
        m.user
        for m in Membership.objects.filter(role=role, is_active=True, regions=region_id, user__is_active=True)
        .select_related("user")
        .distinct()
    ]


def region_coordinators(region_id) -> list:
    return region_members(region_id, Role.COORDINATOR)


def region_list():
    return Region.objects.order_by("code")


def municipality_list(*, region_code: str | None = None):
    queryset = Municipality.objects.select_related("region").order_by("name")
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    return queryset


def is_administrator(user) -> bool:
    """An active administrator membership (a Django superuser flag alone is not enough)."""
    return membership_with_role(user, Role.ADMIN) is not None


def role_grant_lists() -> dict:
    """The four-eyes queue for administrators: pending requests (oldest first) and the
    latest decisions."""
    base = RoleGrantRequest.objects.select_related(
        "user", "organisation", "requested_by", "decided_by"
    ).prefetch_related("regions")
    return {
        "pending": list(base.filter(status=RoleGrantRequest.Status.PENDING).order_by("requested_at", "id")),
        "decided": list(base.exclude(status=RoleGrantRequest.Status.PENDING).order_by("-decided_at", "-id")[:50]),
    }


def role_grant_get(pk):
    grant = RoleGrantRequest.objects.filter(pk=pk).first()
    if grant is None:
        raise NotFound()
    return grant


def regions_covered(membership):
    """The regions a coordinator's membership covers (whose settings it may change)."""
    return Region.objects.filter(pk__in=region_ids_of(membership)).order_by("name")


def region_covered_get(membership, code: str) -> Region:
    """One region the membership covers, by CBS code; NotFound otherwise (also for other regions)."""
    region = regions_covered(membership).filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


# Issue 14 (api-resources): the region settings in the API.
def region_readable_get(membership, code: str) -> Region:
    """One region whose settings the membership may read, by CBS code: a region it sees
    (`region_ids_of`, any role), or any region for an administrator. NotFound otherwise."""
    if membership is None:
        raise NotFound()
    regions = Region.objects.all() if membership.role == Role.ADMIN else regions_covered(membership)
    region = regions.filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


# Issue 14 (api-resources): the caller's own in-app notifications in the API.
def notification_list(*, user, unread: bool | None = None):
    """The user's own notifications, newest first; `unread`: only unread (True) or read (False)."""
    queryset = user.notifications.all()
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset.order_by("-created_at", "-id")


def notification_get(*, user, pk):
    """One of the user's own notifications; someone else's is NotFound."""
    notification = user.notifications.filter(pk=pk).first()
    if notification is None:
        raise NotFound()
    return notification
