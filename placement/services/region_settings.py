"""The region's own settings for coordination: offer deadlines per urgency and the bounds
of a deadline per offer, the crisis dossier term, the machtiging warning, group fit and the
decline policy. A coordinator of the region (or an administrator) changes them; every
change is an event with the old and new values. The numeric bounds live in `accounts.models.REGION_SETTING_LIMITS`,
which the database checks read too."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import REGION_SETTING_LIMITS, Region, Role
from accounts.selectors import region_ids_of
from core.errors import Forbidden, Invalid, NotFound
from core.events import event_record
from placement.models import PROVIDER_DECLINE_REASONS

EDITABLE = (
    "freshness_days",
    "offer_response_working_days",
    "offer_response_working_days_urgent",
    "offer_response_hours_crisis",
    "offer_deadline_min_hours",
    "offer_deadline_max_working_days",
    "crisis_dossier_working_days",
    "machtiging_warning_days",
    "group_fit_hard",
    "decline_parking_reasons",
    "decline_parking_days",
)
# The reasons a provider gives when it declines (an expiry is no judgement: no parking on it).
PARKING_REASONS = PROVIDER_DECLINE_REASONS


def _range_errors(values: dict) -> list[dict]:
    errors = []
    for name, (low, high) in REGION_SETTING_LIMITS.items():
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append({"name": name, "reason": _("Vul een geheel getal in.")})
        elif low is not None and value < low:
            errors.append({"name": name, "reason": _("Minimaal %(low)s.") % {"low": low}})
        elif high is not None and value > high:
            errors.append({"name": name, "reason": _("Maximaal %(high)s.") % {"high": high}})
    return errors


def _relation_errors(values: dict, failed: set) -> list[dict]:
    def checkable(*names):
        return not failed.intersection(names)

    errors = []
    if (
        checkable("offer_response_working_days_urgent", "offer_response_working_days")
        and values["offer_response_working_days_urgent"] > values["offer_response_working_days"]
    ):
        errors.append(
            {
                "name": "offer_response_working_days_urgent",
                "reason": _("Een spoedaanmelding krijgt niet meer werkdagen dan een reguliere."),
            }
        )
    if (
        checkable("offer_deadline_min_hours", "offer_response_hours_crisis")
        and values["offer_deadline_min_hours"] > values["offer_response_hours_crisis"]
    ):
        errors.append(
            {
                "name": "offer_deadline_min_hours",
                "reason": _("De kortste termijn is niet langer dan de termijn bij crisis."),
            }
        )
    if (
        checkable("offer_deadline_max_working_days", "offer_response_working_days")
        and values["offer_deadline_max_working_days"] < values["offer_response_working_days"]
    ):
        errors.append(
            {
                "name": "offer_deadline_max_working_days",
                "reason": _("De langste termijn is niet korter dan de reguliere termijn."),
            }
        )
    return errors


def _other_errors(values: dict) -> list[dict]:
    errors = []
    reasons = values["decline_parking_reasons"]
    allowed = {code for code, _label in PARKING_REASONS}
    if not isinstance(reasons, list) or any(reason not in allowed for reason in reasons):
        errors.append({"name": "decline_parking_reasons", "reason": _("Kies alleen afwijzingsredenen uit de lijst.")})
    elif reasons and values["decline_parking_days"] == 0:
        errors.append(
            {
                "name": "decline_parking_days",
                "reason": _("Geef aan hoeveel dagen een aanvraag geparkeerd blijft, of kies geen redenen."),
            }
        )
    if not isinstance(values["group_fit_hard"], bool):
        errors.append({"name": "group_fit_hard", "reason": _("Kies ja of nee.")})
    return errors


def region_settings_update(*, region: Region, changes: dict, by, membership) -> Region:
    """Apply `changes` (a subset of EDITABLE) to the region's settings; every error at once.
    A coordinator of the region, or an administrator (configuration, any region)."""
    if membership is None or membership.role not in (Role.COORDINATOR, Role.ADMIN):
        raise Forbidden()
    if membership.role == Role.COORDINATOR and region.pk not in region_ids_of(membership):
        raise NotFound()
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise Invalid(
            _("Onbekende instelling."),
            invalid_params=[{"name": name, "reason": _("Deze instelling bestaat niet.")} for name in unknown],
        )
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        before = {name: getattr(locked, name) for name in EDITABLE}
        values = {**before, **changes}
        if isinstance(values["decline_parking_reasons"], (list, tuple)):
            values["decline_parking_reasons"] = sorted(set(values["decline_parking_reasons"]))
        errors = _range_errors(values)
        errors += _relation_errors(values, {error["name"] for error in errors})
        errors += _other_errors(values)
        if errors:
            raise Invalid(_("De instellingen zijn niet opgeslagen."), invalid_params=errors)
        changed = {
            name: {"old": before[name], "new": values[name]} for name in EDITABLE if before[name] != values[name]
        }
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=list(changed))
        event_record(
            subject=locked,
            event_type="region.settings_changed",
            by=by,
            organisation=membership.organisation,
            details={"changed": changed},
        )
    return locked
