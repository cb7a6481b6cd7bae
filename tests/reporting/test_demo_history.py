"""Issue 12 point 7: the demo's history (seed_demo_history, made by bench.generate).

Loaded here for one demo region at a small volume: it loads once (a second call and a
concurrent call add nothing), refuses production and bad input, leaves the hand-made
demo cases and logins as they were, and gives the demo contract manager numbers instead
of "<5" for the main figures of the last quarter."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Organisation
from bench.generate import DEMO_USERNAME
from capacity.models import AvailabilityChange, Facility, PlannedCapacityChange
from intake.models import PlacementRequest, Youth
from placement.models import Offer, Placement, Transfer, WaitingPeriod
from reporting.management.commands.seed_demo_history import load_demo_history
from reporting.registry import build_report
from reporting.suppression import HIDDEN, SUPPRESSED, THRESHOLD
from tests.accounts.test_seed_demo import DEMO_USERS
from tests.placement.test_offer_races import race
from tests.reporting.conftest import summary, table

TWENTE = "JZ14"
VOLUME = 200  # first requests per year: the test's small volume (the demo loads 400)
MODELS = (Youth, PlacementRequest, Offer, Placement, Transfer, WaitingPeriod, Facility, AvailabilityChange)


def counts():
    return {m.__name__: m.objects.count() for m in (*MODELS, PlannedCapacityChange, Organisation)}


def last_quarter(today):
    end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def load(**options):
    out = io.StringIO()
    call_command("seed_demo_history", regions=TWENTE, per_region_year=VOLUME, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_history_loads_once_next_to_the_hand_made_demo_and_the_figures_show_numbers(client):
    call_command("seed_demo", stdout=io.StringIO())
    hand_made = set(PlacementRequest.objects.values_list("pk", flat=True))
    before = counts()
    output = load()
    after = counts()
    assert "Demo-geschiedenis laden:" in output and "klaar in" in output
    generated = PlacementRequest.objects.filter(referrer__username=DEMO_USERNAME)
    # About VOLUME a year for two years, plus transfers, re-entries and crisis follow-ups.
    assert 2 * VOLUME <= generated.count() <= 3 * VOLUME
    assert set(generated.values_list("region__code", flat=True)) == {TWENTE}
    assert set(PlacementRequest.objects.exclude(referrer__username=DEMO_USERNAME).values_list("pk", flat=True)) == (
        hand_made
    )
    # What a history has: refusals with reasons, fall-throughs, ended placements with CBS
    # end reasons and after-care, crisis placements, re-entries, transfers, waiting, afbouw.
    offers = Offer.objects.filter(request__in=generated)
    assert offers.filter(status="declined").exclude(decline_reason="").exists()
    assert offers.filter(status="fallen_through").exists()
    ended = Placement.objects.filter(request__in=generated, end_date__isnull=False)
    assert ended.count() > Placement.objects.filter(request__in=generated, end_date__isnull=True).count()
    assert set(ended.values_list("end_reason", flat=True)) <= {"01", "02", "03", "04", "05"}
    assert not ended.filter(aftercare_destination="").exists()
    assert Placement.objects.filter(request__in=generated, kind="crisis", offer__isnull=True).exists()
    assert generated.filter(urgency="crisis").exists()
    first = generated.filter(kind="first_placement")
    assert first.values("youth").distinct().count() < first.count()  # the same youth again
    assert after["Transfer"] > before["Transfer"] and after["WaitingPeriod"] > before["WaitingPeriod"]
    assert PlannedCapacityChange.objects.filter(status="planned", effective_date__gt=timezone.localdate()).exists()
    assert PlannedCapacityChange.objects.filter(status="applied").exists()
    # Old requests never placed were closed: the coordinators' queue stays a real one.
    old = generated.filter(referral_date__lt=timezone.localdate() - dt.timedelta(days=91))
    assert not old.filter(status__in=["matching", "waiting"]).exists()
    # Personal data encrypted like real data.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT family_name FROM {Youth._meta.db_table} WHERE id = %s", [generated[0].youth_id])
        stored = cursor.fetchone()[0]
    assert stored != generated[0].youth.family_name and generated[0].youth.family_name

    # Loaded once: again, nothing is added.
    assert "niets toegevoegd" in load()
    assert counts() == after

    # The contract manager of Twente sees numbers for the main figures of the last quarter.
    start, end = last_quarter(timezone.localdate())
    manager = Membership.objects.get(user__username="contract_manager")
    params = {"from": start.isoformat(), "to": end.isoformat()}
    main = {
        "unmet-need": [f"Verwezen en nog niet geplaatst op {end:%d-%m-%Y}", "Mediaan wachtdagen", "P90 wachtdagen"],
        "refusals": ["Aanmeldingen gedaan", "Plaatsingen gestart"],
        "transfers": ["Plaatsingen beëindigd", "Doorplaatsingen", "Doorplaatsingen per 100 beëindigde plaatsingen"],
        "waiting-times": ["Plaatsingen gestart", "Mediaan wachtdagen", "Mediaan km"],
    }
    for code, figures in main.items():
        shown = summary(build_report(code, membership=manager, params=params))
        for figure in figures:
            assert shown[figure] not in (SUPPRESSED, HIDDEN), (code, figure)  # neither "<5" nor "x"
        counted = [shown[f] for f in figures if not f.startswith(("Mediaan", "P90", "Doorplaatsingen per"))]
        assert all(value >= THRESHOLD for value in counted), (code, shown)
    # The providers' declines are many, but refused = declined + expired and the expired
    # offers of a demo quarter are few, so complementary suppression hides the declines
    # ("x", never "<5"): a known limit of the demo volume (README, known limits).
    declined = summary(build_report("refusals", membership=manager, params=params))["Afgewezen door aanbieder"]
    assert declined == HIDDEN or declined >= THRESHOLD
    occupancy = build_report("occupancy", membership=manager, params=params)
    rates = [r["rate"] for r in table(occupancy, "over_time").rows]
    assert rates and all(isinstance(rate, (int, float)) and rate > 0 for rate in rates)

    # The hand-made demo users still log in.
    for username in DEMO_USERS:
        response = client.post("/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        client.logout()

    # The screens take the generated rows as they take real ones.
    client.force_login(manager.user)
    assert client.get("/contract-manager/", params).status_code == 200
    client.force_login(Membership.objects.get(user__username="coordinator").user)
    assert client.get("/coordinator/").status_code == 200
    assert client.get("/coordinator/figures/", params).status_code == 200
    samples = [
        generated.filter(status="matching").first(),
        generated.filter(status="ended", placement__kind="crisis").first(),
        generated.filter(status="placed").first(),
        generated.filter(kind="transfer").first(),
    ]
    for request in samples:
        assert client.get(f"/requests/{request.pk}/").status_code == 200, request.status
    assert client.get(f"/coordinator/requests/{samples[0].pk}/matching/").status_code == 200


@pytest.mark.django_db
def test_history_refuses_production_and_bad_input(settings):
    with pytest.raises(CommandError, match="Onbekende regio: XX99"):
        call_command("seed_demo_history", regions="XX99", stdout=io.StringIO())
    for bad in ({"years": 0}, {"years": 11}, {"per_region_year": 0}, {"per_region_year": 99999}):
        with pytest.raises(CommandError, match="--years"):
            call_command("seed_demo_history", stdout=io.StringIO(), **bad)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("seed_demo_history", stdout=io.StringIO())
    assert not PlacementRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_loads_at_once_load_the_history_once():
    call_command("seed_demo", stdout=io.StringIO())
    results = race(*[lambda: load_demo_history([TWENTE], per_region_year=20)] * 2)
    assert not any(isinstance(r, Exception) for r in results), results
    loaded = [r for r in results if r is not None]
    assert len(loaded) == 1  # the other waited for the lock and found the history there
    generated = PlacementRequest.objects.filter(referrer__username=DEMO_USERNAME)
    assert generated.count() == loaded[0]["requests"]
