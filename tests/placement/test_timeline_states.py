"""The request page shows a timeline with events of other things on the request too (an
assignment that ended when the request was withdrawn carries the assignment's state, not
a request state): the page must not fail on them (found by tests/e2e/test_phone_layout.py)."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from intake import services as intake_services
from tests.placement.factories import make_request


@pytest.mark.django_db
def test_the_request_page_shows_a_withdrawn_request_whose_assignment_ended(client, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    intake_services.assignment_request(
        placement_request=placement_request,
        question="Help bij de hypothesen.",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )
    intake_services.request_withdraw(
        placement_request=placement_request,
        by=referrer,
        membership=membership_with_role(referrer, Role.REFERRER),
        reason="Opgelost",
    )
    client.force_login(referrer)
    response = client.get(f"/requests/{placement_request.pk}/")
    assert response.status_code == 200 and "Ingetrokken" in response.content.decode()
