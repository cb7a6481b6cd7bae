import csv

from openpyxl import load_workbook

from reporting.exports import write_csv, write_xlsx
from reporting.suppression import SUPPRESSED
from reporting.tables import Column, Table

TABLES = [
    Table(
        "refusals",
        "Afwijzingen per aanbieder",
        [Column("provider", "Aanbieder"), Column("n", "Aantal", True)],
        [{"provider": "De Horst", "n": 12}, {"provider": "Het Esch", "n": SUPPRESSED}],
    ),
    Table(
        "transfers",
        "Doorplaatsingen: per/jeugdige?",
        [Column("year", "Jaar"), Column("n", "Aantal", True)],
        [{"year": 2025, "n": 7}],
    ),
]


def test_csv_has_every_table_with_its_header_and_the_suppressed_values(tmp_path):
    progress = []
    path = write_csv(TABLES, tmp_path / "r.csv", progress=lambda done, total: progress.append((done, total)))
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[:4] == [["Afwijzingen per aanbieder"], ["Aanbieder", "Aantal"], ["De Horst", "12"], ["Het Esch", "<5"]]
    assert rows[5:] == [["Doorplaatsingen: per/jeugdige?"], ["Jaar", "Aantal"], ["2025", "7"]]
    assert progress[-1] == (3, 3)


def test_xlsx_has_one_sheet_per_table(tmp_path):
    path = write_xlsx(TABLES, tmp_path / "r.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Afwijzingen per aanbieder", "Doorplaatsingen  per jeugdige"]
    sheet = workbook["Afwijzingen per aanbieder"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Aanbieder", "Aantal"],
        ["De Horst", 12],
        ["Het Esch", "<5"],
    ]
