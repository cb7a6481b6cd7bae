"""Issue 15 (answers under load): an answer reads what it needs once. The webhook
recipients of an event (the named organisations and the region's coordination points)
are one query; the locked offer keeps the locked request; the membership comes with its
user. And the recipients stay who they were: a coordination point of another region, or
one that is no longer active, hears nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.webhook_models import WebhookDelivery
from placement.models.offers import PROVIDER_DECLINE_REASONS
from tests.accounts.factories import member
from tests.api.test_webhooks import _subscription
from tests.placement.factories import fitting_facility, in_matching, offer_to

pytestmark = pytest.mark.django_db

DECLINE = {"reason": PROVIDER_DECLINE_REASONS[0][0], "motivation": "Geen plek voor deze vraag"}


def _answer(api, referrer, coordinator, action):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    api.as_user(staff)
    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            f"/api/v1/offers/{offer.pk}/{action}", DECLINE if action == "decline" else {}, format="json"
        )
    assert response.status_code == 200, response.content
    return [q["sql"] for q in queries.captured_queries], staff


@pytest.mark.parametrize(("action", "most"), [("accept", 23), ("decline", 22)])
def test_an_answer_reads_the_recipients_once_per_event_and_the_request_and_user_once(
    api, referrer, coordinator, action, most
):
    sql, staff = _answer(api, referrer, coordinator, action)
    # two webhook events (offer.answered, request.status_changed): one query each
    assert sum('FROM "accounts_webhooksubscription"' in s for s in sql) == 2
    assert not any(s.startswith('SELECT "accounts_organisation"."id" AS "pk"') for s in sql)
    # the request is locked once and not read again; the acting user is not read again
    assert sum(s.startswith('SELECT "placement_placementrequest"') for s in sql) == 1
    assert not any(s.startswith('SELECT "accounts_user"') and f'"accounts_user"."id" = {staff.pk} ' in s for s in sql)
    assert len(sql) <= most, len(sql)


def test_coordination_points_of_another_region_or_inactive_ones_hear_nothing(
    api, referrer, coordinator, twente, drenthe
):
    other_region = _subscription(member(Role.COORDINATOR, regions=[drenthe]))
    gone = _subscription(member(Role.COORDINATOR, regions=[twente]))
    gone.organisation.is_active = False
    gone.organisation.save(update_fields=["is_active"])
    here = _subscription(coordinator)
    _answer(api, referrer, coordinator, "accept")
    assert WebhookDelivery.objects.filter(subscription=here, event_type="offer.answered").count() == 1
    assert WebhookDelivery.objects.filter(subscription=here, event_type="request.status_changed").exists()
    assert not WebhookDelivery.objects.filter(subscription__in=[other_region, gone]).exists()
