"""Offers (aanmeldingen): the anonymised referral put to one provider at a time."""

import pgtrigger
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
    # After acceptance: the youth or the parents refused, or the provider retracted.
    FALLEN_THROUGH = "fallen_through", _("Afgevallen na acceptatie")


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


class FallThroughParty(models.TextChoices):
    """Who refused after the provider accepted."""

    YOUTH = "youth", _("De jeugdige")
    PARENTS = "parents", _("De ouders of gezagdragers")
    PROVIDER = "provider", _("De aanbieder (trekt acceptatie in)")


class FallThroughReason(models.TextChoices):
    """Why an accepted offer fell through. A list of its own: the decline reasons describe
    a provider's capacity and contract, while after a kennismaking the youth or the
    parents refuse for other reasons (the place, the distance, another solution). The
    provider's retraction reasons overlap with the decline list and keep its codes."""

    INTRODUCTION_MISMATCH = "introduction_mismatch", _("Klikte niet bij de kennismaking")
    LOCATION = "location", _("Locatie of afstand tot school en netwerk")
    OTHER_SOLUTION = "other_solution", _("Andere oplossing gevonden")
    NO_PLACE = "no_place", _("Geen plek meer")
    GROUP_COMPOSITION = "group_composition", _("Groepssamenstelling of veiligheid")
    BEYOND_EXPERTISE = "beyond_expertise", _("Zorgvraag overstijgt de expertise")
    OTHER = "other", _("Anders")


class IntroductionOutcome(models.TextChoices):
    POSITIVE = "positive", _("Positief")
    DOUBTS = "doubts", _("Twijfels")
    NEGATIVE = "negative", _("Negatief")


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
    # Fall-through after acceptance (the motivation goes in `motivation`).
    fall_through_party = models.CharField(max_length=16, choices=FallThroughParty.choices, blank=True)
    fall_through_reason = models.CharField(max_length=32, choices=FallThroughReason.choices, blank=True)
    # The introduction visit (kennismaking) on an accepted offer; the last one recorded.
    introduction_date = models.DateField(null=True, blank=True)
    introduction_outcome = models.CharField(max_length=16, choices=IntroductionOutcome.choices, blank=True)
    introduction_note = models.TextField(blank=True)
    introduction_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Decline policy: why the coordinator offers again to a provider that refused this
    # request before (required then; placement.services.offer_create). Internal: the
    # provider does not receive it.
    reoffer_reason = models.TextField(blank=True)

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
                name="offer_fall_through_complete",
                condition=(
                    Q(
                        status="fallen_through",
                        fall_through_party__in=["youth", "parents", "provider"],
                        fall_through_reason__in=[c for c, _label in FallThroughReason.choices],
                    )
                    & ~Q(motivation="")
                )
                | (~Q(status="fallen_through") & Q(fall_through_party="", fall_through_reason="")),
            ),
            models.CheckConstraint(
                name="offer_introduction_complete",
                condition=Q(introduction_date__isnull=True, introduction_outcome="")
                | Q(
                    introduction_date__isnull=False,
                    introduction_outcome__in=["positive", "doubts", "negative"],
                ),
            ),
            models.CheckConstraint(
                name="offer_answered_has_time", condition=Q(status="open") | Q(answered_at__isnull=False)
            ),
            models.CheckConstraint(
                name="offer_deadline_after_creation", condition=Q(deadline__gt=models.F("created_at"))
            ),
        ]
        triggers = [
            # Decline policy: no offer while the request is parked (the service says so first).
            pgtrigger.Trigger(
                name="offer_not_while_parked",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                func=pgtrigger.Func(
                    "IF EXISTS (SELECT 1 FROM placement_placementrequest r WHERE r.id = NEW.request_id "
                    "AND r.parked_until > (now() AT TIME ZONE 'Europe/Amsterdam')::date) THEN "
                    "RAISE EXCEPTION 'request % is parked', NEW.request_id USING ERRCODE = 'check_violation'; "
                    "END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self):
        return self.pseudonym

    @property
    def shown_status(self) -> str:
        """The status a screen shows: an accepted offer whose placement started shows the
        placement's state (placed, ended), not "accepted" (issue 11). Read the offer with
        its placement (`select_related("placement")`) to keep lists at one query."""
        if self.status == OfferStatus.ACCEPTED:
            placement = getattr(self, "placement", None) if hasattr(self, "placement") else None
            if placement is not None:
                return _("Plaatsing beëindigd") if placement.end_date else _("Geplaatst")
        return self.get_status_display()
