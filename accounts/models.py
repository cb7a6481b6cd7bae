"""Regions, municipalities, organisations, users and their roles.

A user acts through a `Membership`: one organisation, one role, and (for coordinators and
contract managers) the regions the membership covers. Selectors scope every read by it.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from core.fields import EncryptedTextField

# The bounds of each numeric region setting: the database checks below and the settings
# service (placement.services.region_settings) both read them. None = no bound.
REGION_SETTING_LIMITS = {
    "freshness_days": (1, None),
    "offer_response_working_days": (1, None),
    "offer_response_working_days_urgent": (1, None),  # and at most the regular term
    "offer_response_hours_crisis": (1, 72),
    "offer_deadline_min_hours": (1, None),  # and at most the crisis term
    "offer_deadline_max_working_days": (None, 30),  # and at least the regular term
    "crisis_dossier_working_days": (1, 30),
    "machtiging_warning_days": (1, 180),
    "decline_parking_days": (None, 90),
}


def _in_range(name: str) -> Q:
    low, high = REGION_SETTING_LIMITS[name]
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{name}__gte": low})
    if high is not None:
        condition &= Q(**{f"{name}__lte": high})
    return condition


class Region(models.Model):
    """A youth-care region (jeugdregio), with the region's own settings."""

    code = models.CharField(_("code"), max_length=4, unique=True)  # CBS code, e.g. JZ14
    name = models.CharField(_("naam"), max_length=100)
    freshness_days = models.PositiveSmallIntegerField(_("dagen dat een bevestiging vers blijft"), default=7)
    offer_response_working_days = models.PositiveSmallIntegerField(
        _("werkdagen voor het antwoord op een aanmelding"), default=5
    )
    # Urgency sets shorter offer deadlines (H10 norm: crisis within 24 hours).
    offer_response_working_days_urgent = models.PositiveSmallIntegerField(
        _("werkdagen voor het antwoord op een spoedaanmelding"), default=2
    )
    offer_response_hours_crisis = models.PositiveSmallIntegerField(
        _("uren voor het antwoord op een crisisaanmelding"), default=24
    )
    # The bounds within which a coordinator may set the deadline of one offer.
    offer_deadline_min_hours = models.PositiveSmallIntegerField(
        _("kortste termijn voor een aanmelding (uren)"), default=4
    )
    offer_deadline_max_working_days = models.PositiveSmallIntegerField(
        _("langste termijn voor een aanmelding (werkdagen)"), default=10
    )
    # After a crisis placement the dossier (a regular follow-up request) must follow.
    crisis_dossier_working_days = models.PositiveSmallIntegerField(
        _("werkdagen voor het dossier na een crisisplaatsing"), default=5
    )
    # The coordinator and provider are told this many days before a machtiging ends.
    machtiging_warning_days = models.PositiveSmallIntegerField(
        _("dagen vooraf waarschuwen voor het einde van een machtiging"), default=28
    )
    # Fit with the current group of a small home: a soft criterion unless the region makes it hard.
    group_fit_hard = models.BooleanField(_("groepssamenstelling is een harde eis"), default=False)
    # Decline policy: after these decline reasons a request is parked for decline_parking_days.
    decline_parking_reasons = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("afwijzingsredenen die een aanvraag parkeren"),
        default=list,
        blank=True,
    )
    decline_parking_days = models.PositiveSmallIntegerField(_("dagen dat een aanvraag geparkeerd blijft"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jeugdregio")
        verbose_name_plural = _("jeugdregio's")
        constraints = [
            models.CheckConstraint(name="region_code_format", condition=Q(code__regex=r"^JZ[0-9]{2}$")),
            models.CheckConstraint(name="region_freshness_positive", condition=_in_range("freshness_days")),
            models.CheckConstraint(
                name="region_response_days_positive", condition=_in_range("offer_response_working_days")
            ),
            models.CheckConstraint(
                name="region_urgent_response_days_positive",
                condition=_in_range("offer_response_working_days_urgent")
                & Q(offer_response_working_days_urgent__lte=F("offer_response_working_days")),
            ),
            models.CheckConstraint(
                name="region_crisis_response_hours_range", condition=_in_range("offer_response_hours_crisis")
            ),
            models.CheckConstraint(
                name="region_offer_deadline_bounds",
                condition=_in_range("offer_deadline_min_hours")
                & Q(offer_deadline_min_hours__lte=F("offer_response_hours_crisis"))
                & Q(offer_deadline_max_working_days__gte=F("offer_response_working_days"))
                & _in_range("offer_deadline_max_working_days"),
            ),
            models.CheckConstraint(
                name="region_crisis_dossier_days_range", condition=_in_range("crisis_dossier_working_days")
            ),
            models.CheckConstraint(
                name="region_machtiging_warning_days_range", condition=_in_range("machtiging_warning_days")
            ),
            models.CheckConstraint(
                name="region_decline_parking_days_range", condition=_in_range("decline_parking_days")
            ),
        ]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=6, unique=True)  # CBS code, e.g. GM0153
    name = models.CharField(_("naam"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("jeugdregio")
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        constraints = [
            models.CheckConstraint(name="municipality_code_format", condition=Q(code__regex=r"^GM[0-9]{4}$")),
            models.CheckConstraint(
                name="municipality_in_netherlands",
                condition=Q(latitude__range=(50.5, 53.8), longitude__range=(3.2, 7.3)),
            ),
        ]

    def __str__(self):
        return self.name


class ReferrerCode(models.TextChoices):
    """CBS Beleidsinformatie Jeugd: who referred (verwijzer), codes and labels exactly as
    `data/cbs_codelijsten.csv` (list "verwijzer"; tests hold them equal). There is no 07
    and no "unknown": 06 is "no referrer", 08 the court, public prosecutor or juvenile
    institution. The database refuses any other code (`organisation_referrer_code_cbs`)."""

    MUNICIPAL = "01", _("Gemeentelijke toegang")
    GP = "02", _("Huisarts")
    YOUTH_DOCTOR = "03", _("Jeugdarts")
    CERTIFIED_INSTITUTION = "04", _("Gecertificeerde instelling")
    MEDICAL_SPECIALIST = "05", _("Medisch specialist")
    NONE = "06", _("Geen verwijzer")
    COURT = "08", _("Rechter, officier van justitie, functionaris justitiële jeugdinrichting")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        REFERRER = "referrer", _("Verwijzende organisatie")
        PROVIDER = "provider", _("Zorgaanbieder")
        COORDINATION = "coordination", _("Regionaal coördinatiepunt")
        CONTRACT_MANAGEMENT = "contract_management", _("Contractmanagement")
        EXPERT_POOL = "expert_pool", _("Pool gedragswetenschappers")
        ADMINISTRATION = "administration", _("Beheer")

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    referrer_code = models.CharField(_("CBS-verwijzercode"), max_length=2, choices=ReferrerCode.choices, blank=True)
    agb_code = models.CharField(_("AGB-code"), max_length=8, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="organisations", verbose_name=_("jeugdregio's"))
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=32, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    two_factor_required = models.BooleanField(
        _("tweestapsverificatie verplicht"),
        default=False,
        help_text=_(
            "Alle medewerkers van deze organisatie loggen in met een tweede stap (authenticator-app). "
            "Voor zorgaanbieders, coördinatiepunten, pools van gedragswetenschappers en beheer altijd verplicht."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_name_per_kind"),
            models.CheckConstraint(
                name="referrer_has_cbs_code",
                condition=~Q(kind="referrer") | ~Q(referrer_code=""),
            ),
            models.CheckConstraint(
                name="referrer_code_only_for_referrers",
                condition=Q(kind="referrer") | Q(referrer_code=""),
            ),
            models.CheckConstraint(
                name="organisation_referrer_code_cbs",
                condition=Q(referrer_code="") | Q(referrer_code__in=ReferrerCode.values),
            ),
            models.CheckConstraint(
                name="provider_has_agb_code",
                condition=~Q(kind="provider") | Q(agb_code__regex=r"^[0-9]{8}$"),
            ),
            models.UniqueConstraint(
                fields=["agb_code"], condition=~Q(agb_code=""), name="organisation_unique_agb_code"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.kind in TWO_FACTOR_MANDATORY_KINDS:  # shown as on; accounts.two_factor requires it anyway
            self.two_factor_required = True
        super().save(*args, **kwargs)


# Organisations whose members always log in with a second factor (they see or steer
# children's dossiers); referrer and contract-management organisations choose.
TWO_FACTOR_MANDATORY_KINDS = {
    Organisation.Kind.PROVIDER,
    Organisation.Kind.COORDINATION,
    Organisation.Kind.EXPERT_POOL,
    Organisation.Kind.ADMINISTRATION,
}


class Role(models.TextChoices):
    REFERRER = "referrer", _("Verwijzer")
    COORDINATOR = "coordinator", _("Plaatsingscoördinator")
    PROVIDER = "provider", _("Medewerker zorgaanbieder")
    CONTRACT_MANAGER = "contract_manager", _("Contractmanager")
    BEHAVIOURAL_SCIENTIST = "behavioural_scientist", _("Gedragswetenschapper")
    ADMIN = "admin", _("Beheerder")


# Which organisation kinds each role may belong to (checked by membership_create).
ROLE_ORGANISATION_KINDS = {
    Role.REFERRER: {Organisation.Kind.REFERRER},
    Role.COORDINATOR: {Organisation.Kind.COORDINATION},
    Role.PROVIDER: {Organisation.Kind.PROVIDER},
    Role.CONTRACT_MANAGER: {Organisation.Kind.CONTRACT_MANAGEMENT, Organisation.Kind.COORDINATION},
    Role.BEHAVIOURAL_SCIENTIST: {Organisation.Kind.EXPERT_POOL, Organisation.Kind.COORDINATION},
    Role.ADMIN: {Organisation.Kind.ADMINISTRATION},
}
# Roles that always log in with a second factor, whatever their organisation's policy.
TWO_FACTOR_MANDATORY_ROLES = {Role.COORDINATOR, Role.PROVIDER, Role.BEHAVIOURAL_SCIENTIST, Role.ADMIN}
# Roles whose view of the data is limited to the regions of their membership.
REGION_SCOPED_ROLES = {Role.COORDINATOR, Role.CONTRACT_MANAGER, Role.BEHAVIOURAL_SCIENTIST}


class User(AbstractUser):
    """A person who logs in. What they may do follows from their memberships."""

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    regions = models.ManyToManyField(Region, blank=True, related_name="memberships", verbose_name=_("jeugdregio's"))
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.organisation}"


class RoleGrantRequest(models.Model):
    """Four-eyes for every grant of a privilege: a membership (new, re-activated, or more
    regions) or staff/superuser rights. One administrator asks, a second one approves
    or refuses; nobody grants anything to themselves (the database refuses a decision by
    the requester and a request or decision for oneself). Applied only on approval
    (`accounts.services.role_grant_approve`)."""

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("Lidmaatschap (rol in een organisatie)")
        STAFF = "staff", _("Toegang tot de beheeromgeving (staf)")
        SUPERUSER = "superuser", _("Alle rechten (superuser)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op goedkeuring")
        APPROVED = "approved", _("Goedgekeurd")
        REFUSED = "refused", _("Geweigerd")

    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.MEMBERSHIP)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grant_requests", verbose_name=_("voor"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("jeugdregio's"))
    reason = models.TextField(_("toelichting"))
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="grant_requests_made", verbose_name=_("aangevraagd door")
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("besloten door")
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decision_reason = models.TextField(_("toelichting bij het besluit"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("aanvraag voor een rol")
        verbose_name_plural = _("aanvragen voor rollen")
        constraints = [
            models.CheckConstraint(
                name="role_grant_not_decided_by_requester",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
            ),
            models.CheckConstraint(
                name="role_grant_not_decided_by_grantee",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("user")),
            ),
            models.CheckConstraint(name="role_grant_not_for_requester", condition=~Q(user=models.F("requested_by"))),
            models.CheckConstraint(
                name="role_grant_decision_complete",
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
            ),
            # One pending request per thing to grant (two administrators asking at once).
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(status="pending", kind="membership"),
                name="role_grant_one_pending_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(status="pending") & ~Q(kind="membership"),
                name="role_grant_one_pending_right",
            ),
            models.CheckConstraint(
                name="role_grant_membership_has_role",
                condition=(Q(kind="membership") & Q(organisation__isnull=False) & ~Q(role=""))
                | (~Q(kind="membership") & Q(organisation__isnull=True) & Q(role="")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} - {self.user} ({self.get_status_display()})"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its hash is stored, it expires, and a user has
    at most one per client name; a new token for the same client replaces the old one."""

    client = models.CharField(_("client"), max_length=64)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="api_token_one_per_client")]

    def __str__(self):
        return f"{self.user} - {self.client}"


# Issue 13 (oidc): organisation login (OpenID Connect), configured per organisation.
OIDC_ISSUER_PATTERN = r"^(https://[^/\s]+|http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?)(/\S*)?$"


class OidcConfiguration(models.Model):
    """How the staff of one organisation log in with their organisation's own account
    (OpenID Connect, accounts/oidc.py). Nobody is created here: only an existing active
    user with an active membership of this organisation whose `claim` matches may log in.
    The client secret is encrypted at rest (core.fields) and never shown back."""

    class UserField(models.TextChoices):
        EMAIL = "email", _("e-mailadres")
        USERNAME = "username", _("gebruikersnaam")

    class Algorithm(models.TextChoices):
        RS256 = "RS256", "RS256"
        PS256 = "PS256", "PS256"
        ES256 = "ES256", "ES256"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="oidc_configuration", verbose_name=_("organisatie")
    )
    issuer = models.CharField(
        _("uitgever (issuer)"),
        max_length=300,
        help_text=_(
            "De issuer-URL van de inlogdienst van de organisatie, precies zoals in haar "
            "/.well-known/openid-configuration (https; http alleen op dit apparaat zelf)."
        ),
    )
    client_id = models.CharField(_("client-ID"), max_length=200)
    client_secret = EncryptedTextField(_("clientgeheim"), max_length=500)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    sign_algorithm = models.CharField(
        _("ondertekeningsalgoritme"), max_length=8, choices=Algorithm.choices, default=Algorithm.RS256
    )
    claim = models.CharField(
        _("claim met de gebruiker"),
        max_length=64,
        default="email",
        help_text=_("De claim in het inlogbewijs die de gebruiker aanwijst, bijvoorbeeld email of preferred_username."),
    )
    user_field = models.CharField(
        _("vergelijken met"), max_length=16, choices=UserField.choices, default=UserField.EMAIL
    )
    email_domains = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("e-maildomeinen"),
        default=list,
        blank=True,
        help_text=_(
            "Domeinen van de e-mailadressen van de medewerkers, met komma's gescheiden; wie zijn "
            "e-mailadres intypt, komt bij deze organisatie uit."
        ),
    )
    mfa_enforced = models.BooleanField(
        _("inlogdienst dwingt tweestapsverificatie af"),
        default=False,
        help_text=_(
            "Alleen als dit aan staat en het inlogbewijs laat zien dat er een tweede stap was (claim "
            "hieronder), vervangt dat de code uit de authenticator-app. Anders vult de medewerker "
            "daarna nog de code van Regie op plaatsing in."
        ),
    )
    mfa_claim = models.CharField(_("claim voor de tweede stap"), max_length=64, default="amr")
    mfa_values = models.CharField(
        _("waarden die een tweede stap tonen"),
        max_length=200,
        default="mfa otp hwk swk",
        help_text=_("Met spaties gescheiden; één ervan in de claim is genoeg."),
    )
    is_enabled = models.BooleanField(_("aan"), default=True)

    class Meta:
        verbose_name = _("inloggen via de organisatie")
        verbose_name_plural = _("inloggen via de organisatie")
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                name="oidc_issuer_https",
                condition=Q(issuer__regex=OIDC_ISSUER_PATTERN),
                violation_error_message=_("De issuer moet een https-adres zijn (http alleen op dit apparaat zelf)."),
            ),
            models.CheckConstraint(
                name="oidc_scopes_openid",
                condition=Q(scopes__regex=r"(^| )openid( |$)"),
                violation_error_message=_("De scopes moeten openid bevatten."),
            ),
            models.CheckConstraint(
                name="oidc_claim_given",
                condition=~Q(claim="") & ~Q(client_id=""),
                violation_error_message=_("Vul de claim met de gebruiker en de client-ID in."),
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def mfa_value_set(self) -> set[str]:
        return set(self.mfa_values.split())


# Issue 14 (api-push): webhook subscriptions and their delivery log (accounts/webhook_models.py).
from accounts.webhook_models import WebhookDelivery, WebhookEventType, WebhookSubscription  # noqa: E402, F401
