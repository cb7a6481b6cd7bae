"""Writing report tables to CSV and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reporting.tables import Table

Progress = Callable[[int, int], None]  # (rows written, rows total)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def write_csv(tables: list[Table], path: Path, progress: Progress | None = None) -> Path:
    """One CSV file; tables follow each other, each headed by its title and columns."""
    total = sum(len(t.rows) for t in tables) or 1
    done = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel opens UTF-8
        writer = csv.writer(handle, delimiter=";")  # Dutch Excel expects semicolons
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


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31].strip() or "Tabel"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:28]} {n}", n + 1
    used.add(name)
    return name


def write_xlsx(tables: list[Table], path: Path, progress: Progress | None = None) -> Path:
    """One worksheet per table, bold header row, columns sized to their contents."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    used: set[str] = set()
    total = sum(len(t.rows) for t in tables) or 1
    done = 0
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
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
