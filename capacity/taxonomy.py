"""The care taxonomy the product starts with (administrators maintain it afterwards).

Loaded by a data migration, and again (idempotently, without undoing an administrator's
edits to labels) by `seed_demo` and by tests that truncate tables.
"""

import datetime as dt

# code, label, CBS care form (capacity.CareForm: 11 foster care, 12 family-type,
# 13 closed, 14 other residential; as `cbs_care_form_for` derives it),
# requires a machtiging gesloten jeugdzorg
CARE_TYPES = [
    ("jeugdzorgplus", "JeugdzorgPlus (gesloten jeugdzorg)", "13", True),
    ("driemilieu", "Driemilieusvoorziening", "14", False),
    ("behandelgroep", "Behandelgroep", "14", False),
    ("kwv-open", "Kleinschalige woonvoorziening (open)", "12", False),
    ("kwv-gesloten", "Kleinschalige woonvoorziening (gesloten)", "13", True),
    ("gezinshuis", "Gezinshuis", "12", False),
    ("woongroep", "Woongroep", "14", False),
    ("kamertraining", "Kamertraining / begeleid wonen", "14", False),
    ("crisis", "Crisisplaatsen", "14", False),
    ("lvb-woonvorm", "LVB-woonvorm", "14", False),
    ("moeder-kindhuis", "Moeder-kindhuis", "14", False),
]

SPECIALISATIONS = [
    ("trauma", "Trauma"),
    ("lvb", "Licht verstandelijke beperking (LVB)"),
    ("verslaving", "Verslaving"),
    ("eetstoornis", "Eetstoornis"),
    ("psychiatrie", "Psychiatrie"),
    ("autisme", "Autisme"),
    ("sgg", "Seksueel grensoverschrijdend gedrag"),
    ("agressie", "Agressie"),
    ("uitbuiting", "Uitbuiting (loverboyproblematiek, criminele uitbuiting)"),
    ("hechting", "Hechtingsproblematiek"),
    ("jonge-moeders", "Jonge moeders"),
]


def cbs_care_form_for(code: str, requires_authorisation: bool) -> str:
    """The CBS care form (hulpvorm 11-14) of a care type: closed care (a machtiging, or
    JeugdzorgPlus / a closed unit) 13; foster care 11; a gezinshuis or small-scale living
    unit (KWV) 12, as the family-type form; everything else 14."""
    if requires_authorisation or "gesloten" in code or "jeugdzorgplus" in code:
        return "13"
    if "pleegzorg" in code:
        return "11"
    if "gezinshuis" in code or code.startswith("kwv"):
        return "12"
    return "14"


# The default tariffs of the G7 file hold from this day until a region changes them.
DEFAULT_VALID_FROM = dt.date(2000, 1, 1)


def bands_load(band_model=None, tariff_model=None, region_model=None) -> tuple[int, int]:
    """Create the G7 bands (data/g7_intensiteiten.csv) that are missing, and the default
    tariff of every band for every region that has none for it yet. Idempotent; bands and
    tariffs a region or administrator changed are left as they are. Returns (bands, tariffs
    created)."""
    from core.code_lists import g7_bands

    if band_model is None:
        from accounts.models import Region
        from capacity.models import IntensityBand, RegionBandTariff

        band_model, tariff_model, region_model = IntensityBand, RegionBandTariff, Region
    rows = g7_bands()
    for order, row in enumerate(rows):
        band_model.objects.get_or_create(
            code=row["code"],
            defaults={"hours_from": row["hours_from"], "hours_to": row["hours_to"], "sort_order": order * 10},
        )
    bands = {band.code: band for band in band_model.objects.all()}
    have = set(tariff_model.objects.values_list("region_id", "band_id"))
    new = [
        tariff_model(
            region_id=region_id,
            band=bands[row["code"]],
            tariff_eur_per_day=row["tariff"],
            valid_from=DEFAULT_VALID_FROM,
        )
        for region_id in region_model.objects.values_list("pk", flat=True)
        for row in rows
        if (region_id, bands[row["code"]].pk) not in have
    ]
    tariff_model.objects.bulk_create(new)
    return len(rows), len(new)


def taxonomy_load(care_type_model=None, specialisation_model=None) -> tuple[int, int]:
    """Create the missing taxonomy entries; existing rows are left as administrators keep them."""
    if care_type_model is None:
        from capacity.models import CareType, Specialisation

        care_type_model, specialisation_model = CareType, Specialisation
    for order, (code, label, cbs, authorisation) in enumerate(CARE_TYPES):
        care_type_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "cbs_care_form": cbs,
                "requires_authorisation": authorisation,
                "sort_order": order * 10,
            },
        )
    for order, (code, label) in enumerate(SPECIALISATIONS):
        specialisation_model.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order * 10})
    return len(CARE_TYPES), len(SPECIALISATIONS)
