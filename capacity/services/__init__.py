"""Every write to facilities and their availability, by sub-domain. Each module is public;
this package lists the use cases so that callers can write ``from capacity import services``.

- availability: the provider's figures and the holds offers and placements take;
- facilities: create and update facilities (administrators, integrations);
- changes: planned capacity changes (afbouw / opbouw);
- contracts: contracts with providers, their tariffs and history (issue 12);
- reminders: daily reminders of stale figures;
- stale_events: `availability.stale` when figures turn stale (issue 14, api-webhooks);
- group: the current group of a small home (who lives there, without names);
- bands: a region's day tariffs per G7 intensity band (issue 12);
- common: the lock, history and event every change shares.
"""

from capacity.services.availability import (
    availability_bulk_update,
    availability_confirm,
    availability_hold,
    availability_occupy_from_hold,
    availability_release_hold,
    availability_release_occupied,
    availability_update,
)
from capacity.services.bands import (
    band_tariffs_change,
)
from capacity.services.changes import (
    capacity_change_cancel,
    capacity_change_plan,
    capacity_change_update,
    capacity_changes_apply_due,
)
from capacity.services.contracts import (
    CONTRACT_REQUIRED,
    contract_check,
    contract_create,
    contract_update,
)
from capacity.services.facilities import (
    DESCRIPTIVE_FIELDS,
    facility_check,
    facility_create,
    facility_update,
)
from capacity.services.group import (
    RESIDENT_FIELDS,
    group_replace,
)
from capacity.services.reminders import (
    stale_reminders_send,
)
from capacity.services.stale_events import stale_crossings_send

__all__ = [
    "DESCRIPTIVE_FIELDS",
    "RESIDENT_FIELDS",
    "availability_bulk_update",
    "availability_confirm",
    "availability_hold",
    "availability_occupy_from_hold",
    "availability_release_hold",
    "availability_release_occupied",
    "availability_update",
    "band_tariffs_change",
    "capacity_change_cancel",
    "capacity_change_plan",
    "capacity_change_update",
    "CONTRACT_REQUIRED",
    "contract_check",
    "contract_create",
    "contract_update",
    "capacity_changes_apply_due",
    "facility_check",
    "facility_create",
    "facility_update",
    "group_replace",
    "stale_crossings_send",
    "stale_reminders_send",
]
