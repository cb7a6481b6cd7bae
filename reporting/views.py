from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.CONTRACT_MANAGER)
def contract_manager_home(request):
    return render(request, "reporting/contract_manager_home.html")
