"""Writes of facilities by administrators and integrations: create and update their
description and contracted places."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from capacity.models import AvailabilityChange, Facility
from capacity.selectors import active_band_codes
from capacity.services.common import (
    change_record,
    contracted_set,
    facility_lock,
    history_append,
    places_count,
)
from core.errors import Invalid
from core.events import event_record

DESCRIPTIVE_FIELDS = (
    "provider",
    "name",
    "address",
    "postcode",
    "municipality",
    "care_type",
    "security_level",
    "age_min",
    "age_max",
    "genders",
    "intensity_band",
    "group_size",
    "care_product_code",
    "serves_nationally",
    "active_from",
    "active_until",
)


def facility_check(values: dict) -> None:
    errors = []
    provider = values.get("provider")
    if provider is not None and provider.kind != Organisation.Kind.PROVIDER:
        errors.append({"name": "provider", "reason": _("Kies een zorgaanbieder.")})
    if (
        values.get("age_min") is not None
        and values.get("age_max") is not None
        and values["age_min"] > values["age_max"]
    ):
        errors.append({"name": "age_max", "reason": _("De leeftijd tot en met moet minstens de leeftijd vanaf zijn.")})
    if values.get("age_max") is not None and values["age_max"] > 27:
        errors.append({"name": "age_max", "reason": _("Jeugdhulp loopt tot en met 27 jaar.")})
    if values.get("active_until") and values.get("active_from") and values["active_until"] < values["active_from"]:
        errors.append({"name": "active_until", "reason": _("De einddatum ligt voor de begindatum.")})
    band = values.get("intensity_band")
    if band is not None and band not in active_band_codes():
        errors.append({"name": "intensity_band", "reason": _("Kies een intensiteitsklasse uit de lijst.")})
    if "genders" in values and not values["genders"]:
        errors.append({"name": "genders", "reason": _("Kies minstens één geslacht.")})
    if errors:
        raise Invalid(_("De locatie klopt niet."), invalid_params=errors)


@transaction.atomic
def facility_create(
    *, by, specialisations=(), regions_served=(), places_contracted: int, places_staffed: int = 0, **fields
) -> Facility:
    """A new facility. Its figures count as unconfirmed (stale) until the provider confirms."""
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    facility_check(fields)
    places_contracted = places_count("places_contracted", places_contracted)
    places_staffed = places_count("places_staffed", places_staffed)
    if places_staffed > places_contracted:
        raise Invalid.field(
            "places_staffed",
            _("Er kunnen niet meer plaatsen inzetbaar zijn dan er gecontracteerd zijn (%(n)s).")
            % {"n": places_contracted},
        )
    facility = Facility.objects.create(places_contracted=places_contracted, places_staffed=places_staffed, **fields)
    facility.specialisations.set(specialisations)
    facility.regions_served.set(regions_served)
    history_append(facility, kind=AvailabilityChange.Kind.CREATED, by=by)
    event_record(
        subject=facility,
        event_type="facility.created",
        by=by,
        organisation=facility.provider,
        details={"after": facility.figures()},
    )
    return facility


@transaction.atomic
def facility_update(*, facility, by, specialisations=None, regions_served=None, **fields) -> Facility:
    """Change a facility's description and/or contracted places (administrators)."""
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS) - {"places_contracted"}
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    facility = facility_lock(facility)
    merged = {name: getattr(facility, name) for name in DESCRIPTIVE_FIELDS} | fields
    facility_check(merged)
    before = facility.figures()
    contracted = fields.pop("places_contracted", None)
    if contracted is not None:
        contracted_set(facility, places_count("places_contracted", contracted))
    for name, value in fields.items():
        setattr(facility, name, value)
    facility.save()
    if specialisations is not None:
        facility.specialisations.set(specialisations)
    if regions_served is not None:
        facility.regions_served.set(regions_served)
    changed = (
        sorted(fields)
        + (["specialisations"] if specialisations is not None else [])
        + (["regions_served"] if regions_served is not None else [])
    )
    if facility.figures() != before:
        change_record(
            facility,
            event_type="facility.contract_changed",
            by=by,
            before=before,
            kind=AvailabilityChange.Kind.CONTRACT_CHANGED,
        )
    if changed:
        event_record(
            subject=facility,
            event_type="facility.updated",
            by=by,
            organisation=facility.provider,
            details={"fields": changed},
        )
    return facility
