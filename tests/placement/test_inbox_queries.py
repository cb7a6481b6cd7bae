"""Issue 15 (inbox at most 2x its floor): the inbox's short lists (accepted, recently
answered) read each offer with its facility and placement only, not with the analysis,
the request and the rest of the offer page's joins; what they show stays the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from placement.models import Offer, OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import fitting_facility, in_matching, offer_to

pytestmark = pytest.mark.django_db


def test_the_short_lists_read_offers_with_facility_and_placement_only(client, referrer, coordinator):
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    answered = offer_to(in_matching(referrer, coordinator), facility, coordinator)
    Offer.objects.filter(pk=answered.pk).update(
        status=OfferStatus.DECLINED, decline_reason="no_place", motivation="Geen plek", answered_at=timezone.now()
    )
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/provider/offers/")
    assert response.status_code == 200
    assert answered.pseudonym in response.content.decode()
    lists = [  # the offer objects of the short lists (the open rows are plain values)
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "placement_offer"."id"') and ' AS "pk"' not in q["sql"]
    ]
    assert len(lists) == 1, lists
    assert '"capacity_facility"' in lists[0] and '"placement_placement"' in lists[0]
    for table in ("intake_explanatoryanalysis", "placement_placementrequest", "accounts_region", "capacity_caretype"):
        assert f'"{table}"' not in lists[0], table
