"""The reports this product knows, by code. A report builder takes a Scope (regions,
period, whether to suppress) and returns EXACT tables; `build_for_scope` applies the one
suppression pass (reporting.suppression) after it when the scope says so. Screens, API,
exports and the quarterly report all go through `build_report` / `build_for_scope`.

`@report(code)` still registers the (membership, params) entry point of a report module
(its code is what exports and the API accept); the tables come from the module's
`build(scope)` (reporting.reports.REPORT_MODULES).

A report registered with `roles` may be built only by memberships in those roles
(`report_allowed`; `build_report` and the export request refuse others with Forbidden).
`ROW_LEVEL` holds the reports whose rows are records, not figures (the CBS placements
export): they have no dashboard page and nothing to suppress."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from accounts.models import Role
from core.errors import Forbidden
from reporting.router import reporting_reads
from reporting.suppression import published, suppress_tables
from reporting.tables import Table

if TYPE_CHECKING:
    from reporting.reports.common import Scope

Builder = Callable[..., list[Table]]
REPORTS: dict[str, Builder] = {}
REPORT_ROLES: dict[str, tuple[str, ...]] = {}  # code -> the only roles that may build it
ROW_LEVEL: set[str] = set()


def report(code: str, *, roles: tuple[str, ...] | None = None, row_level: bool = False):
    def decorator(builder: Builder) -> Builder:
        REPORTS[code] = builder
        if roles is not None:
            REPORT_ROLES[code] = tuple(roles)
        if row_level:
            ROW_LEVEL.add(code)
        return builder

    return decorator


def report_allowed(code: str, membership) -> bool:
    roles = REPORT_ROLES.get(code)
    return roles is None or (membership is not None and membership.role in roles)


def scope_builder(code: str) -> Callable[[Scope], list[Table]]:
    """The module's `build(scope)` for a report code."""
    from reporting.reports import REPORT_MODULES  # the report modules import this one

    module = REPORT_MODULES.get(code) or sys.modules[REPORTS[code].__module__]
    return module.build


def build_for_scope(code: str, scope: Scope) -> list[Table]:
    """The tables of one report as this scope may see them: exact from the builder, then
    suppressed once when `scope.suppress`."""
    with reporting_reads():
        tables = scope_builder(code)(scope)
    return suppress_tables(tables) if scope.suppress else [published(t) for t in tables]


def build_report(code: str, *, membership, params: dict) -> list[Table]:
    """Parse the parameters for this membership (Invalid/NotFound on bad input) and build."""
    from reporting.reports import REPORT_MODULES  # the report modules import this one
    from reporting.reports.common import scope_from_params

    if code not in REPORTS:
        raise KeyError(code)
    if not report_allowed(code, membership):
        raise Forbidden()
    if code in ROW_LEVEL:  # records, not figures: nothing to suppress (only its roles get here)
        with reporting_reads():
            return [published(t) for t in REPORTS[code](membership=membership, params=params)]
    if code not in REPORT_MODULES and not hasattr(sys.modules[REPORTS[code].__module__], "build"):
        # A report registered only with a (membership, params) builder: its tables are
        # exact too, and suppressed here for everyone but coordinators.
        with reporting_reads():
            tables = REPORTS[code](membership=membership, params=params)
        suppress = membership.role != Role.COORDINATOR
        return suppress_tables(tables) if suppress else [published(t) for t in tables]
    with reporting_reads():
        scope = scope_from_params(membership, params)
    return build_for_scope(code, scope)
