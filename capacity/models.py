"""Providers, facilities, the care taxonomy, availability and its history.

Availability lives on the facility row itself so that one `SELECT ... FOR UPDATE` on that
row serialises every change to its figures (provider updates, holds by offers, placements
starting and ending). The database refuses impossible figures:

    0 <= places_staffed <= places_contracted
    occupied_internal + occupied_external + held <= places_staffed   (free is never negative)

free = places_staffed - occupied_internal - occupied_external - held (the rules, in Python
and as SQL, are in `capacity.rules`).

`occupied_internal` counts placements this product knows (the placement issue moves holds
into it), `occupied_external` youth placed from outside the product (other regions,
crisis), reported by the provider. `held` counts places held by open offers.

Every change appends an `AvailabilityChange` row with the full figures after the change,
so the figures in force at any moment, and the occupancy rate over any period, can be
computed (see `capacity.selectors.occupancy_rate`).
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from capacity import rules
from core.models import APPEND_ONLY


class CareForm(models.TextChoices):
    """CBS Beleidsinformatie Jeugd: the form of youth care with a stay (hulpvorm), codes
    and labels exactly as `data/cbs_codelijsten.csv` (list "hulpvorm_verblijf")."""

    FOSTER_CARE = "11", _("Jeugdhulp met verblijf, pleegzorg")
    FAMILY_TYPE = "12", _("Jeugdhulp met verblijf, gezinsgericht")
    CLOSED = "13", _("Jeugdhulp met verblijf, gesloten plaatsing")
    OTHER = "14", _("Jeugdhulp met verblijf, anders dan bovenstaand")


class CareType(models.Model):
    """Zorgvorm / type of residential facility (maintained by administrators).

    `cbs_care_form` links to CBS Beleidsinformatie Jeugd (`CareForm`: 11 foster care,
    12 family-type, 13 closed, 14 other residential); the database refuses other codes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("naam"), max_length=100)
    cbs_care_form = models.CharField(_("CBS-hulpvorm"), max_length=2, choices=CareForm.choices, default=CareForm.OTHER)
    requires_authorisation = models.BooleanField(_("vereist machtiging gesloten jeugdzorg"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("zorgvorm")
        verbose_name_plural = _("zorgvormen")
        constraints = [
            models.CheckConstraint(name="care_type_cbs_care_form", condition=Q(cbs_care_form__in=CareForm.values)),
        ]

    def __str__(self):
        return self.label


class Specialisation(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("naam"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("specialisatie")
        verbose_name_plural = _("specialisaties")

    def __str__(self):
        return self.label


class ProviderManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.PROVIDER)


class Provider(Organisation):
    """A provider (zorgaanbieder) is an `Organisation` of kind provider: its AGB code,
    e-mail and phone are the organisation's. A proxy, so it is 1:1 by construction."""

    objects = ProviderManager()

    class Meta:
        proxy = True
        verbose_name = _("zorgaanbieder")
        verbose_name_plural = _("zorgaanbieders")

    def save(self, *args, **kwargs):
        self.kind = Organisation.Kind.PROVIDER
        super().save(*args, **kwargs)


class SecurityLevel(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Gesloten")


class Gender(models.TextChoices):
    """The one gender code set: a youth's gender (placement), the genders a facility
    accepts (below) and the anonymised referral a provider receives all use these codes.

    UNKNOWN is not OTHER. "Other / non-binary" is what a youth is; "unknown" is what the
    referrer does not know. A referral must not tell a provider that a youth is non-binary
    when nobody said so, and matching must not guess: a youth whose gender is unknown fits
    only a facility that accepts every gender (placement.matching). A facility cannot
    accept "unknown" (FACILITY_GENDERS), as it is not a gender a group is composed of.
    """

    FEMALE = "female", _("Meisje")
    MALE = "male", _("Jongen")
    OTHER = "other", _("Anders / non-binair")
    UNKNOWN = "unknown", _("Onbekend")


# The genders a facility may say it accepts: every gender of the code set but UNKNOWN.
FACILITY_GENDERS = (Gender.FEMALE, Gender.MALE, Gender.OTHER)
FACILITY_GENDER_CHOICES = [(gender.value, gender.label) for gender in FACILITY_GENDERS]


class IntensityBand(models.Model):
    """A G7 intensity band: hours of pedagogical support per youth per day (etmaal), which
    drive the day tariff. Sixteen half-hour bands K (4.5-5 h) to Z (12-12.5 h), loaded
    from `data/g7_intensiteiten.csv` (capacity.taxonomy.bands_load). Facilities, need
    profiles and placements store the band's code; forms, the API and matching accept
    only the codes of active bands (`capacity.selectors.active_band_codes`). The hours
    are one definition for every region (matching compares codes across regions);
    administrators change them. The tariff is the region's (`RegionBandTariff`)."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    hours_from = models.DecimalField(_("uren vanaf"), max_digits=4, decimal_places=2)
    hours_to = models.DecimalField(_("uren tot"), max_digits=4, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("intensiteitsklasse")
        verbose_name_plural = _("intensiteitsklassen")
        constraints = [
            models.CheckConstraint(name="intensity_band_code_format", condition=Q(code__regex=r"^[K-Z]$")),
            models.CheckConstraint(
                name="intensity_band_hours_range",
                condition=Q(hours_from__gte=0, hours_to__lte=24, hours_from__lt=F("hours_to")),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """ "K (4,5-5 uur per etmaal)" (numbers in the active language)."""
        return band_label(self.code, self.hours_from, self.hours_to)


def _hours(value) -> str:
    from django.utils.formats import number_format

    return str(int(value)) if value == int(value) else number_format(value, decimal_pos=1)


def band_label(code: str, hours_from, hours_to) -> str:
    return _("%(code)s (%(from)s-%(to)s uur per etmaal)") % {
        "code": code,
        "from": _hours(hours_from),
        "to": _hours(hours_to),
    }


class RegionBandTariff(models.Model):
    """A region's day tariff for one intensity band from `valid_from` on. History is kept:
    a change adds a row with a new `valid_from` and never updates one (append-only); the
    tariff on a day is the row with the latest `valid_from` on or before it
    (`capacity.selectors.band_tariff`). Seeded for every region from the G7 file with
    valid_from DEFAULT_VALID_FROM (the default applies until the region's first change)."""

    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="band_tariffs", verbose_name=_("jeugdregio")
    )
    band = models.ForeignKey(
        IntensityBand, on_delete=models.PROTECT, related_name="tariffs", verbose_name=_("intensiteitsklasse")
    )
    tariff_eur_per_day = models.DecimalField(_("tarief per dag (euro)"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("geldig vanaf"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["region", "band__sort_order", "valid_from"]
        verbose_name = _("tarief per intensiteitsklasse")
        verbose_name_plural = _("tarieven per intensiteitsklasse")
        constraints = [
            models.CheckConstraint(name="band_tariff_positive", condition=Q(tariff_eur_per_day__gt=0)),
            models.UniqueConstraint(fields=["region", "band", "valid_from"], name="band_tariff_once_per_day"),
        ]
        indexes = [models.Index(fields=["region", "valid_from"], name="band_tariff_region_day")]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.band_id} {self.tariff_eur_per_day} ({self.valid_from})"


class Facility(models.Model):
    """A location (locatie) of a provider with its live availability."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="facilities",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("zorgaanbieder"),
    )
    name = models.CharField(_("naam"), max_length=200)
    address = models.CharField(_("adres"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="facilities", verbose_name=_("gemeente")
    )
    care_type = models.ForeignKey(
        CareType, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("zorgvorm")
    )
    specialisations = models.ManyToManyField(
        Specialisation, blank=True, related_name="facilities", verbose_name=_("specialisaties")
    )
    security_level = models.CharField(
        _("beveiligingsniveau"), max_length=8, choices=SecurityLevel.choices, default=SecurityLevel.OPEN
    )
    age_min = models.PositiveSmallIntegerField(_("leeftijd vanaf"))
    age_max = models.PositiveSmallIntegerField(_("leeftijd tot en met"))
    genders = ArrayField(
        models.CharField(max_length=8, choices=FACILITY_GENDER_CHOICES), verbose_name=_("geslacht"), default=list
    )
    # The code of a capacity.IntensityBand (validated against the active bands by the
    # services; the database checks the code's form).
    intensity_band = models.CharField(_("intensiteit (G7)"), max_length=1)
    group_size = models.PositiveSmallIntegerField(_("groepsgrootte"))
    care_product_code = models.CharField(_("productcode (iJw)"), max_length=10, blank=True)
    regions_served = models.ManyToManyField(
        "accounts.Region", blank=True, related_name="facilities_served", verbose_name=_("bediende jeugdregio's")
    )
    serves_nationally = models.BooleanField(_("landelijk beschikbaar"), default=False)
    active_from = models.DateField(_("actief vanaf"), default=timezone.localdate)
    active_until = models.DateField(_("actief tot en met"), null=True, blank=True)

    # Availability (changed only by capacity.services).
    places_contracted = models.PositiveSmallIntegerField(_("gecontracteerde plaatsen"))
    places_staffed = models.PositiveSmallIntegerField(_("inzetbare plaatsen"), default=0)
    occupied_internal = models.PositiveSmallIntegerField(_("bezet (via regie)"), default=0)
    occupied_external = models.PositiveSmallIntegerField(_("bezet (van buiten)"), default=0)
    held = models.PositiveSmallIntegerField(_("vastgehouden"), default=0)
    last_confirmed_at = models.DateTimeField(_("laatst bevestigd op"), null=True, blank=True)
    last_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("laatst bevestigd door"),
    )
    stale_reminder_sent_on = models.DateField(null=True, blank=True, editable=False)
    # The current group (GroupResident rows), recorded whole by the provider like its
    # figures: when and by whom; stale after the region's freshness_days like availability.
    group_recorded_at = models.DateTimeField(_("groep vastgelegd op"), null=True, blank=True)
    group_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("groep vastgelegd door"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")
        indexes = [models.Index(fields=["municipality", "name"])]
        constraints = [
            models.CheckConstraint(
                name="facility_staffed_within_contracted", condition=Q(places_staffed__lte=F("places_contracted"))
            ),
            models.CheckConstraint(
                name="facility_occupancy_within_staffed",
                condition=Q(places_staffed__gte=F("occupied_internal") + F("occupied_external") + F("held")),
            ),
            models.CheckConstraint(
                name="facility_figures_not_negative",
                condition=Q(
                    places_contracted__gte=0,
                    places_staffed__gte=0,
                    occupied_internal__gte=0,
                    occupied_external__gte=0,
                    held__gte=0,
                ),
            ),
            models.CheckConstraint(name="facility_age_range", condition=Q(age_min__lte=F("age_max"), age_max__lte=27)),
            models.CheckConstraint(name="facility_group_size_positive", condition=Q(group_size__gte=1)),
            models.CheckConstraint(
                name="facility_intensity_band_format", condition=Q(intensity_band__regex=r"^[K-Z]$")
            ),
            models.CheckConstraint(
                name="facility_genders_valid",
                condition=Q(genders__len__gte=1, genders__contained_by=[gender.value for gender in FACILITY_GENDERS]),
            ),
            models.CheckConstraint(
                name="facility_active_period",
                condition=Q(active_until__isnull=True) | Q(active_until__gte=F("active_from")),
            ),
            models.CheckConstraint(
                name="facility_postcode_format", condition=Q(postcode__regex=r"^[1-9][0-9]{3} ?[A-Z]{2}$")
            ),
            models.CheckConstraint(
                name="facility_confirmation_has_author",
                condition=Q(last_confirmed_at__isnull=True) | Q(last_confirmed_by__isnull=False),
            ),
            models.CheckConstraint(
                name="facility_group_recording_has_author",
                condition=Q(group_recorded_at__isnull=True) | Q(group_recorded_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def places_free(self) -> int:
        return rules.places_free(
            staffed=self.places_staffed,
            internal=self.occupied_internal,
            external=self.occupied_external,
            held=self.held,
        )

    @property
    def places_occupied(self) -> int:
        return rules.places_occupied(internal=self.occupied_internal, external=self.occupied_external)

    @property
    def places_in_use(self) -> int:
        return rules.places_in_use(internal=self.occupied_internal, external=self.occupied_external, held=self.held)

    def genders_display(self) -> list[str]:
        return [str(Gender(value).label) for value in self.genders]

    def figures(self) -> dict:
        return {
            "places_contracted": self.places_contracted,
            "places_staffed": self.places_staffed,
            "occupied_internal": self.occupied_internal,
            "occupied_external": self.occupied_external,
            "held": self.held,
        }


class AvailabilityChange(models.Model):  # noqa: DJ008 (rows are shown by their figures, never by a name)
    """Append-only history: the facility's figures right after each change."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Locatie aangemaakt")
        UPDATED = "updated", _("Beschikbaarheid bijgewerkt")
        CONFIRMED = "confirmed", _("Ongewijzigd bevestigd")
        HELD = "held", _("Plaats vastgehouden")
        HOLD_RELEASED = "hold_released", _("Vastgehouden plaats vrijgegeven")
        OCCUPIED = "occupied", _("Plaats bezet (plaatsing)")
        OCCUPIED_RELEASED = "occupied_released", _("Plaats vrijgekomen (plaatsing beëindigd)")
        CONTRACT_CHANGED = "contract_changed", _("Gecontracteerde plaatsen gewijzigd")

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="availability_changes")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    places_contracted = models.PositiveSmallIntegerField()
    places_staffed = models.PositiveSmallIntegerField()
    occupied_internal = models.PositiveSmallIntegerField()
    occupied_external = models.PositiveSmallIntegerField()
    held = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("wijziging beschikbaarheid")
        verbose_name_plural = _("wijzigingen beschikbaarheid")
        indexes = [models.Index(fields=["facility", "changed_at"])]
        triggers = [APPEND_ONLY]

    @property
    def places_free(self) -> int:
        return rules.places_free(
            staffed=self.places_staffed,
            internal=self.occupied_internal,
            external=self.occupied_external,
            held=self.held,
        )

    @property
    def places_occupied(self) -> int:
        return rules.places_occupied(internal=self.occupied_internal, external=self.occupied_external)


class PlannedCapacityChange(models.Model):
    """Afbouw/opbouw: contracted places change to `places_contracted` on `effective_date`.

    Applied by the beat job `capacity.tasks.capacity_changes_apply`. When the places still
    occupied or held do not fit in the new number the change waits (`blocked_reason`) and
    is tried again each day; nobody is put out of a place by a plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        APPLIED = "applied", _("Doorgevoerd")
        CANCELLED = "cancelled", _("Geannuleerd")

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="planned_changes", verbose_name=_("locatie")
    )
    effective_date = models.DateField(_("ingangsdatum"))
    places_contracted = models.PositiveSmallIntegerField(_("nieuw aantal gecontracteerde plaatsen"))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    blocked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["effective_date", "id"]
        verbose_name = _("geplande capaciteitswijziging")
        verbose_name_plural = _("geplande capaciteitswijzigingen")
        indexes = [models.Index(fields=["effective_date"], condition=Q(status="planned"), name="capacity_change_due")]
        constraints = [
            models.CheckConstraint(
                name="capacity_change_applied_has_time",
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.facility} → {self.places_contracted} ({self.effective_date})"

    @property
    def direction(self):
        return _("opbouw") if self.places_contracted > self.facility.places_contracted else _("afbouw")


# --- The current group of a small home (issue 11 point 7) --------------------------------


class FunctioningLevel(models.TextChoices):
    """Level of functioning of a resident, in the three bands Dutch youth care uses to
    compose groups: LVB (licht verstandelijk beperkt: IQ about 50-85 with limited social
    self-reliance, the LVB specialisation of the need profile), average, above average.
    Ordered from LVB up; matching compares a youth with the group on this order
    (placement.matching.group_fit)."""

    LVB = "lvb", _("Licht verstandelijk beperkt (LVB)")
    AVERAGE = "average", _("Gemiddeld")
    ABOVE_AVERAGE = "above_average", _("Boven gemiddeld")


GROUP_AGE_MIN, GROUP_AGE_MAX = 0, 27  # the ages youth care serves (as facility_age_range)


class GroupResident(models.Model):  # noqa: DJ008 (rows have no name on purpose)
    """One youth living in the facility now, without names or identifiers: age, gender,
    level of functioning, with or without a machtiging. The provider replaces the whole
    group at once (capacity.services.group_replace). The database refuses an age outside
    0-27, a gender or level outside the code sets, and more residents than the facility's
    contracted places (trigger)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="residents")
    position = models.PositiveSmallIntegerField()
    age = models.PositiveSmallIntegerField(_("leeftijd (jaren)"))
    gender = models.CharField(_("geslacht"), max_length=8, choices=FACILITY_GENDER_CHOICES)
    level = models.CharField(_("niveau van functioneren"), max_length=16, choices=FunctioningLevel.choices)
    machtiging = models.BooleanField(_("met machtiging"), default=False)

    class Meta:
        ordering = ["facility", "position"]
        verbose_name = _("groepsgenoot")
        verbose_name_plural = _("groepsgenoten")
        constraints = [
            models.UniqueConstraint(fields=["facility", "position"], name="group_resident_position_unique"),
            models.CheckConstraint(
                name="group_resident_age_range", condition=Q(age__gte=GROUP_AGE_MIN, age__lte=GROUP_AGE_MAX)
            ),
            models.CheckConstraint(
                name="group_resident_gender_valid",
                condition=Q(gender__in=[gender.value for gender in FACILITY_GENDERS]),
            ),
            models.CheckConstraint(name="group_resident_level_valid", condition=Q(level__in=FunctioningLevel.values)),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="group_within_places",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After,
                func=pgtrigger.Func(
                    "IF (SELECT count(*) FROM {meta.db_table} WHERE facility_id = NEW.facility_id) > "
                    "(SELECT places_contracted FROM capacity_facility WHERE id = NEW.facility_id) THEN "
                    "RAISE EXCEPTION 'group of facility % larger than its places', NEW.facility_id "
                    "USING ERRCODE = 'check_violation'; END IF; RETURN NULL;"
                ),
            ),
        ]


# --- Contracts and money (issue 12 point 2) ------------------------------------------------

BAND_CODE_REGEX = r"^[K-Z]$"  # G7: sixteen half-hour bands K..Z (capacity.IntensityBand until refdata merges)


class FundingForm(models.TextChoices):
    """How the region pays (the three forms of the VNG/i-Sociaal Domein standard):

    taakgericht        a budget for a task, paid whatever the occupancy (a yearly budget);
    inspanningsgericht paid per day of care delivered, at a day tariff; the region may
                       guarantee a volume (places it pays for even when empty);
    outputgericht      paid per result (trajectory), priced here as days x tariff; no
                       payment for empty places."""

    TASK = "taakgericht", _("Taakgericht")
    EFFORT = "inspanningsgericht", _("Inspanningsgericht")
    OUTPUT = "outputgericht", _("Outputgericht")


class Contract(models.Model):
    """A region's contract with a provider, optionally narrowed to one facility and/or one
    care type, over a period (end open or inclusive).

    Tariff: `day_tariff` for every day, or per intensity band (`ContractTariff`); a band
    without its own tariff falls back to the day tariff and then to the region's band
    tariff (`capacity.selectors.contract_tariff`). Volume guarantee: `guaranteed_places`
    (inspanningsgericht only), places the region pays for at the day tariff whether they
    are used or not; so a guarantee needs a day tariff. Budget: the yearly budget of a
    taakgericht contract (required there, absent otherwise).

    The database refuses: end before start, negative places, a tariff or budget of 0 or
    less, a guarantee above the contracted places or on another funding form, a budget on
    a non-taakgericht contract or none on a taakgericht one, and two contracts of the same
    provider, region, facility and care type whose periods overlap (trigger
    `contract_no_overlap`, serialised per provider and region by an advisory lock: the
    embedded PostgreSQL has no btree_gist for an exclusion constraint).

    Every change is one `ContractChange` row with old and new values (append-only)."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("zorgaanbieder"),
    )
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("regio")
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("locatie")
    )
    care_type = models.ForeignKey(
        CareType, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("zorgvorm")
    )
    reference = models.CharField(_("kenmerk"), max_length=60, blank=True)
    start_date = models.DateField(_("ingangsdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    funding_form = models.CharField(_("financieringsvorm"), max_length=20, choices=FundingForm.choices)
    places_contracted = models.PositiveSmallIntegerField(_("gecontracteerde plaatsen"))
    day_tariff = models.DecimalField(_("dagtarief (euro)"), max_digits=9, decimal_places=2, null=True, blank=True)
    guaranteed_places = models.PositiveSmallIntegerField(_("volumegarantie (plaatsen)"), null=True, blank=True)
    budget = models.DecimalField(_("jaarbudget (euro)"), max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("opmerkingen"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["region", "provider__name", "start_date", "id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        indexes = [models.Index(fields=["region", "provider", "start_date"])]
        constraints = [
            models.CheckConstraint(
                name="contract_period", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(name="contract_places_not_negative", condition=Q(places_contracted__gte=0)),
            models.CheckConstraint(
                name="contract_tariff_positive", condition=Q(day_tariff__isnull=True) | Q(day_tariff__gt=0)
            ),
            models.CheckConstraint(
                name="contract_funding_form_valid", condition=Q(funding_form__in=FundingForm.values)
            ),
            models.CheckConstraint(
                name="contract_budget_for_task",
                condition=(Q(funding_form=FundingForm.TASK) & Q(budget__isnull=False) & Q(budget__gt=0))
                | (~Q(funding_form=FundingForm.TASK) & Q(budget__isnull=True)),
            ),
            models.CheckConstraint(
                name="contract_guarantee",
                condition=Q(guaranteed_places__isnull=True)
                | (
                    Q(funding_form=FundingForm.EFFORT)
                    & Q(day_tariff__isnull=False)
                    & Q(guaranteed_places__lte=F("places_contracted"))
                ),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="contract_no_overlap",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=pgtrigger.Func(
                    "PERFORM pg_advisory_xact_lock(hashtext('capacity_contract'), "
                    "hashtext(NEW.provider_id::text || ':' || NEW.region_id::text)); "
                    "IF (NEW.end_date IS NULL OR NEW.end_date >= NEW.start_date) "  # else contract_period refuses
                    "AND EXISTS (SELECT 1 FROM {meta.db_table} c WHERE c.id <> NEW.id "
                    "AND c.provider_id = NEW.provider_id AND c.region_id = NEW.region_id "
                    "AND c.facility_id IS NOT DISTINCT FROM NEW.facility_id "
                    "AND c.care_type_id IS NOT DISTINCT FROM NEW.care_type_id "
                    "AND daterange(c.start_date, c.end_date, '[]') && daterange(NEW.start_date, NEW.end_date, '[]')) "
                    "THEN RAISE EXCEPTION 'contract overlaps another contract of provider % in region %', "
                    "NEW.provider_id, NEW.region_id USING ERRCODE = 'exclusion_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self):
        return self.reference or f"{self.provider} ({self.start_date:%d-%m-%Y})"

    def is_active_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class ContractTariff(models.Model):  # noqa: DJ008 (shown by band and tariff)
    """The day tariff of one intensity band (band CODE K..Z) under a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tariffs")
    band = models.CharField(_("intensiteit (G7)"), max_length=2)
    day_tariff = models.DecimalField(_("dagtarief (euro)"), max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["contract", "band"]
        verbose_name = _("tarief per intensiteit")
        verbose_name_plural = _("tarieven per intensiteit")
        constraints = [
            models.UniqueConstraint(fields=["contract", "band"], name="contract_tariff_band_unique"),
            models.CheckConstraint(name="contract_tariff_band_code", condition=Q(band__regex=BAND_CODE_REGEX)),
            models.CheckConstraint(name="contract_band_tariff_positive", condition=Q(day_tariff__gt=0)),
        ]


class ContractChange(models.Model):  # noqa: DJ008 (shown as a list of changes)
    """Append-only history of a contract: per version, each changed field with its old and
    new value as text (`{"field": [old, new]}`; old is null on creation)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["contract", "version"]
        verbose_name = _("wijziging contract")
        verbose_name_plural = _("wijzigingen contract")
        constraints = [models.UniqueConstraint(fields=["contract", "version"], name="contract_change_version_unique")]
        triggers = [APPEND_ONLY]


class FacilityStaleCrossing(models.Model):  # noqa: DJ008 (a bookkeeping row, never shown)
    """Issue 14 (api-webhooks): a facility's figures crossed the staleness line at
    `stale_at` (last confirmation + the region's freshness period) and `availability.stale`
    was sent for it. The unique key makes "once per crossing" the database's rule: a
    second sweep, or two at once, cannot send it again (capacity/services/stale_events.py)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    stale_at = models.DateTimeField()
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "stale_at"], name="facility_stale_crossing_once"),
        ]
