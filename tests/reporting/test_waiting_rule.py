""" "Waiting" (placement.waiting): the SQL the reports use is the Python rule, on the same
requests, on the days around the edges."""

import datetime as dt

import pytest
from django.db import connection

from intake.models import PlacementRequest
from placement.waiting import is_waiting_on, waiting_days, waiting_days_sql, waiting_on_sql
from reporting.reports import unmet_need
from tests.reporting.conftest import q1_scope
from tests.reporting.factories import Scenario, at, facility

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 31)  # the last day of Q1, the day after the clock went forward
DAYS = [DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)]


@pytest.fixture
def requests(twente):
    s = Scenario()
    place = facility(name="Plek")

    def placed(request, start):
        s.placement(
            request, s.offer(request, place, created=start - dt.timedelta(days=5), status="accepted"), start=start
        )
        return request

    def changed(request, moment):
        PlacementRequest.objects.filter(pk=request.pk).update(status_changed_at=moment)
        return request

    made = {
        "draft with a referral date": s.request(referral=dt.date(2025, 2, 1), status="draft"),
        "submitted on the day": s.request(referral=DAY, status="submitted"),
        "referred the day after": s.request(referral=DAY + dt.timedelta(days=1), status="matching"),
        "returned to the referrer": s.request(referral=dt.date(2025, 1, 5), status="returned"),
        "at the expert table": s.request(referral=dt.date(2025, 1, 6), status="expert_table"),
        "waiting with bridging care": s.request(referral=dt.date(2025, 1, 7), status="waiting"),
        "offered": s.request(referral=dt.date(2025, 1, 8), status="offered"),
        "closed late on the day": changed(
            s.request(referral=dt.date(2025, 1, 9), status="closed", outcome="help_at_home"),
            at(DAY, 23) + dt.timedelta(minutes=30),
        ),
        "closed just after midnight": changed(
            s.request(referral=dt.date(2025, 1, 10), status="closed", outcome="ambulant_care"),
            at(DAY + dt.timedelta(days=1), 0) + dt.timedelta(minutes=30),
        ),
        "crisis on the day": s.request(referral=dt.date(2025, 1, 11), status="crisis", status_changed=DAY),
        "placed on the day": placed(s.request(referral=dt.date(2025, 1, 12), status="placed"), DAY),
        "placed the day after": placed(
            s.request(referral=dt.date(2025, 1, 13), status="placed"), DAY + dt.timedelta(days=1)
        ),
        "placed and ended": placed(s.request(referral=dt.date(2024, 12, 1), status="ended"), dt.date(2025, 1, 2)),
    }
    made["withdrawn draft"] = s.request(
        referral=dt.date(2025, 2, 2), status="closed", outcome="withdrawn", referred=False
    )  # closed before it was ever submitted
    made["draft"] = s.request(referral=dt.date(2025, 2, 3), status="draft", referred=False)
    return made


def _python(request, day):
    placement = getattr(request, "placement", None)
    return is_waiting_on(
        day,
        status=request.status,
        referral_date=request.referral_date,
        status_changed_at=request.status_changed_at,
        placement_start=placement.start_date if placement else None,
    )


def _sql(day):
    day_end = at(day + dt.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT r.id, {waiting_on_sql("r", day="%(day)s", day_end="%(day_end)s")},
                       {waiting_days_sql("r", until="%(day)s")}
                FROM placement_placementrequest r""",
            {"day": day, "day_end": day_end},
        )
        return {i: (waiting, days) for i, waiting, days in cursor.fetchall()}


def test_waiting_in_sql_is_the_python_rule(requests):
    names = {r.pk: name for name, r in requests.items()}
    rows = {pk: PlacementRequest.objects.select_related("placement").get(pk=pk) for pk in names}
    for day in DAYS:
        in_sql = _sql(day)
        for pk, request in rows.items():
            days = waiting_days(request.referral_date, day) if request.referral_date else None
            assert in_sql[pk] == (_python(request, day), days), (names[pk], day)
    waiting = {names[pk] for pk, request in rows.items() if _python(request, DAY)}
    assert waiting == {
        "submitted on the day",
        "returned to the referrer",
        "at the expert table",
        "waiting with bridging care",
        "offered",
        "closed just after midnight",
        "placed the day after",
    }


def test_the_unmet_need_report_lists_who_the_rule_says_is_waiting(requests, twente):
    expected = sorted(
        (r.referral_date, r.pk)
        for r in PlacementRequest.objects.select_related("placement").filter(pk__in=[r.pk for r in requests.values()])
        if _python(r, DAY)
    )
    assert unmet_need.drill(q1_scope(twente), {"figure": "waiting"}) == [pk for _date, pk in expected]
