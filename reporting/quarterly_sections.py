"""Extra sections of the quarterly report (issue 16): apps ABOVE reporting in the layers
(planning) register a section here from their AppConfig.ready, so reporting shows it in
the quarterly page, the PDF and the XLSX without importing them.

A section's `build(scope)` returns EXACT tables (as a report builder does); the quarterly
build suppresses them once (reporting.suppression), like every report section. `charts`
turns the suppressed tables into chart specs (reporting.svg). The region's commentary is
asked for the report sections only (REPORT_MODULES); an extra section is figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reporting.router import reporting_reads
from reporting.suppression import published, suppress_tables
from reporting.tables import Table

if TYPE_CHECKING:
    from reporting.reports.common import Scope


@dataclass(frozen=True)
class QuarterlySection:
    code: str
    title: Callable[[], str]  # called inside the language being built
    build: Callable[[Scope], list[Table]]
    charts: Callable[[list[Table]], list[dict]] | None = None


QUARTERLY_SECTIONS: dict[str, QuarterlySection] = {}


def register_quarterly_section(code: str, *, title, build, charts=None) -> None:
    QUARTERLY_SECTIONS[code] = QuarterlySection(code, title, build, charts)


def section_tables(section: QuarterlySection, scope: Scope) -> list[Table]:
    with reporting_reads():
        tables = section.build(scope)
    return suppress_tables(tables) if scope.suppress else [published(t) for t in tables]
