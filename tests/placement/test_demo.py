import io

import pytest
from django.core.management import call_command

from intake.models import PlacementRequest


@pytest.mark.django_db
def test_demo_requests_in_various_states_and_idempotent(private_media):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    twente = PlacementRequest.objects.filter(region__code="JZ14", referrer__username="referrer")
    assert sorted(twente.values_list("status", flat=True)) == [
        "closed",
        "draft",
        "matching",
        "offered",
        "returned",
        "submitted",
    ]
    offered = twente.get(status="offered")
    assert offered.offers.get().provider.name.startswith("Jeugdzorg De Horst")
    drenthe = PlacementRequest.objects.get(region__code="JZ04")
    assert (drenthe.referrer.username, drenthe.status) == ("referrer2", "submitted")
