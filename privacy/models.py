"""Retention policy per region, the runs that carry it out, and which youth were
pseudonymised (so a second run or a second erasure changes nothing).

The bounds of each term live here, once (`BOUNDS`); the form and the service ask
`policy_errors`, and the database refuses values outside them (CheckConstraint).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Defaults and legal bounds per record type (README, "AVG rights", argues them).
#   identity_years: pseudonymise the youth of a closed/ended request after N years.
#     Jeugdwet art. 7.3.8 (since 2020: twenty years from the last change of the dossier,
#     as WGBO art. 7:454) is the longest term; AVG art. 5(1)(e) asks no longer than needed.
#   document_years: delete the uploaded PDFs (copies; the originals stay in the referrer's
#     dossier) after M years; never longer than the identity (else pseudonymising is hollow).
#   notification_months: delete in-app notifications and delivered outbox messages.
#   access_log_years: NEN 7513 keeps the log at least five years; the application never
#     deletes it (its database role cannot), the term tells the archivist when he may.
BOUNDS = {
    "identity_years": (2, 20),
    "document_years": (1, 20),
    "notification_months": (1, 24),
    "access_log_years": (5, 30),
}
DEFAULTS = {"identity_years": 20, "document_years": 2, "notification_months": 6, "access_log_years": 20}


class RetentionPolicy(models.Model):
    """One region's retention terms. Created with the defaults when missing."""

    region = models.OneToOneField(
        "accounts.Region", on_delete=models.PROTECT, related_name="retention_policy", verbose_name=_("jeugdregio")
    )
    identity_years = models.PositiveSmallIntegerField(
        _("identiteit pseudonimiseren na (jaren)"),
        default=DEFAULTS["identity_years"],
        help_text=_(
            "Na afsluiting of einde van alle verzoeken van een jeugdige: naam, BSN, adres, school en "
            "contactgegevens van ouders worden vervangen door een pseudoniem (Jeugdwet art. 7.3.8: "
            "twintig jaar)."
        ),
    )
    document_years = models.PositiveSmallIntegerField(
        _("documenten verwijderen na (jaren)"),
        default=DEFAULTS["document_years"],
        help_text=_(
            "Na afsluiting of einde van het verzoek: de geüploade PDF's worden verwijderd; niet later dan "
            "de identiteit."
        ),
    )
    notification_months = models.PositiveSmallIntegerField(
        _("meldingen en verzonden berichten verwijderen na (maanden)"),
        default=DEFAULTS["notification_months"],
        help_text=_("Afgeleverde of mislukte berichten; een bericht dat nog verstuurd moet worden blijft."),
    )
    access_log_years = models.PositiveSmallIntegerField(
        _("inzagelog bewaren (jaren)"),
        default=DEFAULTS["access_log_years"],
        help_text=_(
            "NEN 7513: minstens vijf jaar. De applicatie verwijdert het inzagelog nooit; deze termijn zegt "
            "vanaf wanneer de archivaris dat mag."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["region__name"]
        verbose_name = _("bewaarbeleid")
        verbose_name_plural = _("bewaarbeleid")
        constraints = [
            *[
                models.CheckConstraint(
                    name=f"retention_{name}_in_bounds", condition=Q(**{f"{name}__gte": low, f"{name}__lte": high})
                )
                for name, (low, high) in BOUNDS.items()
            ],
            models.CheckConstraint(
                name="retention_documents_not_after_identity", condition=Q(document_years__lte=F("identity_years"))
            ),
        ]

    def __str__(self):
        return _("Bewaarbeleid %(region)s") % {"region": self.region}


def policy_errors(values: dict) -> dict[str, str]:
    """Field -> message for every term outside its legal bounds (all at once)."""
    errors = {}
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = str(_("Vul een heel getal in."))
        elif not low <= value <= high:
            errors[name] = str(_("Kies een waarde van %(low)s tot en met %(high)s.") % {"low": low, "high": high})
    identity, documents = values.get("identity_years"), values.get("document_years")
    if "identity_years" not in errors and "document_years" not in errors and documents > identity:
        errors["document_years"] = str(
            _("Documenten mogen niet langer bewaard worden dan de identiteit (%(years)s jaar).") % {"years": identity}
        )
    return errors


class RetentionRun(models.Model):
    """One run of the retention task: what it did, in counts (never names)."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    youth_pseudonymised = models.PositiveIntegerField(default=0)
    documents_deleted = models.PositiveIntegerField(default=0)
    notifications_deleted = models.PositiveIntegerField(default=0)
    outbox_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("bewaartermijnrun")
        verbose_name_plural = _("bewaartermijnruns")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"

    def counts(self) -> dict[str, int]:
        return {
            "youth_pseudonymised": self.youth_pseudonymised,
            "documents_deleted": self.documents_deleted,
            "notifications_deleted": self.notifications_deleted,
            "outbox_deleted": self.outbox_deleted,
        }


class ErasureGround(models.TextChoices):
    """The ground of an erasure request (recorded as the event's reason code)."""

    JEUGDWET = "jeugdwet_7_3_9", _("Jeugdwet art. 7.3.9: verzoek tot vernietiging van het dossier")
    NOT_NEEDED = "avg_17_1_a", _("AVG art. 17(1)(a): niet meer nodig voor het doel")
    OBJECTION = "avg_17_1_c", _("AVG art. 17(1)(c): bezwaar tegen de verwerking")
    UNLAWFUL = "avg_17_1_d", _("AVG art. 17(1)(d): onrechtmatig verwerkt")


class Pseudonymisation(models.Model):
    """A youth whose identity was replaced by a pseudonym (by retention or erasure)."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Bewaartermijn verstreken")
        ERASURE = "erasure", _("Verzoek tot wissen (AVG art. 17)")

    youth = models.OneToOneField(
        "placement.Youth", on_delete=models.PROTECT, related_name="pseudonymisation", verbose_name=_("jeugdige")
    )
    reason = models.CharField(_("reden"), max_length=16, choices=Reason.choices)
    pseudonym = models.CharField(_("pseudoniem"), max_length=40)
    done_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(RetentionRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-done_at", "-id"]
        verbose_name = _("gepseudonimiseerde jeugdige")
        verbose_name_plural = _("gepseudonimiseerde jeugdigen")
        constraints = [
            models.CheckConstraint(
                name="pseudonymisation_retention_has_run", condition=~Q(reason="retention") | Q(run__isnull=False)
            ),
            models.CheckConstraint(
                name="pseudonymisation_erasure_has_actor", condition=~Q(reason="erasure") | Q(done_by__isnull=False)
            ),
        ]

    def __str__(self):
        return self.pseudonym
