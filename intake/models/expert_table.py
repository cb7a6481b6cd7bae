"""Records of the expert table (experttafel / RET, issue 11).

When the need of a request is unclear, triage sends it to an expert table. The
coordinator records each meeting: its date, who took part (by role and organisation; no
names of the family), the advice and the decision. The decision moves the request
through triage (`intake.services.expert_table`); "adjourned" keeps it at the expert
table for another meeting. A record is part of the dossier and is never changed
afterwards (the database refuses UPDATE and DELETE).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExpertTableDecision(models.TextChoices):
    # The first four are triage decisions (intake.models.TriageDecision, same values).
    MATCHING = "matching", _("Naar matching")
    RETURN = "return", _("Terug naar de verwijzer")
    CLOSE = "close", _("Afsluiten zonder plaatsing")
    CRISIS = "crisis", _("Registreren als crisisplaatsing")
    ADJOURNED = "adjourned", _("Opnieuw bespreken (blijft bij de experttafel)")


class ParticipantRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Plaatsingscoördinator")
    BEHAVIOURAL_SCIENTIST = "behavioural_scientist", _("Gedragswetenschapper")
    REFERRER = "referrer", _("Verwijzer")
    PROVIDER = "provider", _("Zorgaanbieder")
    PARENTS = "parents", _("Ouders of verzorgers")
    YOUTH = "youth", _("Jeugdige")
    MUNICIPALITY = "municipality", _("Gemeente")
    OTHER = "other", _("Anders")


# Roles that take part for themselves: their organisation may be left empty.
PERSONAL_ROLES = frozenset({ParticipantRole.PARENTS, ParticipantRole.YOUTH})

APPEND_ONLY = pgtrigger.Protect(name="record_never_changed", operation=pgtrigger.Update | pgtrigger.Delete)


class ExpertTableMeeting(models.Model):
    request = models.ForeignKey(
        "placement.PlacementRequest", on_delete=models.PROTECT, related_name="expert_table_meetings"
    )
    held_on = models.DateField(_("datum van de bespreking"))
    advice = models.TextField(_("advies van de experttafel"))
    decision = models.CharField(_("besluit"), max_length=16, choices=ExpertTableDecision.choices)
    motivation = models.TextField(_("motivering van het besluit"))
    outcome = models.CharField(_("uitkomst bij afsluiten"), max_length=32, blank=True)
    # The request's status the decision moved it to (the same as before when adjourned).
    status_after = models.CharField(max_length=16, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["held_on", "recorded_at", "id"]
        verbose_name = _("bespreking experttafel")
        verbose_name_plural = _("besprekingen experttafel")
        constraints = [
            models.CheckConstraint(
                name="expert_table_decision_valid", condition=Q(decision__in=ExpertTableDecision.values)
            ),
            models.CheckConstraint(
                name="expert_table_outcome_only_when_closed",
                condition=(Q(decision="close") & ~Q(outcome="")) | (~Q(decision="close") & Q(outcome="")),
            ),
            models.CheckConstraint(name="expert_table_has_advice", condition=~Q(advice="")),
            models.CheckConstraint(name="expert_table_has_motivation", condition=~Q(motivation="")),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return _("Experttafel %(date)s") % {"date": self.held_on}


class ExpertTableParticipant(models.Model):
    meeting = models.ForeignKey(ExpertTableMeeting, on_delete=models.PROTECT, related_name="participants")
    role = models.CharField(_("rol"), max_length=24, choices=ParticipantRole.choices)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("deelnemer experttafel")
        verbose_name_plural = _("deelnemers experttafel")
        constraints = [
            models.CheckConstraint(
                name="expert_table_participant_role_valid", condition=Q(role__in=ParticipantRole.values)
            ),
            models.CheckConstraint(
                name="expert_table_participant_organisation",
                condition=Q(role__in=sorted(PERSONAL_ROLES)) | ~Q(organisation=""),
            ),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return self.get_role_display()
