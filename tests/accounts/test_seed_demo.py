import io

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, User

DEMO_USERS = [
    "referrer",
    "referrer2",
    "coordinator",
    "coordinator2",
    "provider",
    "provider2",
    "contract_manager",
    "behavioural_scientist",
    "admin",
    "admin2",
]


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_a_login_per_role(client):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    for username in DEMO_USERS:
        response = client.post("/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        client.logout()
    coordinator = Membership.objects.get(user__username="coordinator")
    coordinator2 = Membership.objects.get(user__username="coordinator2")
    assert [r.name for r in coordinator.regions.all()] == ["Twente"]
    assert [r.name for r in coordinator2.regions.all()] == ["Drenthe"]
    assert (
        Membership.objects.get(user__username="referrer").organisation
        != Membership.objects.get(user__username="referrer2").organisation
    )
