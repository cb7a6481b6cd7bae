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
