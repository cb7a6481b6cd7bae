"""Writes for the what-if replay (issue 16.2): describe a scenario (every bad field named
at once), ask for a replay, and run it (a Celery job claimed through core.jobs)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region
from capacity.models import SecurityLevel, Specialisation
from core.errors import Invalid, NotFound
from core.jobs import job_claimed, jobs_requeue_stale
from core.publish import publish
from planning import selectors
from planning.models import PERIOD_MONTHS_MAX, PERIOD_MONTHS_MIN, ReplayResult, ReplayRun, Scenario
from planning.replay import digest, real_outcome, replay
from planning.scenarios import AGE, CHANGE_FIELDS, CHANGE_KINDS, OPEN, REGION, SECURITY, SPECIALISATIONS, apply_changes
from reporting.reports.common import visible_regions

FIRST_DAY = dt.date(2015, 1, 1)  # the Jeugdwet: nothing to replay before it
MAX_PLACES, MAX_AGE = 200, 23


def _int(value, name, problems, *, low, high):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append({"name": name, "reason": _("Vul een geheel getal in.")})
        return None
    if not low <= number <= high:
        problems.append(
            {
                "name": name,
                "reason": _("Vul een getal van %(low)s tot en met %(high)s in.") % {"low": low, "high": high},
            }
        )
        return None
    return number


def _change(data: dict, *, region_id: int, problems: list) -> dict | None:
    kind = str(data.get("kind") or "").strip()
    if not kind:
        return None
    if kind not in CHANGE_KINDS:
        problems.append({"name": "kind", "reason": _("Kies een soort wijziging uit de lijst.")})
        return None
    change = {"kind": kind}
    landscape_ids = set(selectors.landscape_of(region_id).facts)
    try:
        facility = int(str(data.get("facility") or "").strip())
    except ValueError:
        facility = None
    if facility is None or facility not in landscape_ids:
        problems.append({"name": "facility", "reason": _("Kies een locatie die uw regio kan gebruiken.")})
    change["facility"] = facility
    needs = CHANGE_FIELDS[kind]
    if "places" in needs:
        low = 1 if kind == OPEN else 0
        change["places"] = _int(data.get("places"), "places", problems, low=low, high=MAX_PLACES)
    if kind == AGE:
        age_min = _int(data.get("age_min"), "age_min", problems, low=0, high=MAX_AGE)
        age_max = _int(data.get("age_max"), "age_max", problems, low=0, high=MAX_AGE)
        if age_min is not None and age_max is not None and age_min > age_max:
            problems.append({"name": "age_max", "reason": _("De leeftijd tot en met is lager dan de leeftijd vanaf.")})
        change.update(age_min=age_min, age_max=age_max)
    if kind == SECURITY:
        security = str(data.get("security") or "")
        if security not in SecurityLevel.values:
            problems.append({"name": "security", "reason": _("Kies open of gesloten.")})
        change["security"] = security
    if kind == SPECIALISATIONS:
        codes = sorted({str(c) for c in data.get("specialisations") or ()})
        known = set(Specialisation.objects.filter(code__in=codes).values_list("code", flat=True))
        if set(codes) - known:
            problems.append({"name": "specialisations", "reason": _("Kies specialisaties uit de lijst.")})
        change["specialisations"] = codes
    if kind == REGION:
        code = str(data.get("region") or "").strip()
        found = Region.objects.filter(code=code).first() if code else None
        if found is None:
            problems.append({"name": "region", "reason": _("Kies een regio uit de lijst.")})
        change["region"] = found.pk if found else None
    return change


def scenario_create(
    *, membership, region, name, period_start, period_months, apply_planned=False, change=None, by, today=None
):
    """A contract manager or coordinator describes a scenario for one of their regions.
    Every bad field is named at once (Invalid); a region they may not see is NotFound;
    nothing is written unless all is well."""
    today = today or timezone.localdate()
    problems: list[dict] = []
    code = str(region or "").strip()
    found = Region.objects.filter(code=code).first() if code else None
    if found is None:
        problems.append({"name": "scenario_region", "reason": _("Kies een regio.")})
    elif not visible_regions(membership).filter(pk=found.pk).exists():
        raise NotFound()
    name = str(name or "").strip()
    if not name:
        problems.append({"name": "name", "reason": _("Geef het scenario een naam.")})
    elif len(name) > Scenario._meta.get_field("name").max_length:
        problems.append({"name": "name", "reason": _("De naam is te lang (hoogstens 120 tekens).")})
    months = _int(period_months, "period_months", problems, low=PERIOD_MONTHS_MIN, high=PERIOD_MONTHS_MAX)
    start = None
    try:
        start = dt.date.fromisoformat(str(period_start or "").strip())
    except ValueError:
        problems.append({"name": "period_start", "reason": _("Vul een datum in (dd-mm-jjjj).")})
    if start is not None:
        if start < FIRST_DAY:
            problems.append({"name": "period_start", "reason": _("De periode begint niet voor 1 januari 2015.")})
        elif months is not None and selectors.period_end(start, months) > today:
            problems.append(
                {
                    "name": "period_start",
                    "reason": _("Kies een afgelopen periode: die moet voor vandaag geëindigd zijn."),
                }
            )
    changes = []
    if found is not None:
        one = _change(change or {}, region_id=found.pk, problems=problems)
        if one is not None:
            changes.append(one)
    if not changes and not apply_planned and not problems:
        problems.append(
            {"name": "kind", "reason": _("Beschrijf een wijziging, of kies de geplande capaciteitswijzigingen.")}
        )
    if problems:
        raise Invalid(problems[0]["reason"], invalid_params=[{**p, "reason": str(p["reason"])} for p in problems])
    return Scenario.objects.create(
        region=found,
        name=name,
        period_start=start,
        period_months=months,
        apply_planned=bool(apply_planned),
        changes=changes,
        created_by=by,
    )


def _schedule(run_id: int) -> None:
    from planning.tasks import replay_run as task  # tasks import this module

    publish(task, (run_id,))  # broker down: beat's replay_stale_requeue hands it over later


def replay_request(*, membership, scenario_id, by) -> ReplayRun:
    scenario = selectors.scenario_get(membership=membership, pk=scenario_id)
    if scenario is None:
        raise NotFound()
    with transaction.atomic():
        run = ReplayRun.objects.create(scenario=scenario, requested_by=by)
        transaction.on_commit(lambda: _schedule(run.pk), robust=True)
    return run


def _progress(run_id: int, percent: int) -> None:
    ReplayRun.objects.filter(pk=run_id).update(progress=max(0, min(99, percent)))


def replay_compute(scenario: Scenario, *, progress=None) -> tuple[dict, str]:
    """The three variants' figures {variant: figures} of a scenario, and the input's digest."""
    return replay_figures(
        region_id=scenario.region_id,
        start=scenario.period_start,
        months=scenario.period_months,
        changes=scenario.changes,
        apply_planned=scenario.apply_planned,
        progress=progress,
    )


def replay_figures(*, region_id, start, months, changes=(), apply_planned=False, progress=None) -> tuple[dict, str]:
    """The replay of `region_id`'s requests (None: every region's, the national benchmark)."""
    end = selectors.period_end(start, months)
    base = selectors.landscape_of(region_id)
    planned = selectors.planned_changes(base.facts) if apply_planned else ()
    changed = apply_changes(base, list(changes), start=start, planned=planned)
    requests, fixed, placements = selectors.replay_input(region_id=region_id, start=start, end=end)
    tariffs = selectors.tariffs_of(region_id, start)
    providers = selectors.region_provider_ids(base, region_id)
    report = progress or (lambda percent: None)
    report(5)
    common = {
        "requests": requests,
        "fixed": fixed,
        "start": start,
        "end": end,
        "tariffs": tariffs,
        "provider_ids": providers,
    }
    fits: dict = {}  # the baseline's fits per request; the scenario judges only what it changed
    changed_ids = {fid for fid, facts in changed.facts.items() if base.facts.get(fid) != facts}
    baseline = replay(landscape=base, progress=lambda d, t: report(5 + 60 * d // max(t, 1)), keep_fits=fits, **common)
    scenario = replay(
        landscape=changed,
        progress=lambda d, t: report(65 + 30 * d // max(t, 1)),
        reuse_fits=fits,
        changed_ids=changed_ids,
        **common,
    )
    figures = {
        ReplayResult.Variant.SCENARIO: scenario.figures(),
        ReplayResult.Variant.BASELINE: baseline.figures(),
        ReplayResult.Variant.REAL: real_outcome(landscape=base, placed=placements, **common).figures(),
    }
    return figures, digest(changed, requests, fixed)


def replay_run(run_id: int) -> bool:
    """Replay a queued run (the Celery task's body). Idempotent: a run runs once at a time
    and only until it is done (core.jobs: one left running by a killed worker is taken over)."""
    with job_claimed(ReplayRun, run_id, related=("scenario",)) as run:
        if run is None:
            return False
        _progress(run.pk, 1)
        try:
            figures, fingerprint = replay_compute(run.scenario, progress=lambda p: _progress(run.pk, p))
            with transaction.atomic():
                ReplayResult.objects.filter(run=run).delete()  # a retaken run starts its rows again
                ReplayResult.objects.bulk_create([ReplayResult(run=run, variant=v, **f) for v, f in figures.items()])
                ReplayRun.objects.filter(pk=run.pk).update(
                    status=ReplayRun.Status.DONE, progress=100, input_digest=fingerprint, finished_at=timezone.now()
                )
        except Exception as exc:  # the requester sees that it failed; the log has the rest
            ReplayRun.objects.filter(pk=run.pk).update(
                status=ReplayRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            raise
    return True


def replay_stale_requeue() -> int:
    """Beat: hand replays whose message was lost or whose worker died to a worker again."""
    from planning.tasks import replay_run as task  # see _schedule

    return len(jobs_requeue_stale(ReplayRun, task))
