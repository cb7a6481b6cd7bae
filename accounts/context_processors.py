from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.selectors import memberships_of

# Where each role lands after login, and its navigation entries.
ROLE_HOME = {
    Role.REFERRER: "placement:referrer-home",
    Role.COORDINATOR: "placement:coordinator-home",
    Role.PROVIDER: "capacity:provider-home",
    Role.CONTRACT_MANAGER: "reporting:contract-manager-home",
    Role.BEHAVIOURAL_SCIENTIST: "analyses:behavioural-scientist-home",
    Role.ADMIN: "accounts:admin-home",
}
ROLE_NAV_LABEL = {
    Role.REFERRER: _("Mijn verzoeken"),
    Role.COORDINATOR: _("Werkvoorraad"),
    Role.PROVIDER: _("Mijn locaties"),
    Role.CONTRACT_MANAGER: _("Cijfers"),
    Role.BEHAVIOURAL_SCIENTIST: _("Analyses"),
    Role.ADMIN: _("Beheer"),
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(memberships_of(user))
    nav, seen = [], set()
    for membership in memberships:
        if membership.role in seen:
            continue
        seen.add(membership.role)
        url = reverse(ROLE_HOME[membership.role])
        nav.append({"url": url, "label": ROLE_NAV_LABEL[membership.role], "current": request.path.startswith(url)})
    return {
        "nav_items": nav,
        "current_memberships": memberships,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
