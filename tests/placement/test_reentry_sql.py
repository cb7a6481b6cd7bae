"""The re-entry rule (placement.selectors.youth.is_reentry_after) and its SQL twin
(reentry_after_sql, used by the indicators report) give the same pairs on the same rows."""

import datetime as dt

import pytest
from django.db import connection

from intake.models import PlacementRequest
from placement.models import Placement
from placement.selectors.youth import is_reentry_after, reentry_after_sql, requests_reentry
from tests.reporting.factories import Scenario, at, facility

pytestmark = pytest.mark.django_db


def _sql_pairs():
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT r2.id, p.id FROM placement_placementrequest r2
                CROSS JOIN placement_placement p JOIN placement_placementrequest pr ON pr.id = p.request_id
                WHERE {reentry_after_sql("r2", "p", "pr")}"""
        )
        return set(cursor.fetchall())


def _python_pairs():
    placements = list(Placement.objects.select_related("request"))
    return {(r.pk, p.pk) for r in PlacementRequest.objects.all() for p in placements if is_reentry_after(r, p)}


def test_the_sql_rule_gives_the_same_pairs_as_the_python_rule(twente):
    s = Scenario()
    f = facility(name="Plek")

    def placed(request, start, end):
        offer = s.offer(request, f, created=start - dt.timedelta(days=3), status="accepted")
        return s.placement(request, offer, start=start, end=end, reason="01" if end else "")

    first = s.request(referral=dt.date(2024, 1, 10), status="ended")
    p_first = placed(first, dt.date(2024, 2, 1), dt.date(2024, 8, 31))
    # 28 Feb 2025 minus six months is 28 Aug: the end on 31 Aug is in; 1 March minus six
    # months is 1 September: out.
    on_the_edge = s.request(referral=dt.date(2025, 2, 28), previous=first)
    s.request(referral=dt.date(2025, 3, 1), previous=first)  # one day too late
    transfer = s.transfer(p_first, referral=dt.date(2024, 9, 1))  # a transfer is never a re-entry
    # A draft counts from the day it was made (no referral date yet).
    draft = s.request(referral=dt.date(2024, 10, 1), previous=first, status="draft", referred=False)
    running = s.request(referral=dt.date(2024, 3, 1), status="placed")
    placed(running, dt.date(2024, 3, 10), None)  # not ended: nothing follows it
    # The same youth's request made BEFORE the placement's request never follows it.
    earlier = s.request(referral=dt.date(2024, 9, 10), previous=first)
    PlacementRequest.objects.filter(pk=earlier.pk).update(created_at=at(dt.date(2024, 1, 9)))
    # The placement a request names as the one it follows (previous_placement) is excluded.
    named = s.request(referral=dt.date(2024, 9, 15), previous=first)
    PlacementRequest.objects.filter(pk=named.pk).update(previous_placement=p_first)
    s.request(referral=dt.date(2024, 9, 20))  # another youth
    python = _python_pairs()
    assert python == _sql_pairs()
    assert (on_the_edge.pk, p_first.pk) in python and (draft.pk, p_first.pk) in python
    assert not {pair for pair in python if pair[0] in (transfer.pk, earlier.pk, named.pk)}
    # requests_reentry (the youth page) rests on the same predicate.
    assert set(requests_reentry(PlacementRequest.objects.all())) == {pk for pk, _p in python}
