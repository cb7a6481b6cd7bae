import datetime as dt

import pytest

from reporting.reports.common import Scope
from tests.reporting.factories import Scenario, facility, history

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def scenario(twente, drenthe):
    """Twente, Q1 2025 (1 January - 31 March, 90 days). Worked out by hand in the tests.

    Facilities: F1 (provider A, Enschede, kwv-open; 4 contracted/staffed, 2 from 1 March),
    F2 (provider B, Assen in Drenthe, behandelgroep), F3 (provider B, Enschede, never confirmed).
    R5: placed at F1 2024-10-20, ended 2025-02-10 (01) - the period cuts through it.
    R1: referred 2024-12-01; offered to B (declined, no place) 5 Jan, to A 10 Jan (accepted),
        placed at F1 20 Jan (50 days).
    R2: referred 15 Jan, wants kwv-open then behandelgroep, at most 30 km; offered to B at F2
        20 Jan (expired), again 1 Feb (accepted); placed at F2 11 Feb (27 days), ended 15 Mar
        (04) needing another place -> transfer request R4 referred 16 Mar, waiting.
    R3: referred 1 Feb, no offers at all, waiting since 5 Feb (fitting facilities full).
    R6: referred 1 Feb, closed 20 Feb (help at home).
    """
    s = Scenario()
    from tests.capacity.factories import provider_org

    a, b = provider_org(name="Aanbieder A"), provider_org(name="Aanbieder B")
    f1 = facility(provider=a, name="F1", places_contracted=4, places_staffed=4)
    f2 = facility(provider=b, name="F2", code="GM0106", care="behandelgroep")
    f3 = facility(provider=b, name="F3", places_contracted=6, places_staffed=6)
    history(f1, dt.date(2024, 10, 1), contracted=4, staffed=4, kind="created")
    history(f1, dt.date(2024, 10, 20), contracted=4, staffed=4, occupied=1, kind="occupied")
    history(f1, dt.date(2025, 1, 20), contracted=4, staffed=4, occupied=2, kind="occupied")
    history(f1, dt.date(2025, 2, 10), contracted=4, staffed=4, occupied=1, kind="occupied_released")
    history(f1, dt.date(2025, 3, 1), contracted=2, staffed=2, occupied=1, kind="contract_changed")
    history(f1, dt.date(2025, 3, 25), contracted=2, staffed=2, occupied=1, kind="confirmed")
    history(f3, dt.date(2024, 6, 1), contracted=6, staffed=6, kind="created")

    r5 = s.request(referral=dt.date(2024, 10, 1), status="ended")
    o5 = s.offer(r5, f1, created=dt.date(2024, 10, 10), status="accepted")
    s.placement(r5, o5, start=dt.date(2024, 10, 20), end=dt.date(2025, 2, 10), reason="01")

    r1 = s.request(referral=dt.date(2024, 12, 1), status="placed", specialisations=["trauma"])
    s.offer(r1, f2, created=dt.date(2025, 1, 5), status="declined", reason="no_place")
    o2 = s.offer(r1, f1, created=dt.date(2025, 1, 10), status="accepted")
    s.placement(r1, o2, start=dt.date(2025, 1, 20))

    r2 = s.request(referral=dt.date(2025, 1, 15), status="ended", care_types=["kwv-open", "behandelgroep"], max_km=30)
    s.offer(r2, f2, created=dt.date(2025, 1, 20), status="expired", reason="no_answer")
    o4 = s.offer(r2, f2, created=dt.date(2025, 2, 1), status="accepted")
    p2 = s.placement(r2, o4, start=dt.date(2025, 2, 11), end=dt.date(2025, 3, 15), reason="04", needs_new_place=True)
    r4 = s.transfer(p2, referral=dt.date(2025, 3, 16))

    r3 = s.request(
        referral=dt.date(2025, 2, 1), status="waiting", specialisations=["trauma"], birth=dt.date(2008, 1, 1)
    )
    s.waiting(r3, started=dt.date(2025, 2, 5))
    r6 = s.request(
        referral=dt.date(2025, 2, 1), status="closed", outcome="help_at_home", status_changed=dt.date(2025, 2, 20)
    )
    return {
        "s": s,
        "f1": f1,
        "f2": f2,
        "f3": f3,
        "a": a,
        "b": b,
        "r1": r1,
        "r2": r2,
        "r3": r3,
        "r4": r4,
        "r5": r5,
        "r6": r6,
        "twente": twente,
    }


def q1_scope(region, *, suppress=False):
    return Scope(
        region_ids=[region.pk],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31),
        suppress=suppress,
        drill=not suppress,
    )


def table(tables, key):
    return next(t for t in tables if t.key == key)


def row(tbl, label_key, label):
    return next(r for r in tbl.rows if str(r[label_key]) == str(label))


def summary(tables):
    return {str(r["figure"]): r["value"] for r in table(tables, "summary").rows}
