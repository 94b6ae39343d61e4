"""A public export as a table: its columns declared once, each with the header it is known by, the width a
spreadsheet gives it and how a row's cell is read from the read model's item. The CSV and the XLSX of an
export are both written from the same table (web/exports.py), so the two files cannot drift apart: same
columns, same order, same rows.

Cells keep their type: a date stays a date (the spreadsheet shows a real date, the CSV its ISO 8601 text),
a number a number; codes (licence numbers, USCCs, division codes) are text, since they are names that
happen to be written in digits, and a spreadsheet must not drop their leading zeros or sum them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeAlias, TypeVar

__all__ = ["Cell", "ExportColumn", "ExportTable", "csv_text", "export_table"]

Cell: TypeAlias = str | int | Decimal | date | None

Item = TypeVar("Item")


@dataclass(frozen=True)
class ExportColumn(Generic[Item]):
    """One column: ``name`` is its header (a stable identifier, the same in every language, for whoever
    loads the file), ``width`` the spreadsheet's column width in characters, ``value`` the cell of an item."""

    name: str
    width: int
    value: Callable[[Item], Cell]


@dataclass(frozen=True)
class ExportTable:
    """What an export writes: ``stem`` names the file (with the day's date and the format's suffix),
    ``sheet`` is the spreadsheet's one sheet, then the header and the rows, each in the columns' order."""

    stem: str
    sheet: str
    header: tuple[str, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[Cell, ...], ...]


def export_table(stem: str, sheet: str, columns: Sequence[ExportColumn[Item]], items: Iterable[Item]) -> ExportTable:
    """The table of ``items`` in ``columns``."""
    return ExportTable(
        stem=stem,
        sheet=sheet,
        header=tuple(column.name for column in columns),
        widths=tuple(column.width for column in columns),
        rows=tuple(tuple(column.value(item) for column in columns) for item in items),
    )


def csv_text(cell: Cell) -> str:
    """A cell as the CSV writes it: a date in ISO 8601, nothing for an empty cell."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)
