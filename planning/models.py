"""Planning (issue 16.2): capacity what-if scenarios, their replays (a job, core.jobs) and
the results kept per variant (scenario, baseline, what really happened)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERIOD_MONTHS_MIN, PERIOD_MONTHS_MAX = 12, 24


class Scenario(models.Model):
    """A described change to a region's landscape. `changes` is a list of plain dicts
    (planning.scenarios.CHANGE_KINDS: close, open, places, specialisations, age, security,
    region), each naming a facility by id; `apply_planned` adds the recorded planned
    afbouw/opbouw (capacity.PlannedCapacityChange) at their dates."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=120)
    period_start = models.DateField(_("begin van de periode"))
    period_months = models.PositiveSmallIntegerField(_("aantal maanden"))
    apply_planned = models.BooleanField(_("geplande capaciteitswijzigingen toepassen"), default=False)
    changes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="scenario_period_months",
                condition=Q(period_months__gte=PERIOD_MONTHS_MIN, period_months__lte=PERIOD_MONTHS_MAX),
            ),
        ]

    def __str__(self):
        return self.name


class ReplayRun(models.Model):
    """One replay of a scenario: a Celery job (status/progress/attempts as core.jobs wants)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    input_digest = models.CharField(max_length=64, blank=True)  # the input replayed (determinism)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="replay_progress_percent", condition=Q(progress__lte=100)),
        ]

    def __str__(self):
        return f"replay {self.pk} ({self.status})"


class ReplayResult(models.Model):
    """The figures of one variant of a run: counts and aggregates only, nothing about a youth."""

    class Variant(models.TextChoices):
        SCENARIO = "scenario", _("Scenario")
        BASELINE = "baseline", _("Basislijn (zonder wijzigingen)")
        REAL = "real", _("Wat echt gebeurde")

    run = models.ForeignKey(ReplayRun, on_delete=models.CASCADE, related_name="results")
    variant = models.CharField(max_length=12, choices=Variant.choices)
    requests = models.PositiveIntegerField(default=0)
    no_fit = models.PositiveIntegerField(default=0)  # no fitting facility at all (real: never placed)
    placed = models.PositiveIntegerField(default=0)
    waiting_at_end = models.PositiveIntegerField(default=0)
    median_wait_days = models.FloatField(null=True, blank=True)
    over_28 = models.PositiveIntegerField(default=0)
    median_distance_km = models.FloatField(null=True, blank=True)
    out_of_region = models.PositiveIntegerField(default=0)
    cost_eur = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    occupancy = models.JSONField(default=list, blank=True)  # [{"provider", "name", "rate", "over_90"}]

    class Meta:
        ordering = ["run", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["run", "variant"], name="replay_result_once"),
            models.CheckConstraint(
                name="replay_result_variant", condition=Q(variant__in=["scenario", "baseline", "real"])
            ),
        ]

    def __str__(self):
        return f"{self.run_id} {self.variant}"

    @property
    def share_over_28(self) -> float | None:
        waited = self.requests - self.no_fit
        return self.over_28 / waited if waited > 0 else None
