from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.REFERRER)
def referrer_home(request):
    return render(request, "placement/referrer_home.html")


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    return render(request, "placement/coordinator_home.html")
