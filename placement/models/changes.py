"""Issue 11, points 5b and 6: where the youth goes after the stay (after-care), changes
in place (intensity, legal status, care type) without ending the placement, and the
machtiging watch.

A change in place is not a transfer: the placement keeps running, its place stays
occupied, and no `Transfer` row or new request is made. Each change is one immutable
`PlacementChange` row (the database refuses UPDATE and DELETE) plus an event on the
request's timeline; the placement (intensity, care type) or the youth (legal status and
machtiging end date: their one place, `intake.models.Youth`) carries the current value.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import LegalStatus


class AftercareDestination(models.TextChoices):
    """Where the youth goes after leaving the placement (outflow to lighter care is a KPI).
    Recorded at every end beside the CBS end reason."""

    HOME = "home", _("Naar huis (thuis)")
    LIGHTER_CARE = "lighter_care", _("Lichtere zorg")
    OPEN_RESIDENTIAL = "open_residential", _("Open residentieel")
    INDEPENDENT = "independent_living", _("Zelfstandig wonen")
    OTHER_REGION = "other_region", _("Andere regio")
    UNKNOWN = "unknown", _("Onbekend")


class ChangeField(models.TextChoices):
    INTENSITY = "intensity", _("Intensiteit")
    LEGAL_STATUS = "legal_status", _("Juridische status")
    CARE_TYPE = "care_type", _("Zorgvorm")


class PlacementChange(models.Model):
    """One change in place of a running placement: which field, from what to what, from
    when, why, and by whom. For a legal status the machtiging end dates before and after
    are kept too (an extension changes only the date)."""

    placement = models.ForeignKey("placement.Placement", on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(_("wat verandert"), max_length=16, choices=ChangeField.choices)
    old_value = models.CharField(_("oude waarde"), max_length=50, blank=True)
    new_value = models.CharField(_("nieuwe waarde"), max_length=50)
    old_end_date = models.DateField(_("oude einddatum machtiging"), null=True, blank=True)
    new_end_date = models.DateField(_("nieuwe einddatum machtiging"), null=True, blank=True)
    effective_date = models.DateField(_("ingangsdatum"))
    reason = models.TextField(_("reden"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("wijziging in de plaatsing")
        verbose_name_plural = _("wijzigingen in de plaatsing")
        constraints = [
            models.CheckConstraint(name="change_field_valid", condition=Q(field__in=ChangeField.values)),
            models.CheckConstraint(name="change_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="change_intensity_band",
                condition=~Q(field=ChangeField.INTENSITY) | Q(new_value__regex=r"^[K-Z]$"),
            ),
            models.CheckConstraint(
                name="change_legal_status_valid",
                condition=~Q(field=ChangeField.LEGAL_STATUS) | Q(new_value__in=LegalStatus.values),
            ),
            models.CheckConstraint(
                name="change_machtiging_has_end_date",
                condition=~Q(field=ChangeField.LEGAL_STATUS)
                | ~Q(new_value=LegalStatus.MACHTIGING_GJ)
                | Q(new_end_date__isnull=False),
            ),
            models.CheckConstraint(
                # Something really changes: the value, or (a machtiging extended) its end date.
                name="change_changes_something",
                condition=~Q(new_value=F("old_value"))
                | (
                    Q(old_end_date__isnull=False, new_end_date__isnull=False)
                    & (Q(old_end_date__lt=F("new_end_date")) | Q(old_end_date__gt=F("new_end_date")))
                ),
            ),
        ]
        indexes = [models.Index(fields=["placement", "field"], name="change_placement_field")]
        triggers = [pgtrigger.Protect(name="change_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return _("Wijziging %(id)s") % {"id": self.pk}


class MachtigingWarning(models.Model):
    """That the people concerned were told a machtiging is about to end: one row per
    placement and end date, so a repeat run sends nothing new and a changed end date
    (an extension) warns again."""

    placement = models.ForeignKey("placement.Placement", on_delete=models.PROTECT, related_name="machtiging_warnings")
    end_date = models.DateField(_("einddatum machtiging"))
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(_("aantal ontvangers"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("waarschuwing einde machtiging")
        verbose_name_plural = _("waarschuwingen einde machtiging")
        constraints = [
            models.UniqueConstraint(fields=["placement", "end_date"], name="machtiging_warning_once_per_end_date")
        ]

    def __str__(self):
        return _("Waarschuwing machtiging %(date)s") % {"date": self.end_date}
