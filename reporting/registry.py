"""The reports this product knows, by code. A report builder takes the acting membership
(whose role decides suppression and whose regions decide scope) and the parameters, and
returns tables. Screens, API and exports all go through `build_report`.

A report registered with `roles` may be built only by memberships in those roles
(`report_allowed`; `build_report` and the export request refuse others with Forbidden).
`ROW_LEVEL` holds the reports whose rows are records, not figures (the CBS placements
export): they have no dashboard page and nothing to suppress."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import Forbidden
from reporting.router import reporting_reads
from reporting.tables import Table

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


def build_report(code: str, *, membership, params: dict) -> list[Table]:
    if not report_allowed(code, membership):
        raise Forbidden()
    with reporting_reads():
        return REPORTS[code](membership=membership, params=params)


def build_for_scope(code: str, scope) -> list[Table]:
    """The tables of report `code` for a scope already worked out (the quarterly report
    builds a region's quarter and the quarter before it this way, without request
    parameters): build, then suppress as `scope.suppress` says. The one function for
    this; the "suppression" part of issue 12 puts its single suppression pass here (and
    makes `build_report` call this), so on this branch the builders still suppress
    themselves from `scope.suppress`."""
    from reporting.reports import REPORT_MODULES  # the reports import this module to register

    with reporting_reads():
        return REPORT_MODULES[code].build(scope)
