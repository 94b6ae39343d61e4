"""The two file formats of the public exports (web/exports.py), written from one export table: each cell's
type survives into the XLSX (text stays text, even one that looks like a formula; a number is a number; a
date a date; an empty cell empty), and the CSV writes the same cells as text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tests.web.xlsx_cells import XLSX, csv_rows, rows_as_csv, workbook
from vatspilot.queries.exports import ExportColumn, ExportTable, csv_text, export_table
from vatspilot.web.exports import csv_response, xlsx_response

COLUMNS: tuple[ExportColumn[tuple[str, int, Decimal, date, str | None]], ...] = (
    ExportColumn("code", 10, lambda item: item[0]),
    ExportColumn("count", 8, lambda item: item[1]),
    ExportColumn("share", 8, lambda item: item[2]),
    ExportColumn("on", 12, lambda item: item[3]),
    ExportColumn("note", 20, lambda item: item[4]),
)
ITEMS = [
    ("0110000", 1200, Decimal("70.50"), date(2026, 3, 7), None),
    ("=1+1", 0, Decimal("0"), date(2022, 6, 5), "港湾云"),
]


def table() -> ExportTable:
    return export_table("sample-2026-12-07", "sample", COLUMNS, ITEMS)


def test_the_table_holds_the_header_widths_and_typed_rows_in_the_columns_order() -> None:
    assert table() == ExportTable(
        stem="sample-2026-12-07",
        sheet="sample",
        header=("code", "count", "share", "on", "note"),
        widths=(10, 8, 8, 12, 20),
        rows=(
            ("0110000", 1200, Decimal("70.50"), date(2026, 3, 7), None),
            ("=1+1", 0, Decimal("0"), date(2022, 6, 5), "港湾云"),
        ),
    )
    assert [csv_text(cell) for cell in table().rows[0]] == ["0110000", "1200", "70.50", "2026-03-07", ""]


def test_the_xlsx_keeps_each_cell_s_type() -> None:
    response = xlsx_response(table())
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="sample-2026-12-07.xlsx"'
    sheet = workbook(response.content)["sample"]
    assert [[(cell.data_type, cell.value) for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        [("s", "0110000"), ("n", 1200), ("n", 70.5), ("d", datetime(2026, 3, 7)), ("n", None)],
        [("s", "=1+1"), ("n", 0), ("n", 0), ("d", datetime(2022, 6, 5)), ("s", "港湾云")],
    ]
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert [cell.font.b for cell in sheet[1]] == [True] * 5
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[letter].width for letter in "ABCDE"] == [10, 8, 8, 12, 20]


def test_the_csv_and_the_xlsx_hold_the_same_rows() -> None:
    from_csv = csv_rows(csv_response(table()).content)
    assert from_csv == [
        ["code", "count", "share", "on", "note"],
        ["0110000", "1200", "70.50", "2026-03-07", ""],
        ["=1+1", "0", "0", "2022-06-05", "港湾云"],
    ]
    from_xlsx = rows_as_csv(xlsx_response(table()).content)
    # A spreadsheet keeps a number's value, not how it was written: 70.50 is 70.5 there.
    assert from_xlsx == [from_csv[0], ["0110000", "1200", "70.5", "2026-03-07", ""], from_csv[2]]
