"""Writing report tables to CSV and XLSX (openpyxl), every export with its cover.

The cover says what the figures are: region(s), period, when made and by whom (role and
organisation, not the person), each table's definition and the suppression rule in words.
XLSX: the first sheet ("Toelichting"). CSV: a leading block in the same file, each line
`#;label;value`, then an empty line and the tables. One file and not a second one: a CSV
forwarded on its own still says what it is; a spreadsheet shows the block as rows, and a
program reading the tables skips the lines starting with "#".
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reporting.tables import Table
from reporting.templatetags.reporting import suppression_note

Progress = Callable[[int, int], None]  # (rows written, rows total)
COMMENT = "#"


@dataclass
class Cover:
    """What an export states before its figures."""

    title: str
    regions: list[str]
    start: dt.date
    end: dt.date
    made_by: str  # role and organisation
    suppressed: bool
    made_at: dt.datetime = field(default_factory=timezone.now)
    extra: list[tuple[str, str]] = field(default_factory=list)  # e.g. the quarterly report's status


def suppression_rule(suppressed: bool) -> str:
    if suppressed:
        return suppression_note()
    return _("Exacte cijfers: niet afgeschermd (u mag als plaatsingscoördinator de exacte aantallen zien).")


def cover_rows(cover: Cover, tables: list[Table]) -> list[list[str]]:
    """[label, value] rows of the cover, then one [title, definition] row per table."""
    rows = [
        [_("Export"), str(cover.title)],
        [_("Regio('s)"), ", ".join(str(r) for r in cover.regions) or _("alle regio's")],
        [
            _("Periode"),
            _("%(start)s tot en met %(end)s")
            % {"start": cover.start.strftime("%d-%m-%Y"), "end": cover.end.strftime("%d-%m-%Y")},
        ],
        [_("Gemaakt op"), timezone.localtime(cover.made_at).strftime("%d-%m-%Y %H:%M")],
        [_("Gemaakt door"), str(cover.made_by)],
        *([str(label), str(value)] for label, value in cover.extra),
        [_("Afscherming kleine aantallen"), suppression_rule(cover.suppressed)],
        [],
        [_("Definities"), ""],
    ]
    for table in tables:
        rows.append([str(table.title), str(table.description or _("(geen toelichting bij deze tabel)"))])
    return rows


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def write_csv(tables: list[Table], path: Path, progress: Progress | None = None, cover: Cover | None = None) -> Path:
    """One CSV file; the cover block (lines starting with "#"), then the tables following
    each other, each headed by its title and columns."""
    total = sum(len(t.rows) for t in tables) or 1
    done = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel opens UTF-8
        writer = csv.writer(handle, delimiter=";")  # Dutch Excel expects semicolons
        if cover is not None:
            for row in cover_rows(cover, tables):
                writer.writerow([COMMENT, *row] if row else [COMMENT])
            writer.writerow([])
        for index, table in enumerate(tables):
            if index:
                writer.writerow([])
            writer.writerow([str(table.title)])
            writer.writerow([str(c.label) for c in table.columns])
            for values in table.values():
                writer.writerow([_cell(v) for v in values])
                done += 1
                if progress and done % 500 == 0:
                    progress(done, total)
    if progress:
        progress(total, total)
    return path


def sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31].strip() or "Tabel"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:28]} {n}", n + 1
    used.add(name)
    return name


def write_cover_sheet(workbook: Workbook, cover: Cover, tables: list[Table], used: set[str]):
    """The first sheet: the cover (see `cover_rows`)."""
    sheet = workbook.create_sheet(sheet_title(_("Toelichting"), used), 0)
    for row in cover_rows(cover, tables):
        sheet.append(row)
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 100
    return sheet


def write_xlsx(tables: list[Table], path: Path, progress: Progress | None = None, cover: Cover | None = None) -> Path:
    """The cover sheet first (when given), then one worksheet per table, bold header row,
    columns sized to their contents."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    used: set[str] = set()
    if cover is not None:
        write_cover_sheet(workbook, cover, tables, used)
    total = sum(len(t.rows) for t in tables) or 1
    done = 0
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title, used))
        sheet.append([str(c.label) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(c.label)) for c in table.columns]
        for values in table.values():
            row = [_cell(v) for v in values]
            sheet.append(row)
            widths = [max(w, len(str(v))) for w, v in zip(widths, row, strict=False)]
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
    workbook.save(path)
    if progress:
        progress(total, total)
    return path
