"""Offers (aanmeldingen): the anonymised referral put to one provider at a time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Wacht op antwoord")
    ACCEPTED = "accepted", _("Geaccepteerd")
    DECLINED = "declined", _("Afgewezen")
    EXPIRED = "expired", _("Verlopen (geen antwoord)")
    WITHDRAWN = "withdrawn", _("Ingetrokken door coördinator")


class DeclineReason(models.TextChoices):
    """Why a provider said no (discussed with providers; an expiry counts as NO_ANSWER)."""

    NO_PLACE = "no_place", _("Geen plek")
    OUTSIDE_TARGET_GROUP = "outside_target_group", _("Buiten doelgroep of contract")
    BEYOND_EXPERTISE = "beyond_expertise", _("Zorgvraag overstijgt de expertise")
    GROUP_COMPOSITION = "group_composition", _("Groepssamenstelling of veiligheid")
    STAFFING = "staffing", _("Personele bezetting")
    AGE_LIMIT = "age_limit", _("Leeftijdsgrens")
    OTHER = "other", _("Anders")
    NO_ANSWER = "no_answer", _("Geen antwoord binnen de termijn")


# Reasons a provider may choose; NO_ANSWER is recorded only by the expiry job.
PROVIDER_DECLINE_REASONS = [choice for choice in DeclineReason.choices if choice[0] != DeclineReason.NO_ANSWER]


class Offer(models.Model):
    request = models.ForeignKey("placement.PlacementRequest", on_delete=models.PROTECT, related_name="offers")
    facility = models.ForeignKey("capacity.Facility", on_delete=models.PROTECT, related_name="offers")
    # The provider organisation, copied from the facility so scoping and refusal reports
    # need no join (a facility never changes provider).
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="offers")
    analysis = models.ForeignKey(
        "analyses.ExplanatoryAnalysis",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the analysis version the provider was shown",
    )
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    pseudonym = models.CharField(max_length=20, unique=True)  # what the provider calls this youth
    # The anonymised referral exactly as the provider received it (texts checked before sending).
    referral = models.JSONField(default=dict)
    reconfirm_availability = models.BooleanField(default=False)  # availability was stale when offered
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(max_length=32, choices=DeclineReason.choices, blank=True)
    motivation = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        indexes = [
            models.Index(fields=["provider", "status"], name="offer_provider_status"),
            models.Index(fields=["status", "deadline"], name="offer_status_deadline"),
        ]
        constraints = [
            # One provider at a time: at most one open offer per request.
            models.UniqueConstraint(fields=["request"], condition=Q(status="open"), name="offer_one_open_per_request"),
            models.CheckConstraint(
                name="offer_decline_has_reason_and_motivation",
                condition=~Q(status__in=["declined", "expired"]) | (~Q(decline_reason="") & ~Q(motivation="")),
            ),
            models.CheckConstraint(
                name="offer_withdraw_has_reason", condition=~Q(status="withdrawn") | ~Q(withdraw_reason="")
            ),
            models.CheckConstraint(
                name="offer_answered_has_time", condition=Q(status="open") | Q(answered_at__isnull=False)
            ),
            models.CheckConstraint(
                name="offer_deadline_after_creation", condition=Q(deadline__gt=models.F("created_at"))
            ),
        ]

    def __str__(self):
        return self.pseudonym
