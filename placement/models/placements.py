"""Placements, their end, transfers, and waiting with bridging care."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from placement.models.changes import AftercareDestination

AFTERCARE_CHOICES = AftercareDestination.choices


class EndReason(models.TextChoices):
    """CBS Beleidsinformatie Jeugd: reason a placement ended, codes and labels exactly as
    `data/cbs_codelijsten.csv` (list "reden_beeindiging"; tests hold them equal)."""

    ACCORDING_TO_PLAN = "01", _("Beëindigd volgens plan")
    EARLY_BY_AGREEMENT = "02", _("Voortijdig afgesloten: in overeenstemming")
    BY_CLIENT = "03", _("Voortijdig afgesloten: eenzijdig door de cliënt")
    BY_PROVIDER = "04", _("Voortijdig afgesloten: eenzijdig door de aanbieder")
    EXTERNAL = "05", _("Voortijdig afgesloten: wegens externe omstandigheden")


class PlacementKind(models.TextChoices):
    REGULAR = "regular", _("Reguliere plaatsing")
    CRISIS = "crisis", _("Crisisplaatsing")


class Placement(models.Model):
    """A youth in a facility. A regular placement starts from an accepted offer; a crisis
    placement (issue 11) is registered at once by a coordinator, without an offer, and its
    request is the dossier that follows (`PlacementRequest.crisis_dossier_due`)."""

    request = models.OneToOneField("placement.PlacementRequest", on_delete=models.PROTECT, related_name="placement")
    offer = models.OneToOneField(
        "placement.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="placement"
    )
    kind = models.CharField(_("soort plaatsing"), max_length=8, choices=PlacementKind.choices, default="regular")
    # The moment a crisis placement started (the 24-hour norm is measured from the request).
    started_at = models.DateTimeField(_("start (datum en tijd)"), null=True, blank=True)
    youth = models.ForeignKey("placement.Youth", on_delete=models.PROTECT, related_name="placements")
    facility = models.ForeignKey("capacity.Facility", on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField(_("startdatum"))
    school = EncryptedTextField(_("school"), max_length=200, blank=True)  # identifying: encrypted at rest
    handover = models.TextField(_("overdracht"), blank=True)
    transport = models.CharField(_("vervoer (leerlingenvervoer)"), max_length=200, blank=True)
    funding = models.CharField(_("bekostiging"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    end_reason = models.CharField(_("reden van beëindiging"), max_length=2, choices=EndReason.choices, blank=True)
    end_narrative = models.TextField(_("toelichting"), blank=True)
    needs_new_place = models.BooleanField(_("heeft een nieuwe plek nodig"), default=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Issue 11: where the youth went after the stay (placement.models.changes), and the
    # current intensity and care type, which a change in place updates (history:
    # PlacementChange). Set at the start from the analysis and the facility.
    aftercare_destination = models.CharField(
        _("bestemming na vertrek"), max_length=20, choices=AFTERCARE_CHOICES, blank=True, default=""
    )
    intensity = models.CharField(_("intensiteit (G7)"), max_length=2, blank=True, default="")
    care_type = models.ForeignKey(
        "capacity.CareType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zorgvorm"),
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("plaatsing")
        verbose_name_plural = _("plaatsingen")
        indexes = [models.Index(fields=["facility", "end_date"], name="placement_facility_end")]
        constraints = [
            models.CheckConstraint(
                name="placement_end_after_start", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(
                # A regular placement comes from an offer; a crisis placement from no offer,
                # with its starting moment.
                name="placement_kind_offer",
                condition=Q(kind="regular", offer__isnull=False)
                | Q(kind="crisis", offer__isnull=True, started_at__isnull=False),
            ),
            models.CheckConstraint(
                # Issue 11: every ended placement has an after-care destination (rows ended
                # before it existed were migrated to "unknown"); a running one has none.
                name="placement_end_has_destination",
                condition=(Q(end_date__isnull=True) & Q(aftercare_destination=""))
                | (Q(end_date__isnull=False) & Q(aftercare_destination__in=[c[0] for c in AFTERCARE_CHOICES])),
            ),
            models.CheckConstraint(
                name="placement_intensity_band", condition=Q(intensity="") | Q(intensity__regex=r"^[K-Z]$")
            ),
            models.CheckConstraint(
                name="placement_end_reason_cbs", condition=Q(end_reason="") | Q(end_reason__in=EndReason.values)
            ),
            models.CheckConstraint(
                name="placement_end_has_reason",
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
            ),
        ]

    def __str__(self):
        return _("Plaatsing %(id)s") % {"id": self.pk}

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class Transfer(models.Model):
    """A doorplaatsing: a placement ended and the youth needed another place, so a new
    request was made, linked to the ended placement."""

    from_placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="transfer")
    new_request = models.OneToOneField(
        "placement.PlacementRequest", on_delete=models.PROTECT, related_name="transfer_from"
    )
    youth = models.ForeignKey("placement.Youth", on_delete=models.PROTECT, related_name="transfers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("doorplaatsing")
        verbose_name_plural = _("doorplaatsingen")

    def __str__(self):
        return _("Doorplaatsing %(id)s") % {"id": self.pk}


class WaitingReason(models.TextChoices):
    NO_FITTING_FACILITY = "no_fitting_facility", _("Er bestaat geen passende voorziening")
    FITTING_FULL = "fitting_full", _("Passende voorzieningen zijn vol")


class WaitingPeriod(models.Model):
    """A request waiting (vertraagd) because nothing fitting is free, with the bridging
    care (overbruggingszorg) given meanwhile. The waiting is the evidence of unmet need."""

    request = models.ForeignKey("placement.PlacementRequest", on_delete=models.PROTECT, related_name="waiting_periods")
    reason = models.CharField(_("reden"), max_length=32, choices=WaitingReason.choices)
    bridging_care = models.TextField(_("overbruggingszorg"))
    bridging_provider = models.CharField(_("overbrugging door"), max_length=200, blank=True)
    bridging_from = models.DateField(_("overbrugging vanaf"), null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("wachtperiode")
        verbose_name_plural = _("wachtperiodes")
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(ended_at__isnull=True), name="waiting_one_open_per_request"
            ),
            models.CheckConstraint(
                name="waiting_end_after_start", condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at"))
            ),
        ]

    def __str__(self):
        return _("Wachtperiode %(id)s") % {"id": self.pk}
