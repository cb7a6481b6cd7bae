"""The reports this product knows, by code. A report builder takes the acting membership
(whose role decides suppression and whose regions decide scope) and the parameters, and
returns tables. Screens, API and exports all go through `build_report`."""

from __future__ import annotations

from collections.abc import Callable

from reporting.router import reporting_reads
from reporting.tables import Table

Builder = Callable[..., list[Table]]
REPORTS: dict[str, Builder] = {}


def report(code: str):
    def decorator(builder: Builder) -> Builder:
        REPORTS[code] = builder
        return builder

    return decorator


def build_report(code: str, *, membership, params: dict) -> list[Table]:
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
