"""Youth and placement requests, with the request's transition table.

A request points to the latest version of its explanatory analysis (`analysis`, in
`intake.models.analyses`). The table covers the whole life of a request: intake and triage
here, matching, offers, placements and transfers in `placement` (waiting, offered,
accepted, placed, ended). The models keep the app label `placement` their tables were
created under.
"""

import re
from datetime import date

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from capacity.models import Gender  # the one gender code set, shared with facilities
from core.fields import BlindIndexField, DerivedDateField, EncryptedDateField, EncryptedEmailField, EncryptedTextField
from intake import crypto


class LegalStatus(models.TextChoices):
    NONE = "none", _("Geen maatregel")
    OTS = "ots", _("Ondertoezichtstelling (OTS)")
    VOOGDIJ = "voogdij", _("Voogdij")
    MACHTIGING_GJ = "machtiging_gj", _("Machtiging gesloten jeugdzorg")


class Youth(models.Model):
    """A young person (jeugdige). Identifying data: every read is access-logged.

    Direct identifiers are encrypted at rest (core.fields; the attributes read as plain
    text and dates): names, birth date, address, postcode, city, school. The BSN is stored
    only encrypted (`bsn_encrypted`) and as a keyed hash (`bsn_hash`) to find the same
    youth in other requests; never in plain text. `name_birth_hash` (keyed hash of the
    normalised family name and birth date) finds the same youth without a BSN;
    `birth_month` (first day of the month of birth) is what reports group ages by.
    Both are recomputed at every save.
    """

    given_names = EncryptedTextField(_("voornamen"), max_length=200)
    family_name = EncryptedTextField(_("achternaam"), max_length=200)
    # Unknown at a crisis registration (the dossier follows); required before submission.
    birth_date = EncryptedDateField(_("geboortedatum"), null=True, blank=True)
    birth_month = DerivedDateField(compute="birth_month_of", null=True)
    name_birth_hash = BlindIndexField(compute="name_birth_index")
    gender = models.CharField(_("geslacht"), max_length=8, choices=Gender.choices)
    bsn_encrypted = models.TextField(blank=True, editable=False)
    bsn_hash = models.CharField(max_length=64, blank=True, editable=False)
    address = EncryptedTextField(_("adres"), max_length=200, blank=True)
    postcode = EncryptedTextField(_("postcode"), max_length=7, blank=True)
    city = EncryptedTextField(_("woonplaats"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("woongemeente")
    )
    legal_status = models.CharField(
        _("juridische status"), max_length=16, choices=LegalStatus.choices, default=LegalStatus.NONE
    )
    machtiging_end_date = models.DateField(_("einddatum machtiging"), null=True, blank=True)
    school = EncryptedTextField(_("huidige school"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "placement"  # the table was created under this label
        verbose_name = _("jeugdige")
        verbose_name_plural = _("jeugdigen")
        indexes = [
            models.Index(fields=["bsn_hash"], condition=~Q(bsn_hash=""), name="youth_bsn_hash"),
            models.Index(fields=["name_birth_hash"], condition=~Q(name_birth_hash=""), name="youth_name_birth_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                name="youth_machtiging_has_end_date",
                condition=~Q(legal_status="machtiging_gj") | Q(machtiging_end_date__isnull=False),
            ),
            models.CheckConstraint(
                name="youth_bsn_encrypted_with_hash",
                condition=(Q(bsn_encrypted="") & Q(bsn_hash="")) | (~Q(bsn_encrypted="") & ~Q(bsn_hash="")),
            ),
            models.CheckConstraint(name="youth_gender_valid", condition=Q(gender__in=Gender.values)),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, update_fields=None, **kwargs):
        """A save of some fields also saves the columns derived from them (DERIVED_FROM)."""
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {name for name, sources in self.DERIVED_FROM.items() if sources & update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def full_name(self):
        return f"{self.given_names} {self.family_name}"

    @property
    def bsn(self) -> str:
        return crypto.decrypt(self.bsn_encrypted)

    def set_bsn(self, value: str) -> None:
        normalised = crypto.bsn_normalise(value)
        self.bsn_encrypted = crypto.encrypt(normalised)
        self.bsn_hash = crypto.blind_index(normalised, purpose="bsn")

    # Derived columns (core.fields.DerivedField calls these at every save).
    DERIVED_FROM = {"birth_month": {"birth_date"}, "name_birth_hash": {"family_name", "birth_date"}}

    @staticmethod
    def name_birth_index_for(family_name: str, birth_date) -> str:
        """The blind index of a family name and birth date (same youth, any spelling of case,
        spacing or invisible characters)."""
        family = crypto.normalise_text(family_name)
        if not family or not birth_date:
            return ""
        return crypto.blind_index(f"{family}\x1f{birth_date.isoformat()}", purpose="name_birth")

    def name_birth_index(self) -> str:
        return self.name_birth_index_for(self.family_name, self.birth_date)

    def birth_month_of(self):
        return self.birth_date.replace(day=1) if self.birth_date else None

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def has_valid_machtiging(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.legal_status == LegalStatus.MACHTIGING_GJ
            and self.machtiging_end_date is not None
            and self.machtiging_end_date >= on
        )


class Guardian(models.Model):
    """A parent or guardian, with whether they hold parental authority (gezag). Name, phone
    and e-mail are encrypted at rest (core.fields)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="guardians")
    name = EncryptedTextField(_("naam"), max_length=200)
    relationship = models.CharField(_("relatie"), max_length=100, blank=True)
    has_authority = models.BooleanField(_("heeft gezag"), default=False)
    phone = EncryptedTextField(_("telefoon"), max_length=32, blank=True)
    email = EncryptedEmailField(_("e-mailadres"), max_length=254, blank=True)

    class Meta:
        app_label = "placement"  # the table was created under this label
        ordering = ["id"]
        verbose_name = _("ouder/verzorger")
        verbose_name_plural = _("ouders/verzorgers")

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")
    RETURNED = "returned", _("Teruggestuurd voor aanvulling")
    MATCHING = "matching", _("In matching")
    EXPERT_TABLE = "expert_table", _("Naar experttafel")
    CLOSED = "closed", _("Afgesloten")
    # Issue 11: a crisis placement is registered and the dossier (this request) follows.
    CRISIS = "crisis", _("Crisisplaatsing, dossier volgt")
    # Issue 5 (matching, offers, placements) adds services for these states.
    WAITING = "waiting", _("Wacht op passende plek")
    OFFERED = "offered", _("Aangemeld bij aanbieder")
    ACCEPTED = "accepted", _("Geaccepteerd door aanbieder")
    PLACED = "placed", _("Geplaatst")
    ENDED = "ended", _("Plaatsing beëindigd")


class Urgency(models.TextChoices):
    REGULAR = "regular", _("Regulier")
    URGENT = "urgent", _("Met spoed")
    # Issue 11: a crisis request gets the shortest offer deadline (region setting, in hours;
    # `placement.deadlines.offer_deadline_default`).
    CRISIS = "crisis", _("Crisis")


# Most urgent first (work queues sort by it).
URGENCY_ORDER = {Urgency.CRISIS: 0, Urgency.URGENT: 1, Urgency.REGULAR: 2}


# Work queues show the most urgent first; an urgency this table does not know sorts
# between urgent and regular (one place for the order).
URGENCY_RANK = {"crisis": 0, Urgency.URGENT: 1, Urgency.REGULAR: 3}


def urgency_rank(urgency: str) -> int:
    return URGENCY_RANK.get(urgency, 2)


class Kind(models.TextChoices):
    FIRST = "first_placement", _("Eerste plaatsing")
    TRANSFER = "transfer", _("Doorplaatsing")


class Outcome(models.TextChoices):
    """Why a request closed without a placement through this route (counted by the region)."""

    HELP_AT_HOME = "help_at_home", _("Opgelost met hulp thuis")
    AMBULANT = "ambulant_care", _("Ambulante hulp")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    PLACED_ELSEWHERE = "placed_elsewhere", _("Buiten deze route geplaatst")
    OTHER = "other", _("Anders")


class TriageDecision(models.TextChoices):
    MATCHING = "matching", _("Naar matching")
    RETURN = "return", _("Terug naar verwijzer")
    EXPERT_TABLE = "expert_table", _("Naar experttafel")
    CLOSE = "close", _("Afsluiten zonder plaatsing")
    CRISIS = "crisis", _("Registreren als crisisplaatsing")


TRIAGE_TARGET = {
    TriageDecision.MATCHING: Status.MATCHING,
    TriageDecision.RETURN: Status.RETURNED,
    TriageDecision.EXPERT_TABLE: Status.EXPERT_TABLE,
    TriageDecision.CLOSE: Status.CLOSED,
    TriageDecision.CRISIS: Status.CRISIS,
}

# The transition table: (from, to) -> roles that may make the move. Services check it;
# tests/placement/test_transitions.py walks every pair.
_TRIAGE_FROM = (Status.SUBMITTED, Status.EXPERT_TABLE)
_WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.EXPERT_TABLE, Status.MATCHING, Status.WAITING)
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.DRAFT, Status.SUBMITTED): frozenset({Role.REFERRER}),
    (Status.RETURNED, Status.SUBMITTED): frozenset({Role.REFERRER}),
    **{(source, Status.MATCHING): frozenset({Role.COORDINATOR}) for source in _TRIAGE_FROM},
    **{(source, Status.RETURNED): frozenset({Role.COORDINATOR}) for source in _TRIAGE_FROM},
    (Status.SUBMITTED, Status.EXPERT_TABLE): frozenset({Role.COORDINATOR}),
    **{(source, Status.CRISIS): frozenset({Role.COORDINATOR}) for source in _TRIAGE_FROM},
    **{(source, Status.CLOSED): frozenset({Role.COORDINATOR}) for source in _TRIAGE_FROM},
}
# Issue 5: matching, offers, placements. SYSTEM is the beat job that expires offers.
SYSTEM = "system"
_MATCH_FROM = (Status.MATCHING, Status.WAITING)
TRANSITIONS.update(
    {
        **{(source, Status.OFFERED): frozenset({Role.COORDINATOR}) for source in _MATCH_FROM},
        (Status.MATCHING, Status.WAITING): frozenset({Role.COORDINATOR}),
        (Status.WAITING, Status.MATCHING): frozenset({Role.COORDINATOR}),
        # Back to matching: the coordinator withdraws, the provider declines, the job expires.
        (Status.OFFERED, Status.MATCHING): frozenset({Role.COORDINATOR, Role.PROVIDER, SYSTEM}),
        (Status.OFFERED, Status.ACCEPTED): frozenset({Role.PROVIDER}),
        (Status.ACCEPTED, Status.PLACED): frozenset({Role.COORDINATOR, Role.PROVIDER}),
        # Issue 11: an accepted offer falls through (the coordinator records any party's
        # refusal, the provider its own retraction), or the request is withdrawn.
        (Status.ACCEPTED, Status.MATCHING): frozenset({Role.COORDINATOR, Role.PROVIDER}),
        (Status.ACCEPTED, Status.CLOSED): frozenset({Role.REFERRER, Role.COORDINATOR}),
        (Status.PLACED, Status.ENDED): frozenset({Role.COORDINATOR, Role.PROVIDER}),
        # Issue 11: a change in place (intensity, legal status, care type) keeps the request
        # placed: no end, no transfer. The coordinator or the placement's provider records it.
        (Status.PLACED, Status.PLACED): frozenset({Role.COORDINATOR, Role.PROVIDER}),
    }
)
# Issue 11, crisis: a crisis placement is registered at once (a new request is created in
# CRISIS, or triage sends a request there); its dossier is submitted by the referrer or the
# coordinator; at triage the youth stays (convert: the crisis placement continues) or a
# longer-term place is sought (the request stays placed in the crisis place and a transfer
# request goes to matching); the crisis placement can end before the dossier is in.
CRISIS_SUBMIT_FROM = frozenset({Status.CRISIS})
CONVERT_FROM = frozenset({Status.SUBMITTED, Status.EXPERT_TABLE})
TRANSITIONS.update(
    {
        (Status.CRISIS, Status.SUBMITTED): frozenset({Role.REFERRER, Role.COORDINATOR}),
        **{(source, Status.PLACED): frozenset({Role.COORDINATOR}) for source in CONVERT_FROM},
        (Status.CRISIS, Status.ENDED): frozenset({Role.COORDINATOR, Role.PROVIDER}),
    }
)
# Withdrawal by the referrer closes the request with outcome "withdrawn".
WITHDRAW_FROM = frozenset(_WITHDRAWABLE)
for _source in WITHDRAW_FROM:
    TRANSITIONS[(_source, Status.CLOSED)] = TRANSITIONS.get((_source, Status.CLOSED), frozenset()) | {Role.REFERRER}

# States in which the request is still "open" (counts for double registration).
OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.RETURNED,
        Status.MATCHING,
        Status.EXPERT_TABLE,
        Status.WAITING,
        Status.OFFERED,
        Status.ACCEPTED,
        Status.PLACED,
        Status.CRISIS,
    }
)
# States in which the referrer (or an assigned behavioural scientist) may still edit content.
# A crisis placement's dossier follows: the referrer completes it after the registration.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED, Status.CRISIS})


def transition_allowed(source: str, target: str, role: str) -> bool:
    return role in TRANSITIONS.get((source, target), frozenset())


# The use cases a screen offers, as (target, the sources this use case starts from, the
# roles whose use case it is). Several use cases share a (from, to) pair: resuming matching
# after waiting and taking an offer back both go to matching, and a coordinator closing a
# request in triage is not a referrer withdrawing it. Services check the same pairs
# (`transition_check`).
TRIAGE_FROM = frozenset(_TRIAGE_FROM)
RESUME_FROM = frozenset({Status.WAITING})
FALL_THROUGH_FROM = frozenset({Status.ACCEPTED})
# Withdrawing an accepted request releases the held place: a placement service, not the
# intake withdrawal (which starts only from WITHDRAW_FROM).
WITHDRAW_ACCEPTED_FROM = frozenset({Status.ACCEPTED})
# A regular placement starts from an accepted offer only (issue 11: SUBMITTED -> PLACED is
# the crisis follow-up's move, not a placement start).
START_FROM = frozenset({Status.ACCEPTED})
# Issue 11: the coordinator records an expert-table meeting, whose decision moves the
# request on through triage (to matching, back to the referrer, closed or crisis).
EXPERT_TABLE_FROM = frozenset({Status.EXPERT_TABLE})
# A change in place starts only from a running placement and stays there; the start of a
# placement goes to the same state, but only from an accepted offer (START_FROM).
CHANGE_IN_PLACE_FROM = frozenset({Status.PLACED})
ACTIONS: dict[str, tuple[str, frozenset | None, frozenset | None]] = {
    "submit": (Status.SUBMITTED, None, frozenset({Role.REFERRER})),
    "crisis_register": (Status.CRISIS, TRIAGE_FROM, frozenset({Role.COORDINATOR})),
    "crisis_submit": (Status.SUBMITTED, CRISIS_SUBMIT_FROM, frozenset({Role.COORDINATOR})),
    "crisis_convert": (Status.PLACED, CONVERT_FROM, frozenset({Role.COORDINATOR})),
    "triage": (Status.MATCHING, TRIAGE_FROM, None),
    "expert_table": (Status.MATCHING, EXPERT_TABLE_FROM, frozenset({Role.COORDINATOR})),
    "withdraw": (Status.CLOSED, WITHDRAW_FROM, frozenset({Role.REFERRER})),
    "withdraw_accepted": (Status.CLOSED, WITHDRAW_ACCEPTED_FROM, frozenset({Role.REFERRER, Role.COORDINATOR})),
    "fall_through": (Status.MATCHING, FALL_THROUGH_FROM, None),
    "offer": (Status.OFFERED, None, None),
    "wait": (Status.WAITING, None, None),
    "resume": (Status.MATCHING, RESUME_FROM, None),
    "accept": (Status.ACCEPTED, None, None),
    "start": (Status.PLACED, START_FROM, None),
    "end": (Status.ENDED, None, None),
    "change_in_place": (Status.PLACED, CHANGE_IN_PLACE_FROM, None),
}


def move_allowed(source: str, target: str, role: str, *, sources=None) -> bool:
    """The transition table allows the move and the use case starts from `source`."""
    return transition_allowed(source, target, role) and (sources is None or source in sources)


def actions_allowed(source: str, role: str) -> frozenset[str]:
    """The use cases (`ACTIONS`) a role may start from this state: what screens offer."""
    return frozenset(
        name
        for name, (target, sources, roles) in ACTIONS.items()
        if (roles is None or role in roles) and move_allowed(source, target, role, sources=sources)
    )


REFERENCE_RE = re.compile(r"(?:PV)?[\s-]*0*(\d{1,10})", re.IGNORECASE)


class PlacementRequest(models.Model):
    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="requests", verbose_name=_("jeugdige"))
    referrer_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="placement_requests",
        verbose_name=_("verwijzende organisatie"),
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="placement_requests",
        verbose_name=_("verwijzer"),
    )
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        related_name="placement_requests",
        verbose_name=_("verantwoordelijke regio"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    urgency = models.CharField(_("urgentie"), max_length=16, choices=Urgency.choices, default=Urgency.REGULAR)
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.FIRST)
    # A transfer (doorplaatsing) links the placement that ended (see placement.Transfer)
    # and the request that led to it.
    previous_request = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("vorig verzoek"),
    )
    previous_placement = models.ForeignKey(
        "placement.Placement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beëindigde plaatsing"),
        editable=False,
    )
    # The original referral date: set once at the first submission and never overwritten
    # (a database trigger refuses a change). Waiting times count from it.
    referral_date = models.DateField(_("verwijsdatum"), null=True, blank=True, editable=False)
    analysis = models.ForeignKey(
        "analyses.ExplanatoryAnalysis",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("laatste versie verklarende analyse"),
    )
    triage_analysis = models.ForeignKey(
        "analyses.ExplanatoryAnalysis",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("analyseversie bij triage"),
    )
    outcome = models.CharField(_("uitkomst"), max_length=32, choices=Outcome.choices, blank=True)
    status_reason = models.TextField(_("toelichting bij de status"), blank=True)
    wishes_youth = models.TextField(_("wensen van de jeugdige"), blank=True)
    wishes_parents = models.TextField(_("wensen van de ouders"), blank=True)
    # Issue 11: the request that follows a crisis placement (its dossier) is due on this day
    # (region.crisis_dossier_working_days working days after the start); the coordinators
    # and the referrer are told once when it passes.
    crisis_dossier_due = models.DateField(_("dossier uiterlijk"), null=True, blank=True, editable=False)
    crisis_overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # Decline policy (issue 11 point 8): after a decline with one of the region's
    # decline_parking_reasons the request is parked (not offered) until this date; the
    # reason is the decline reason code. A field, not a status: a parked request stays in
    # matching or waiting and keeps every move of the transition table but the offer.
    parked_until = models.DateField(_("geparkeerd tot"), null=True, blank=True, editable=False)
    parked_reason = models.CharField(_("reden van parkeren"), max_length=32, blank=True, editable=False)
    # The coordinator of the region who has the request in hand (issue 11); services only
    # (placement.services.queue.request_owner_set) check that it is one.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_requests",
        verbose_name=_("behandelaar"),
        editable=False,
    )

    class Meta:
        app_label = "placement"  # the table was created under this label
        ordering = ["-created_at", "-id"]
        verbose_name = _("plaatsingsverzoek")
        verbose_name_plural = _("plaatsingsverzoeken")
        indexes = [
            models.Index(fields=["region", "status"], name="request_region_status"),
            models.Index(fields=["referrer_organisation", "status"], name="request_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="request_closed_has_outcome",
                condition=~Q(status="closed") | ~Q(outcome=""),
            ),
            models.CheckConstraint(
                name="request_outcome_only_when_closed",
                condition=Q(status="closed") | Q(outcome=""),
            ),
            models.CheckConstraint(
                # A draft withdrawn before submission closes without a referral date
                # (reports count it as never referred).
                name="request_submitted_has_referral_date",
                condition=Q(status__in=["draft", "closed"]) | Q(referral_date__isnull=False),
            ),
            models.CheckConstraint(
                name="request_parked_has_reason",
                condition=Q(parked_until__isnull=True, parked_reason="")
                | (Q(parked_until__isnull=False) & ~Q(parked_reason="")),
            ),
            models.CheckConstraint(
                name="request_crisis_has_dossier_due",
                condition=~Q(status="crisis") | Q(crisis_dossier_due__isnull=False),
            ),
            models.CheckConstraint(
                name="request_transfer_links_previous",
                condition=Q(kind="first_placement")
                | Q(previous_request__isnull=False)
                | Q(previous_placement__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="referral_date_never_overwritten",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(
                    old__referral_date__isnull=False, old__referral_date__df=pgtrigger.F("new__referral_date")
                ),
            ),
        ]

    def __str__(self):
        return _("Verzoek %(id)s") % {"id": self.pk}

    def is_parked(self, on: date | None = None) -> bool:
        """Parked on `on` (default today): not offered before `parked_until`."""
        return self.parked_until is not None and self.parked_until > (on or timezone.localdate())

    @property
    def reference(self) -> str:
        return f"PV-{self.pk:06d}"

    @staticmethod
    def pk_from_reference(text: str) -> int | None:
        """The id in a request number as people type it ("PV-000123", "pv 123", "123");
        None for anything else (a name is never a request number)."""
        match = REFERENCE_RE.fullmatch((text or "").strip())
        return int(match.group(1)) if match and 0 < int(match.group(1)) < 2**31 else None

    def actions_for(self, role: str) -> frozenset[str]:
        return actions_allowed(self.status, role)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def follows_crisis(self) -> bool:
        """This request is the dossier of a crisis placement."""
        return self.crisis_dossier_due is not None
