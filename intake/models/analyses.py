"""The explanatory analysis (verklarende analyse) with its need profile, and the other
documents a placement request needs: perspectiefplan, veiligheidsplan, the zorgvraag
dossier (PDF uploads), the lighter alternatives considered, and the behavioural-scientist
assignments that help write an analysis.

Analysis versions are immutable: every change writes a new row (the database refuses
UPDATE and DELETE) and the request points to the latest; later steps keep the version
they used.

Need profile codes. Care types and specialisations are stored as lists of taxonomy codes
(slugs such as "jeugdzorgplus", "trauma"), not as foreign keys: the capacity app owns the
taxonomy (`capacity.CareType.code`, `capacity.Specialisation.code`) and matching joins on
the code. `analyses.taxonomy` lists the codes the wizard offers.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.working_days import working_days_between

APPEND_ONLY = pgtrigger.Protect(name="immutable_version", operation=pgtrigger.Update | pgtrigger.Delete)


class Security(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Gesloten (alleen met machtiging)")


INTENSITY_REGEX = r"^[K-Z]$"
SECTION_FIELDS = [
    "presenting_problems",
    "origins",
    "maintaining_factors",
    "protective_factors",
    "hypotheses",
    "goals",
]
NEED_PROFILE_FIELDS = [
    "care_types",
    "specialisations",
    "intensity",
    "security",
    "preferred_region",
    "max_distance_km",
    "school_continuity",
]


class ExplanatoryAnalysis(models.Model):
    """One immutable version of the explanatory analysis of a request."""

    request = models.ForeignKey(
        "placement.PlacementRequest", on_delete=models.PROTECT, related_name="analysis_versions"
    )
    version = models.PositiveIntegerField()
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "analyses.AnalysisAssignment", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    # Sections of the analysis.
    presenting_problems = models.TextField(_("wat is er aan de hand (hulpvragen en problemen)"), blank=True)
    origins = models.TextField(_("hoe zijn de problemen ontstaan"), blank=True)
    maintaining_factors = models.TextField(_("wat houdt de problemen in stand"), blank=True)
    protective_factors = models.TextField(_("beschermende factoren en krachten"), blank=True)
    hypotheses = models.TextField(_("werkhypothesen"), blank=True)
    goals = models.TextField(_("doelen"), blank=True)
    written_by = models.CharField(_("opgesteld door (naam en functie)"), max_length=200, blank=True)
    made_with_youth = models.BooleanField(_("opgesteld samen met de jeugdige"), default=False)
    made_with_family = models.BooleanField(_("opgesteld samen met het gezin"), default=False)
    # Need profile, derived from the analysis.
    care_types = ArrayField(
        models.SlugField(max_length=50), default=list, blank=True, verbose_name=_("passende zorgvormen")
    )
    specialisations = ArrayField(
        models.SlugField(max_length=50), default=list, blank=True, verbose_name=_("benodigde specialisaties")
    )
    intensity = models.CharField(_("intensiteit (G7-klasse)"), max_length=2, blank=True)
    security = models.CharField(_("beveiligingsniveau"), max_length=8, choices=Security.choices, blank=True)
    preferred_region = models.ForeignKey(
        "accounts.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("voorkeursregio"),
    )
    max_distance_km = models.PositiveSmallIntegerField(_("maximale afstand (km)"), null=True, blank=True)
    school_continuity = models.BooleanField(_("huidige school behouden"), default=False)

    class Meta:
        ordering = ["request_id", "version"]
        verbose_name = _("verklarende analyse (versie)")
        verbose_name_plural = _("verklarende analyses (versies)")
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="analysis_unique_version"),
            models.CheckConstraint(name="analysis_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(
                name="analysis_intensity_band", condition=Q(intensity="") | Q(intensity__regex=INTENSITY_REGEX)
            ),
            models.CheckConstraint(
                name="analysis_distance_positive", condition=Q(max_distance_km__isnull=True) | Q(max_distance_km__gte=1)
            ),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return _("Analyse versie %(version)s") % {"version": self.version}

    @property
    def has_sections(self) -> bool:
        return all(getattr(self, name).strip() for name in SECTION_FIELDS)

    @property
    def has_need_profile(self) -> bool:
        return bool(self.care_types) and bool(self.intensity) and bool(self.security)

    def missing_sections(self) -> list[str]:
        return [name for name in SECTION_FIELDS if not getattr(self, name).strip()]


class PerspectivePlan(models.Model):
    """Perspectiefplan: the goal of the placement, expected duration, return perspective."""

    class Return(models.TextChoices):
        HOME = "home", _("Terug naar huis")
        FAMILY = "family", _("Naar een gezinsvorm (pleeg- of gezinshuis)")
        INDEPENDENT = "independent", _("Naar zelfstandig wonen")
        LONG_TERM = "long_term", _("Langdurig verblijf")
        UNKNOWN = "unknown", _("Nog onduidelijk")

    request = models.OneToOneField(
        "placement.PlacementRequest", on_delete=models.CASCADE, related_name="perspective_plan"
    )
    goal = models.TextField(_("doel van de plaatsing"))
    expected_duration_months = models.PositiveSmallIntegerField(_("verwachte duur (maanden)"))
    return_perspective = models.CharField(_("perspectief"), max_length=16, choices=Return.choices)
    return_explanation = models.TextField(_("toelichting op het perspectief"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("perspectiefplan")
        verbose_name_plural = _("perspectiefplannen")
        constraints = [
            models.CheckConstraint(
                name="perspective_duration_range",
                condition=Q(expected_duration_months__gte=1, expected_duration_months__lte=120),
            ),
        ]

    def __str__(self):
        return _("Perspectiefplan bij %(request)s") % {"request": self.request_id}


class SafetyPlan(models.Model):
    """The first veiligheidsplan: risks, agreements and who to call."""

    request = models.OneToOneField("placement.PlacementRequest", on_delete=models.CASCADE, related_name="safety_plan")
    risks = models.TextField(_("risico's en signalen"))
    agreements = models.TextField(_("afspraken"))
    contacts = models.TextField(_("wie doet wat bij een crisis"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("veiligheidsplan")
        verbose_name_plural = _("veiligheidsplannen")

    def __str__(self):
        return _("Veiligheidsplan bij %(request)s") % {"request": self.request_id}


class AlternativeConsidered(models.Model):
    """A lighter form of help that was considered, and why it is not (or no longer) enough."""

    class Form(models.TextChoices):
        AMBULANT = "ambulant", _("Ambulante hulp thuis")
        INTENSIVE_HOME = "intensive_home", _("Intensieve ambulante gezinsbehandeling")
        DAY_TREATMENT = "day_treatment", _("Dagbehandeling")
        FOSTER = "foster", _("Pleegzorg")
        NETWORK = "network", _("Opvang in het eigen netwerk")
        OTHER = "other", _("Anders")

    request = models.ForeignKey("placement.PlacementRequest", on_delete=models.CASCADE, related_name="alternatives")
    form = models.CharField(_("vorm van hulp"), max_length=16, choices=Form.choices)
    description = models.TextField(_("wat is geprobeerd of overwogen"))
    why_insufficient = models.TextField(_("waarom is dit niet voldoende"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("overwogen alternatief")
        verbose_name_plural = _("overwogen alternatieven")

    def __str__(self):
        return self.form


class Document(models.Model):
    """An uploaded PDF, stored under PRIVATE_MEDIA_ROOT (outside the web root) and served
    only by permission-checked views that write the access log."""

    class DocumentKind(models.TextChoices):
        ZORGVRAAG = "zorgvraag", _("Zorgvraagdossier")
        PERSPECTIVE_PLAN = "perspectiefplan", _("Perspectiefplan (bijlage)")
        SAFETY_PLAN = "veiligheidsplan", _("Veiligheidsplan (bijlage)")
        ANALYSIS = "analyse", _("Verklarende analyse (bijlage)")
        OTHER = "other", _("Overig")

    request = models.ForeignKey("placement.PlacementRequest", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("soort document"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=64, default="application/pdf")
    # The coordinator marks documents shareable with the provider an offer goes to (issue 5).
    shareable = models.BooleanField(_("delen met aanbieder"), default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        constraints = [models.CheckConstraint(name="document_size_positive", condition=Q(size__gte=1))]

    def __str__(self):
        return self.title

    @property
    def path(self):
        return settings.PRIVATE_MEDIA_ROOT / "documents" / self.storage_name


class AssignmentQuerySet(models.QuerySet):
    def granting_identity(self, *, user_id, region_ids):
        """The assignments through which a behavioural scientist sees a youth's identity
        (name, BSN, birth date, address, guardians, documents): accepted by them and not
        ended (completed or cancelled), on a request that is still open and lies in one
        of the regions of their membership. The one statement of that rule: the request
        selectors and the analysis service both ask it."""
        return self.live().filter(
            status=AnalysisAssignment.AssignmentStatus.ACCEPTED,
            assigned_to_id=user_id,
            request__region_id__in=region_ids,
        )

    def live(self):
        """Assignments whose request still allows help: an open request, or the draft the
        referrer asked help for (issue 11: help before submission). A draft that is
        withdrawn closes, which ends its assignments (`workflow.assignments_end`)."""
        from intake.models.requests import OPEN_STATUSES, Status

        return self.filter(
            Q(request__status__in=OPEN_STATUSES) | Q(request__status=Status.DRAFT, before_submission=True)
        )


class AnalysisAssignment(models.Model):
    """A coordinator asks the behavioural-scientist pool to help write an analysis, or a
    referrer asks it for a draft that has no (complete) analysis yet (`before_submission`).

    Least privilege: while an assignment is open (not yet accepted) the pool of the region
    sees only the question and the request's reference; the scientist who accepts it sees
    the dossier until the assignment ends (completed, or cancelled because the request was
    closed, withdrawn or its placement ended)."""

    class AssignmentStatus(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("In behandeling")
        COMPLETED = "completed", _("Afgerond")
        CANCELLED = "cancelled", _("Ingetrokken")

    request = models.ForeignKey("placement.PlacementRequest", on_delete=models.PROTECT, related_name="assignments")
    question = models.TextField(_("hulpvraag aan de gedragswetenschapper"))
    status = models.CharField(max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="analysis_assignments"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_version = models.ForeignKey(
        ExplanatoryAnalysis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(_("toelichting bij afronding"), blank=True)
    # Issue 11: help asked by the referrer on a draft, before submission; when the
    # scientist took it (the end of the waiting).
    before_submission = models.BooleanField(_("gevraagd voor indiening"), default=False, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("opdracht gedragswetenschapper")
        verbose_name_plural = _("opdrachten gedragswetenschapper")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["open", "accepted"]),
                name="assignment_one_active_per_request",
            ),
            models.CheckConstraint(
                name="assignment_completed_has_version",
                condition=~Q(status="completed") | (Q(completed_at__isnull=False) & Q(completed_version__isnull=False)),
            ),
            models.CheckConstraint(
                name="assignment_accepted_after_requested",
                condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=models.F("requested_at")),
            ),
            models.CheckConstraint(
                name="assignment_accepted_has_assignee",
                condition=Q(status__in=["open", "cancelled"]) | Q(assigned_to__isnull=False),
            ),
        ]

    def __str__(self):
        return _("Opdracht %(id)s") % {"id": self.pk}

    def waiting_working_days(self, today=None) -> int:
        """Working days the request for help waited (or waits) for a scientist to take it:
        from the day it was asked to the day it was accepted, or to today while open."""
        end = timezone.localdate(self.accepted_at) if self.accepted_at else (today or timezone.localdate())
        return working_days_between(timezone.localdate(self.requested_at), end)

    @property
    def is_waiting(self) -> bool:
        return self.status == self.AssignmentStatus.OPEN
