from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.PROVIDER)
def provider_home(request):
    return render(request, "capacity/provider_home.html")
