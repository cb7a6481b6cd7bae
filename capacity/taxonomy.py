"""The care taxonomy the product starts with (administrators maintain it afterwards).

Loaded by a data migration, and again (idempotently, without undoing an administrator's
edits to labels) by `seed_demo` and by tests that truncate tables.
"""

# code, label, CBS care form (12 family-type, 13 closed, 14 other residential),
# requires a machtiging gesloten jeugdzorg
CARE_TYPES = [
    ("jeugdzorgplus", "JeugdzorgPlus (gesloten jeugdzorg)", "13", True),
    ("driemilieu", "Driemilieusvoorziening", "14", False),
    ("behandelgroep", "Behandelgroep", "14", False),
    ("kwv-open", "Kleinschalige woonvoorziening (open)", "14", False),
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
