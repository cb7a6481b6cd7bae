"""The what-if pages (issue 16.2): the scenario form's bad input (every message at once,
nothing written), region scoping (someone else's scenario or run is a 404), roles (403),
progress and the comparison."""

import datetime as dt

import pytest

from planning import comparison, services
from planning.models import ReplayResult, ReplayRun, Scenario
from tests.accounts.factories import member
from tests.planning.conftest import START

pytestmark = pytest.mark.django_db

URL = "/contract-manager/planning/scenarios/"


def _valid(world, **overrides):
    return {
        "name": "Groep F1 dicht",
        "scenario_region": "JZ14",
        "period_start": START.isoformat(),
        "period_months": "12",
        "kind": "close",
        "facility": str(world.f1.pk),
        **overrides,
    }


def test_a_contract_manager_describes_a_scenario(client, world, manager):
    client.force_login(manager)
    assert client.get(URL).status_code == 200
    response = client.post(URL, _valid(world))
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response.url == f"{URL}{scenario.pk}/"
    assert scenario.changes == [{"kind": "close", "facility": world.f1.pk}] and scenario.region == world.twente
    page = client.get(response.url).content.decode()
    assert "Groep F1 dicht" in page and "Groep sluiten" in page


def test_bad_input_names_every_field_at_once_and_writes_nothing(client, world, manager):
    client.force_login(manager)
    response = client.post(
        URL,
        _valid(
            world, name="", period_start="gisteren", period_months="30", kind="places", facility="999999", places="-1"
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    for message in (
        "Geef het scenario een naam.",
        "Vul een datum in (dd-mm-jjjj).",
        "Vul een getal van 12 tot en met 24 in.",
        "Kies een locatie die uw regio kan gebruiken.",
        "Vul een getal van 0 tot en met 200 in.",
    ):
        assert message in page, message
    assert 'aria-invalid="true"' in page
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period_start": "2026-06-01"}, "period_start", "Kies een afgelopen periode"),
        ({"period_start": "2014-01-01"}, "period_start", "De periode begint niet voor 1 januari 2015."),
        ({"kind": "age", "age_min": "16", "age_max": "12"}, "age_max", "lager dan de leeftijd vanaf"),
        ({"kind": "security", "security": "half"}, "security", "Kies open of gesloten."),
        ({"kind": "region", "region": "XX99"}, "region", "Kies een regio uit de lijst."),
        ({"kind": "specialisations", "specialisations": ["bestaat-niet"]}, "specialisations", "Kies specialisaties"),
        ({"kind": "teleport"}, "kind", "Kies een soort wijziging uit de lijst."),
        ({"kind": ""}, "kind", "Beschrijf een wijziging"),
    ],
)
def test_each_rule_of_the_scenario_names_its_field(world, manager, overrides, field, message):
    from accounts.models import Role
    from accounts.selectors import membership_with_role
    from core.errors import Invalid

    data = _valid(world, **overrides)
    with pytest.raises(Invalid) as caught:
        services.scenario_create(
            membership=membership_with_role(manager, Role.CONTRACT_MANAGER),
            region=data["scenario_region"],
            name=data["name"],
            period_start=data["period_start"],
            period_months=data["period_months"],
            change={
                k: data.get(k, "") for k in ("kind", "facility", "places", "age_min", "age_max", "security", "region")
            }
            | {"specialisations": data.get("specialisations", [])},
            by=manager,
            today=dt.date(2026, 1, 1),
        )
    problems = {p["name"]: p["reason"] for p in caught.value.invalid_params}
    assert field in problems and message in problems[field]


def test_someone_elses_scenario_and_run_are_not_found_and_other_roles_are_refused(client, world, manager, drenthe):
    scenario = Scenario.objects.create(
        region=world.twente, name="Twente", period_start=START, period_months=12, changes=[], created_by=manager
    )
    run = ReplayRun.objects.create(scenario=scenario, requested_by=manager)
    outsider = member("contract_manager", regions=[drenthe])
    client.force_login(outsider)
    for url in (
        f"{URL}{scenario.pk}/",
        f"/contract-manager/planning/replays/{run.pk}/",
        f"/contract-manager/planning/replays/{run.pk}/status",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{URL}{scenario.pk}/replay").status_code == 404
    assert client.post(URL, _valid(world)).status_code == 404  # a region they may not see
    assert ReplayRun.objects.count() == 1
    client.force_login(member("referrer"))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{scenario.pk}/").status_code == 403
    client.force_login(member("coordinator", regions=[world.twente]))  # coordinators may
    assert client.get(f"{URL}{scenario.pk}/").status_code == 200


def test_the_replay_runs_as_a_job_shows_progress_and_compares(client, world, manager):
    for day in range(0, 60, 6):
        world.request(START + dt.timedelta(days=day), placed_at=world.f1)
    client.force_login(manager)
    client.post(URL, _valid(world))
    scenario = Scenario.objects.get()
    response = client.post(f"{URL}{scenario.pk}/replay")
    run = ReplayRun.objects.get()
    assert response.status_code == 302 and response.url == f"/contract-manager/planning/replays/{run.pk}/"
    status = client.get(f"/contract-manager/planning/replays/{run.pk}/status").content.decode()
    assert "<progress" in status and "hx-get" in status  # queued: the page polls

    seen = []
    original = services._progress
    services._progress = lambda pk, p: (seen.append(p), original(pk, p))
    try:
        assert services.replay_run(run.pk) is True
    finally:
        services._progress = original
    assert seen == sorted(seen) and seen[0] < 10 and max(seen) >= 90 and len(seen) > 5
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == ("done", 100, 1) and run.input_digest
    results = {r.variant: r for r in run.results.all()}
    assert results["scenario"].no_fit == 10 and results["baseline"].no_fit == 0

    page = client.get(f"/contract-manager/planning/replays/{run.pk}/").content.decode()
    assert 'id="replay-comparison"' in page and "<svg" in page
    assert "Verzoeken zonder passende plek" in page and "Wat echt gebeurde" in page
    assert "Geheim" not in page and "Sam" not in page  # nothing about a youth


def test_small_counts_are_not_shown(client, world, manager):
    scenario = Scenario.objects.create(
        region=world.twente, name="Klein", period_start=START, period_months=12, changes=[], created_by=manager
    )
    run = ReplayRun.objects.create(scenario=scenario, requested_by=manager, status="done", progress=100)
    ReplayResult.objects.create(run=run, variant="scenario", requests=3, no_fit=3, median_wait_days=None)
    ReplayResult.objects.create(run=run, variant="baseline", requests=3, placed=3, median_wait_days=12.0)
    ReplayResult.objects.create(run=run, variant="real", requests=3, placed=3, median_wait_days=20.0)
    client.force_login(manager)
    page = client.get(f"/contract-manager/planning/replays/{run.pk}/").content.decode()
    assert "&lt;5" in page and "12.0" not in page and "20.0" not in page


def test_a_small_count_cannot_be_worked_out_from_the_sum_of_the_others(world, manager):
    """requests = no fit + placed + waiting: with 12, 9 and 0 shown, the 3 without a fitting
    place would be read back, so one more count of the sum is hidden (the reports' pass)."""
    scenario = Scenario.objects.create(
        region=world.twente, name="Som", period_start=START, period_months=12, changes=[], created_by=manager
    )
    run = ReplayRun.objects.create(scenario=scenario, requested_by=manager, status="done", progress=100)
    for variant in ("scenario", "baseline", "real"):
        ReplayResult.objects.create(run=run, variant=variant, requests=12, no_fit=3, placed=9, waiting_at_end=0)
    shown = {row["key"]: row["values"] for row in comparison.rows({r.variant: r for r in run.results.all()})}
    for index in range(3):
        counts = [shown[key][index] for key in ("requests", "no_fit", "placed", "waiting_at_end")]
        assert counts[1] == "<5"
        numbers = [c for c in counts if isinstance(c, int)]
        assert len(numbers) <= 2, counts  # two hidden of the four: neither can be worked out
        assert counts[3] == 0  # zero reveals nobody and stays shown


def test_the_method_page_explains_the_replay(client, manager):
    client.force_login(manager)
    page = client.get("/contract-manager/planning/method/replay/").content.decode()
    assert "Aannames" in page and "basislijn" in page and "Niemand weigert" in page
