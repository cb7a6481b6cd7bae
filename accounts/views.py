from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import services
from accounts.context_processors import ROLE_HOME
from accounts.models import Role
from accounts.permissions import role_required
from accounts.selectors import memberships_of


@login_required
def home(request):
    """Send each user to the work queue of their (first) role."""
    membership = memberships_of(request.user).first()
    if membership is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(ROLE_HOME[membership.role])


@role_required(Role.ADMIN)
def admin_home(request):
    return render(request, "accounts/admin_home.html")


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()[:100]
    return render(request, "accounts/notifications.html", {"notifications": notifications})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("accounts:notifications")
