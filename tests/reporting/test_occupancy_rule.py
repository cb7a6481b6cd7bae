"""The occupancy report's SQL against the capacity rules in Python (capacity.rules,
capacity.selectors.occupancy_rate) on the same availability histories, Q1 2025."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from capacity import rules, selectors
from capacity.models import AvailabilityChange
from reporting.reports import occupancy
from reporting.reports.common import num, pct
from tests.capacity.factories import provider_org
from tests.reporting.conftest import q1_scope, table
from tests.reporting.factories import facility

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def _change(f, at, kind, *, contracted, staffed, internal=0, external=0, held=0):
    AvailabilityChange.objects.create(
        facility=f,
        changed_at=at,
        kind=kind,
        places_contracted=contracted,
        places_staffed=staffed,
        occupied_internal=internal,
        occupied_external=external,
        held=held,
    )


@pytest.fixture
def facilities(twente):
    p1, p2 = provider_org(name="P1"), provider_org(name="P2")
    a, b, c = facility(provider=p1, name="A"), facility(provider=p1, name="B"), facility(provider=p2, name="C")
    _change(a, dt.datetime(2024, 12, 1, tzinfo=AMS), "created", contracted=4, staffed=4, internal=1, external=1, held=1)
    _change(
        a, dt.datetime(2025, 1, 1, tzinfo=AMS), "confirmed", contracted=4, staffed=4, internal=1, external=1, held=1
    )
    _change(a, dt.datetime(2025, 2, 10, 9, tzinfo=AMS), "held", contracted=4, staffed=4, internal=1, external=1, held=2)
    # Exactly seven days (of 24 hours) before the end of the period, 1 April 00:00, across
    # the clock change: still fresh at the end.
    _change(
        a, dt.datetime(2025, 3, 24, 23, tzinfo=AMS), "updated", contracted=4, staffed=3, internal=1, external=1, held=1
    )
    _change(
        b, dt.datetime(2025, 1, 15, 10, tzinfo=AMS), "created", contracted=6, staffed=5, external=2
    )  # never confirmed
    _change(c, dt.datetime(2024, 11, 1, tzinfo=AMS), "created", contracted=0, staffed=0)
    _change(c, dt.datetime(2025, 3, 1, tzinfo=AMS), "contract_changed", contracted=3, staffed=3)
    _change(c, dt.datetime(2025, 3, 5, 12, tzinfo=AMS), "updated", contracted=3, staffed=3, internal=3)
    return {"A": a, "B": b, "C": c}


def _state_at(f, t, kinds=None):
    rows = AvailabilityChange.objects.filter(facility=f, changed_at__lte=t).order_by("-changed_at", "-id")
    if kinds:
        rows = rows.filter(kind__in=kinds)
    return rows.first()


def _is_stale_at(f, t, twente):
    confirmed = _state_at(f, t, rules.CONFIRMING_KINDS)
    return rules.is_stale(confirmed and confirmed.changed_at, now=t, freshness_days=twente.freshness_days)


def test_the_occupancy_report_is_the_python_rule_on_the_same_history(facilities, twente):
    scope = q1_scope(twente)
    tables = occupancy.build(scope)
    start, stop = scope.start_at, scope.stop_at
    period_days = (stop.timestamp() - start.timestamp()) / 86400
    assert period_days == 90 - 1 / 24

    python = {name: selectors.occupancy_rate(facility=f, start=start, end=stop) for name, f in facilities.items()}
    # Issue 12: the averages are over the days the facility's figures cover in the period
    # (B's history starts on 15 January): B had 6 contracted places, not "5 on average".
    known = {
        name: (stop - max(start, AvailabilityChange.objects.filter(facility=f).earliest("changed_at").changed_at))
        / dt.timedelta(days=1)
        for name, f in facilities.items()
    }
    got = {
        r["facility"]: (r["rate"], r["contracted"], r["staffed"], r["occupied"])
        for r in table(tables, "by_facility").rows
    }
    assert got == {
        name: (
            pct(o.occupied_place_days, o.contracted_place_days) if o.contracted_place_days else None,
            num(o.contracted_place_days / known[name]),
            num(o.staffed_place_days / known[name]),
            num(o.occupied_place_days / known[name]),
        )
        for name, o in python.items()
    }
    assert got["B"][1:3] == (6, 5)  # 6 contracted, 5 staffed from the day it was created
    assert got["A"][0] == 50  # 2 of 4 occupied all quarter; held places are not occupied

    buckets = occupancy.buckets(scope)
    over_time = [r["rate"] for r in table(tables, "over_time").rows]
    expected = []
    for b0, b1, _label in buckets:
        parts = [selectors.occupancy_rate(facility=f, start=b0, end=b1) for f in facilities.values()]
        expected.append(pct(sum(p.occupied_place_days for p in parts), sum(p.contracted_place_days for p in parts)))
    assert over_time == expected

    free = [(r["free"], r["free_fresh"]) for r in table(tables, "free_over_time").rows]
    expected = []
    for _b0, t, _label in buckets:
        states = {name: _state_at(f, t) for name, f in facilities.items()}
        counted = {name: state.places_free for name, state in states.items() if state}
        fresh = sum(n for name, n in counted.items() if not _is_stale_at(facilities[name], t, twente))
        expected.append((sum(counted.values()), fresh))
    assert free == expected
    assert free[-1] == (0 + 3 + 0, 0)  # A: 3 - 2 - 1 held, B: 5 - 2 (stale), C: full

    stale = {r["provider"]: (r["facilities"], r["stale"]) for r in table(tables, "stale_by_provider").rows}
    assert stale == {
        "P1": (2, sum(_is_stale_at(facilities[n], stop, twente) for n in ("A", "B"))),
        "P2": (1, int(_is_stale_at(facilities["C"], stop, twente))),
    }
    assert stale == {"P1": (2, 1), "P2": (1, 1)}  # A confirmed exactly a week before the end: fresh


def test_below_the_norm_on_the_report_is_the_rule(twente):
    # All quarter: 9 of 10 places occupied (exactly the norm), 7 of 8 (87.5%), 1 of 4.
    for name, contracted, occupied in (("Op de norm", 10, 9), ("Net onder", 8, 7), ("Ver onder", 4, 1)):
        f = facility(name=name)
        _change(
            f,
            dt.datetime(2024, 12, 1, tzinfo=AMS),
            "created",
            contracted=contracted,
            staffed=contracted,
            external=occupied,
        )
    tables = occupancy.build(q1_scope(twente))
    rows = {r["facility"]: (r["rate"], r["below_norm"]) for r in table(tables, "by_facility").rows}
    assert rows == {"Op de norm": (90, "nee"), "Net onder": (87.5, "ja"), "Ver onder": (25, "ja")}
    assert {r["norm"] for r in table(tables, "over_time").rows} == {rules.OCCUPANCY_NORM}
    column = next(c for c in table(tables, "by_facility").columns if c.key == "below_norm")
    assert str(column.label) == f"Onder {rules.OCCUPANCY_NORM}%"
