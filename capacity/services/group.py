"""The current group of a small home (issue 11 point 7): the provider replaces the whole
group at once, one row per resident (age, gender, level of functioning, with or without a
machtiging; no names, no identifiers).

Every row is checked and every error named (`residents.<row>.<field>`, rows counted from
0) before anything is written; then, under the facility lock, the old rows go, the new
ones come, and the facility records when and by whom (`group_recorded_at/by`, fresh or
stale like availability). The database refuses impossible rows and a group larger than
the contracted places (GroupResident constraints and trigger).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import FACILITY_GENDERS, GROUP_AGE_MAX, GROUP_AGE_MIN, Facility, FunctioningLevel, GroupResident
from capacity.services.common import facility_lock, is_provider_staff
from core.errors import Forbidden, Invalid
from core.events import event_record

RESIDENT_FIELDS = ("age", "gender", "level", "machtiging")
_GENDERS = frozenset(gender.value for gender in FACILITY_GENDERS)


def _resident_check(index: int, row) -> tuple[dict | None, list[dict]]:
    prefix = f"residents.{index}"
    if not isinstance(row, dict):
        return None, [{"name": prefix, "reason": _("Elke groepsgenoot is een rij met leeftijd, geslacht en niveau.")}]
    problems = []
    unknown = sorted(set(row) - set(RESIDENT_FIELDS))
    problems += [{"name": f"{prefix}.{name}", "reason": _("Onbekend veld.")} for name in unknown]
    age = row.get("age")
    if isinstance(age, bool) or not isinstance(age, int):
        problems.append({"name": f"{prefix}.age", "reason": _("Vul de leeftijd in hele jaren in.")})
    elif not GROUP_AGE_MIN <= age <= GROUP_AGE_MAX:
        problems.append(
            {
                "name": f"{prefix}.age",
                "reason": _("De leeftijd ligt tussen %(min)s en %(max)s jaar.")
                % {"min": GROUP_AGE_MIN, "max": GROUP_AGE_MAX},
            }
        )
    if row.get("gender") not in _GENDERS:
        problems.append({"name": f"{prefix}.gender", "reason": _("Kies een geslacht uit de lijst.")})
    if row.get("level") not in FunctioningLevel.values:
        problems.append({"name": f"{prefix}.level", "reason": _("Kies een niveau van functioneren uit de lijst.")})
    machtiging = row.get("machtiging", False)
    if not isinstance(machtiging, bool):
        problems.append({"name": f"{prefix}.machtiging", "reason": _("Geef aan of er een machtiging is (ja of nee).")})
    if problems:
        return None, problems
    return {"age": age, "gender": row["gender"], "level": row["level"], "machtiging": machtiging}, []


def group_check(residents, *, places: int) -> list[dict]:
    """The rows as clean dicts, or Invalid naming every bad field of every row at once."""
    if not isinstance(residents, (list, tuple)):
        raise Invalid.field("residents", _("Geef de groep als een lijst van groepsgenoten."))
    rows, problems = [], []
    for index, row in enumerate(residents):
        clean, row_problems = _resident_check(index, row)
        problems += row_problems
        if clean is not None:
            rows.append(clean)
    if len(residents) > places:
        problems.append(
            {
                "name": "residents",
                "reason": _("De groep telt %(n)s jeugdigen; de locatie heeft %(places)s plaatsen.")
                % {"n": len(residents), "places": places},
            }
        )
    if problems:
        raise Invalid(_("De groepssamenstelling klopt niet."), invalid_params=problems)
    return rows


@transaction.atomic
def group_replace(*, facility, residents, by) -> Facility:
    """Replace the facility's whole current group (an empty list: nobody lives there now)."""
    facility = facility_lock(facility)
    if not is_provider_staff(by, facility.provider_id):
        raise Forbidden(_("Alleen medewerkers van de zorgaanbieder kunnen de groep vastleggen."))
    rows = group_check(residents, places=facility.places_contracted)
    before = GroupResident.objects.filter(facility=facility).count()
    GroupResident.objects.filter(facility=facility).delete()
    GroupResident.objects.bulk_create(
        GroupResident(facility=facility, position=position, **row) for position, row in enumerate(rows)
    )
    facility.group_recorded_at = timezone.now()
    facility.group_recorded_by = by
    facility.save(update_fields=["group_recorded_at", "group_recorded_by"])
    # Counts only: the rows hold no names, and the event log need not repeat them.
    event_record(
        subject=facility,
        event_type="group_recorded",
        by=by,
        organisation=facility.provider,
        details={"residents_before": before, "residents": len(rows)},
    )
    return facility
