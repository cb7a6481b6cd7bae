"""The quarterly report as a reader gets it, from its stored figures (`content`) and the
region's commentary, in the language the reader chooses: the printable HTML page, the PDF
(WeasyPrint, charts as server-rendered SVG) and the XLSX (the cover sheet, one sheet per
section, the charts' data).

The quarter is shown with the previous quarter beside it: headline tables (each report's
"summary", and the capacity per care type) side by side in one table; the other tables
of the previous quarter follow this quarter's in the XLSX."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reporting import exports
from reporting.models import QuarterlyReport
from reporting.services import quarter_before, quarter_bounds
from reporting.svg import render_svg
from reporting.tables import Column, Table
from reporting.templatetags.reporting import suppression_note

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
HEADLINE_TABLES = {"summary", "by_care_type"}  # shown with the previous quarter beside them


def reader_language(request) -> str:
    """?lang= when it names a language of the product, otherwise the reader's own."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


def _quarter_label(year: int, quarter: int) -> str:
    return f"{year} Q{quarter}"  # as QuarterlyReport.label


def _side_by_side(table: dict, previous: dict | None, labels: tuple[str, str]) -> dict:
    """One table with, for each numeric column, this quarter's and the previous quarter's
    value. Summary rows are matched by position (their labels carry dates), other rows by
    their first cell."""
    columns, rows = table["columns"], table["rows"]
    prev_rows = previous["rows"] if previous else []
    by_label = {str(r[0]): r for r in prev_rows if r}
    numeric = [i for i, c in enumerate(columns) if c["numeric"]]
    single = len(numeric) == 1
    new_columns = []
    for i, column in enumerate(columns):
        if i not in numeric:
            new_columns.append(column)
            continue
        for label, is_previous in zip(labels, (False, True), strict=True):
            new_columns.append(
                {
                    "key": column["key"] + ("_previous" if is_previous else ""),
                    "label": label if single else f"{column['label']} ({label})",
                    "numeric": True,
                    "previous": is_previous,
                }
            )
    new_rows = []
    for index, row in enumerate(rows):
        if table["key"] == "summary":
            match = prev_rows[index] if index < len(prev_rows) else None
        else:
            match = by_label.get(str(row[0]))
        values = []
        for i, value in enumerate(row):
            values.append(value)
            if i in numeric:
                values.append(match[i] if match and i < len(match) else None)
        new_rows.append(values)
    return {**table, "columns": new_columns, "rows": new_rows, "compared": True}


def report_context(report: QuarterlyReport, lang: str) -> dict:
    """What the templates need, in `lang` (call inside translation.override(lang))."""
    content = (report.content or {}).get(lang) or (report.content or {}).get(settings.LANGUAGE_CODE) or {}
    py, pq = quarter_before(report.year, report.quarter)
    labels = (_quarter_label(report.year, report.quarter), _quarter_label(py, pq))
    sections = []
    for section in content.get("sections", []):
        previous = {t["key"]: t for t in section.get("previous", [])}
        tables = [
            _side_by_side(t, previous.get(t["key"]), labels) if t["key"] in HEADLINE_TABLES else t
            for t in section["tables"]
        ]
        sections.append(
            {
                **section,
                "tables": tables,
                "svgs": [render_svg(spec) for spec in section.get("charts", [])],
                "commentary": (report.commentary or {}).get(section["code"], ""),
                "definitions": [(t["title"], t["description"]) for t in section["tables"] if t["description"]],
            }
        )
    start, end = quarter_bounds(report.year, report.quarter)
    return {
        "report": report,
        "lang": lang,
        "sections": sections,
        "start": start,
        "end": end,
        "this_label": labels[0],
        "previous_label": labels[1],
        "suppression_note": suppression_note(),
    }


def render_html(report: QuarterlyReport, lang: str, *, back_url: str = "", pdf: bool = False) -> str:
    with translation.override(lang):
        return render_to_string(
            "reporting/quarterly_print.html", {**report_context(report, lang), "back_url": back_url, "pdf": pdf}
        )


def _refuse_urls(url, *args, **kwargs):
    """The PDF is made from our own HTML and CSS only: WeasyPrint fetches nothing."""
    raise ValueError(f"not fetched: {url[:80]}")


def render_pdf(report: QuarterlyReport, lang: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import: only when a PDF is asked for

    html = render_html(report, lang, pdf=True)
    stylesheet = CSS(filename=finders.find("reporting/quarterly.css"), url_fetcher=_refuse_urls)
    return HTML(string=html, url_fetcher=_refuse_urls).write_pdf(stylesheets=[stylesheet])


def _as_table(data: dict) -> Table:
    columns = [Column(f"c{i}", c["label"], c["numeric"]) for i, c in enumerate(data["columns"])]
    rows = [{f"c{i}": v for i, v in enumerate(values)} for values in data["rows"]]
    return Table(data["key"], data["title"], columns, rows, data.get("description", ""))


def _status_text(report) -> str:
    if report.published_at:
        return _("Gepubliceerd op %(date)s") % {"date": timezone.localtime(report.published_at).strftime("%d-%m-%Y")}
    return _("Concept (nog niet gepubliceerd)")


def render_xlsx(report: QuarterlyReport, lang: str) -> bytes:
    with translation.override(lang):
        context = report_context(report, lang)
        start, end = context["start"], context["end"]
        cover = exports.Cover(
            title=_("Kwartaalrapportage %(region)s %(quarter)s")
            % {"region": report.region.name, "quarter": context["this_label"]},
            regions=[report.region.name],
            start=start,
            end=end,
            made_by=_("Contractmanager") if report.requested_by_id else _("Automatisch, begin van het kwartaal"),
            suppressed=True,
            made_at=report.finished_at or report.created_at,
            extra=[(_("Status"), _status_text(report)), (_("Vergeleken met"), context["previous_label"])],
        )
        workbook = Workbook()
        workbook.remove(workbook.active)
        used: set[str] = set()
        all_tables = [_as_table(t) for s in context["sections"] for t in s["tables"] if not t.get("compared")]
        all_tables += [
            _as_table(t)
            for s in (report.content or {}).get(lang, {}).get("sections", [])
            for t in s["tables"]
            if t["key"] in HEADLINE_TABLES
        ]
        exports.write_cover_sheet(workbook, cover, all_tables, used)
        bold = Font(bold=True)
        for section in context["sections"]:
            sheet = workbook.create_sheet(exports.sheet_title(section["title"], used))
            sheet.append([section["title"]])
            sheet.append([_("Toelichting van de regio"), section["commentary"] or _("(geen toelichting)")])
            sheet.append([])
            previous = [t for t in section.get("previous", []) if t["key"] not in HEADLINE_TABLES]
            for heading, tables in (
                (context["this_label"], section["tables"]),
                (_("Vorig kwartaal: %(label)s") % {"label": context["previous_label"]}, previous),
            ):
                if not tables:
                    continue
                sheet.append([heading])
                sheet.cell(row=sheet.max_row, column=1).font = bold
                for table in tables:
                    sheet.append([table["title"]])
                    sheet.cell(row=sheet.max_row, column=1).font = bold
                    sheet.append([c["label"] for c in table["columns"]])
                    for values in table["rows"]:
                        sheet.append(["" if v is None else v for v in values])
                    sheet.append([])
            sheet.column_dimensions["A"].width = 45
        charts = workbook.create_sheet(exports.sheet_title(_("Grafiekgegevens"), used))
        for section in context["sections"]:
            for spec in section.get("charts", []):
                charts.append([spec["title"]])
                charts.cell(row=charts.max_row, column=1).font = bold
                charts.append(["", *spec["labels"]])
                for dataset in spec["datasets"]:
                    charts.append([dataset["label"], *("" if v is None else v for v in dataset["data"])])
                if spec.get("norm") is not None:
                    charts.append([spec.get("norm_label") or _("Norm"), *([spec["norm"]] * len(spec["labels"]))])
                if spec.get("empty"):
                    charts.append([spec["empty"]])
                charts.append([])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
