"""The public exports' two file formats, both written from one export table (queries/exports.py): CSV
(UTF-8 with a byte-order mark) and XLSX (openpyxl's write-only workbook, which streams the rows out as it
goes instead of holding a sheet of cell objects). The header row is the same identifiers in both."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from vatspilot.queries.exports import Cell, ExportTable, csv_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: ExportTable) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The byte-order mark tells Excel the file is UTF-8, or it shows the Chinese names as mojibake.
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([csv_text(cell) for cell in row])
    return _attachment(response, f"{table.stem}.csv")


def _cell(sheet: WriteOnlyWorksheet, value: Cell, *, bold: bool = False) -> SheetCell:
    # openpyxl writes a date as a date and a Decimal as a number; its stubs name fewer types than it takes.
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    if isinstance(value, str):
        # openpyxl takes a text starting with "=" for a formula; a holder's name or a reason is never one.
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    return cell


def xlsx_response(table: ExportTable) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet)
    # A write-only sheet takes its layout before its first row.
    for index, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in table.header])
    for row in table.rows:
        sheet.append([_cell(sheet, value) for value in row])
    body = io.BytesIO()
    workbook.save(body)
    return _attachment(HttpResponse(body.getvalue(), content_type=XLSX_CONTENT_TYPE), f"{table.stem}.xlsx")
