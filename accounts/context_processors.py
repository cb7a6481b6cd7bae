from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.models import Role
from accounts.permissions import request_memberships

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
# Further navigation entries per role, after the role's home: (url name, label).
ROLE_NAV_EXTRA = {
    Role.COORDINATOR: [
        ("capacity:board", _("Capaciteit")),
        ("reporting:coordinator-figures", _("Cijfers")),
        ("privacy:policies", _("Bewaartermijnen")),
    ],
    Role.PROVIDER: [("placement:provider-inbox", _("Aanmeldingen"))],
    Role.CONTRACT_MANAGER: [
        ("capacity:contract-list", _("Contracten")),  # issue 12 part "contracts"
        ("privacy:policies", _("Bewaartermijnen")),
    ],
    Role.ADMIN: [("privacy:home", _("Privacy (AVG)"))],
}

# Issue 14 (api-push): the organisation's webhooks, for the roles that manage them.
for _role in (Role.REFERRER, Role.COORDINATOR, Role.PROVIDER):
    ROLE_NAV_EXTRA.setdefault(_role, []).append(("accounts:webhooks", _("Koppelingen")))


def _nav_entries(role):
    yield ROLE_HOME[role], ROLE_NAV_LABEL[role]
    yield from ROLE_NAV_EXTRA.get(role, [])


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = request_memberships(request)
    if not two_factor.satisfied(request):  # before the second factor: no links that lead nowhere
        return {"nav_items": [], "current_memberships": memberships, "unread_notifications": 0}
    nav, seen = [], set()
    for membership in memberships:
        if membership.role in seen:
            continue
        seen.add(membership.role)
        for url_name, label in _nav_entries(membership.role):
            nav.append({"url": reverse(url_name), "label": label, "current": False})
    # The entry whose URL is the longest prefix of this page is the current one
    # (/coordinator/capacity/ is under /coordinator/ but is its own entry).
    matching = [item for item in nav if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {
        "nav_items": nav,
        "current_memberships": memberships,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
