from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.BEHAVIOURAL_SCIENTIST)
def behavioural_scientist_home(request):
    return render(request, "analyses/behavioural_scientist_home.html")
