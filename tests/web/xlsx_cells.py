"""Reading an XLSX export back for the tests: its cells as openpyxl reads them, the same rows as the CSV's
text, and every word the file holds (cells and the package's XML parts alike, for the privacy tests)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from openpyxl import Workbook, load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def cells(content: bytes) -> list[tuple[object, ...]]:
    """The one sheet's rows, as values."""
    book = workbook(content)
    assert len(book.worksheets) == 1
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def as_csv_text(value: object) -> str:
    """A cell as the CSV writes it: a date (read back as a midnight datetime) in ISO 8601, nothing for empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        assert value.time() == datetime.min.time()
        return value.date().isoformat()
    return str(value)


def rows_as_csv(content: bytes) -> list[list[str]]:
    return [[as_csv_text(value) for value in row] for row in cells(content)]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def every_word(content: bytes) -> str:
    """Everything the file holds as text: each XML part of the package, then each cell's value."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        parts = [package.read(name).decode("utf-8") for name in package.namelist()]
    values = [as_csv_text(value) for row in cells(content) for value in row]
    return "\n".join([*parts, *values])
