"""Reading an uploaded file (CSV, XLSX or NDJSON) a chunk at a time, with line-numbered errors.

A file is never read whole: rows come from a generator (the csv module, openpyxl in read-only mode, or one
JSON document per line) and are gathered into Polars frames of at most ``chunk_rows`` rows, each checked
with column expressions and then dropped, so memory holds one chunk of raw text at a time plus what the
caller keeps of the checked rows.

Line numbers are the file's own: in a CSV the physical line a row starts on (the header is line 1), in an
XLSX the sheet's row number, in NDJSON the line. The first `MAX_REPORTED_ERRORS` errors are kept, in line
order; the rest are counted. A file with any error is rejected as a whole (`UploadRejected`).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import polars as pl
from polars.expr.whenthen import Then

from vatspilot.analytics.supervision import rejections

MAX_REPORTED_ERRORS = 100
DEFAULT_CHUNK_ROWS = 50_000
# An NDJSON file is cut into blocks of about this many bytes (`ndjson_chunks`).
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
ROW = rejections.ROW_FIELD  # the field named by an error about a whole row or line
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".ndjson": "ndjson", ".jsonl": "ndjson"}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    reason: str
    # An error about the file as a whole (its header, its format) rather than one of its rows.
    whole_file: bool = dataclass_field(default=False, compare=False)

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


class UploadRejected(Exception):
    """The file has errors: the first ones (line, field, reason), how many in all, and the rows read."""

    def __init__(self, errors: Sequence[RowError], error_count: int, rows_read: int) -> None:
        self.errors = tuple(errors)
        self.error_count = error_count
        self.rows_read = rows_read
        first = str(self.errors[0]) if self.errors else "no rows"
        super().__init__(f"{error_count} error(s) in {rows_read} row(s); first: {first}")


@dataclass(frozen=True, slots=True)
class Progress:
    rows_read: int
    errors: int
    chunks: int


ProgressCallback = Callable[[Progress], None]


@dataclass
class ErrorLog:
    """The first ``limit`` errors in line order, and the count of all of them."""

    order: Sequence[str]  # the columns, in the order a line's errors are listed
    limit: int = MAX_REPORTED_ERRORS
    kept: list[RowError] = dataclass_field(default_factory=list)
    count: int = 0

    def add_chunk(self, errors: Iterable[RowError]) -> None:
        """One chunk's errors (chunks come in line order, so sorting each keeps the whole log in order)."""
        rank = {name: i for i, name in enumerate(self.order)}
        ordered = sorted(errors, key=lambda e: (e.line, rank.get(e.field, -1)))
        self.count += len(ordered)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept.extend(ordered[:room])

    def rejected(self, rows_read: int) -> UploadRejected:
        return UploadRejected(self.kept, self.count, rows_read)


def errors_of(frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> list[RowError]:
    """The errors a chunk's checks find: each check is an expression giving the reason (null when fine)."""
    if not checks or frame.height == 0:
        return []
    reasons = frame.select(pl.col("line"), **{f"__{name}": check for name, check in checks.items()})
    # Most chunks have no error: keep the lines that have one before reading each reason.
    reasons = reasons.filter(pl.any_horizontal(pl.exclude("line").is_not_null()))
    if reasons.height == 0:
        return []
    found: list[RowError] = []
    for name in checks:
        column = f"__{name}"
        bad = reasons.filter(pl.col(column).is_not_null()).select("line", column)
        found.extend(RowError(line, name, reason) for line, reason in bad.iter_rows())
    return found


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))  # an XLSX number cell: 110105.0 is the code 110105
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def normalise_column(name: object) -> str:
    """'Incident grade', 'incident-grade' and 'incident_grade' are one column."""
    return str(name or "").strip().lower().replace("-", "_").replace(" ", "_")


Record = tuple[int, tuple[str | None, ...] | RowError]


def _from_header(
    header: Sequence[object], columns: Sequence[str], line: int
) -> tuple[list[int | None], list[RowError]]:
    names = [normalise_column(name) for name in header]
    positions: list[int | None] = []
    missing: list[RowError] = []
    for column in columns:
        if column in names:
            positions.append(names.index(column))
        else:
            positions.append(None)
            missing.append(RowError(line, column, rejections.MISSING_COLUMN.en, True))
    return positions, missing


def _pick(row: Sequence[object], positions: Sequence[int | None]) -> tuple[str | None, ...]:
    return tuple(_text(row[p]) if p is not None and p < len(row) else None for p in positions)


class _NotText(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _decoded_lines(handle: Iterable[bytes]) -> Iterator[str]:
    """The file's lines as text, decoded one at a time so that a bad byte is reported on its own line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as Excel writes CSV
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotText(number) from None


def _csv_records(path: Path, columns: Sequence[str]) -> Iterator[Record]:
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle))
        try:
            header = next(reader, None)
            if header is None:
                yield 1, RowError(1, ROW, rejections.EMPTY_FILE.en, True)
                return
            positions, missing = _from_header(header, columns, 1)
            if missing:
                yield from ((1, error) for error in missing)
                return
            width = len(header)
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    yield start, RowError(start, ROW, rejections.FIELD_COUNT.en.format(fields=len(row), width=width))
                    continue
                yield start, _pick(row, positions)
        except _NotText as bad:
            yield bad.line, RowError(bad.line, ROW, rejections.NOT_UTF8.en)
        except csv.Error as exc:
            yield reader.line_num, RowError(reader.line_num, ROW, rejections.NOT_CSV.en.format(error=exc))


def _xlsx_records(path: Path, columns: Sequence[str]) -> Iterator[Record]:
    from openpyxl import load_workbook  # only when an XLSX comes in: it is slow to import

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        yield 1, RowError(1, ROW, rejections.NOT_XLSX.en.format(error=type(exc).__name__), True)
        return
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        positions: list[int | None] | None = None
        for line, row in enumerate(rows, start=1):
            if positions is None:
                positions, missing = _from_header(row, columns, line)
                if missing:
                    yield from ((line, error) for error in missing)
                    return
                continue
            if all(_text(cell) is None for cell in row):
                continue
            yield line, _pick(row, positions)
        if positions is None:
            yield 1, RowError(1, ROW, rejections.EMPTY_SHEET.en, True)
    finally:
        workbook.close()


def _first_wins(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object whose name comes twice keeps the first, as Polars reads it (and a CSV header)."""
    document: dict[str, object] = {}
    for key, value in pairs:
        document.setdefault(key, value)
    return document


def _ndjson_record(line: int, raw: bytes, columns: Sequence[str]) -> Record:
    try:
        document = json.loads(raw, object_pairs_hook=_first_wins)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return line, RowError(line, ROW, rejections.NOT_JSON_OBJECT.en)
    if not isinstance(document, dict):
        return line, RowError(line, ROW, rejections.NOT_JSON_OBJECT.en)
    keys: dict[str, object] = {}
    for key, value in document.items():
        keys.setdefault(normalise_column(key), value)
    return line, tuple(_json_text(keys.get(column)) for column in columns)


def _json_text(value: object) -> str | None:
    """A JSON value as text, as Polars writes it when it reads a value as text (the fast path): true,
    110105 for 110105.0, an object or a list as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, str | int | float):
        return _text(value)
    return _text(json.dumps(value, ensure_ascii=False))


def _ndjson_records(path: Path, columns: Sequence[str]) -> Iterator[Record]:
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _ndjson_record(line, raw, columns)


@dataclass(frozen=True, slots=True)
class _Block:
    """A block of whole lines (each ending in a newline) and what its bytes say, counted once."""

    data: bytes
    lines: int
    # Whether it may be parsed at once: it starts an object and holds no escaped colon (``\u003a`` is a
    # colon the bytes do not show, which would upset the count below; no other escape can make one).
    # Blank lines and lines that are not objects show after the parse; every doubt sends the block line
    # by line, the path that is always right, only slower.
    plain: bool
    colons: int  # every colon in the block: each name's, and those inside strings

    @classmethod
    def of(cls, data: bytes) -> _Block:
        if not data.endswith(b"\n"):
            data += b"\n"
        # A backslash is sought first, one byte, the fastest search there is: most blocks hold none.
        plain = data.startswith(b"{") and (b"\\" not in data or b"\\u003" not in data)
        return cls(data, data.count(b"\n"), plain, data.count(b":") if plain else 0)


def _explicit_nulls(columns: Sequence[str]) -> list[str]:
    """How a JSON writer writes a column's name with a null value: "status":null, "status": null."""
    return [f'"{column}"{colon}null' for column in columns for colon in (":", ": ")]


def _names_all_known(block: _Block, frame: pl.DataFrame, columns: Sequence[str]) -> bool:
    """Whether every name in the block is one of the columns read (Polars drops other names silently,
    where a line read on its own reads "Incident grade" as incident_grade).

    Each colon in the block closes a name or sits inside a string (or a nested value, which the frame
    holds as its JSON text). Those inside the values read are counted in the frame; each name read
    closes with one colon and has a value in the frame or is written with an explicit null. So the
    block's colons equal the values read, their colons and the read names' explicit nulls exactly when
    no other name is there: a name not read adds its colon and nothing on the other side. The nulls are
    counted only when the first count differs (a nested value in the frame may hold the same text, so
    its own are taken off)."""
    values = sum(frame.height - frame[column].null_count() for column in columns)
    inside = int(frame.select(pl.sum_horizontal(pl.col(columns).str.count_matches(":", literal=True).sum())).item())
    if block.colons == values + inside:
        return True
    if b"null" not in block.data:
        return False
    nulls = _explicit_nulls(columns)
    written = sum(block.data.count(null.encode()) for null in nulls)
    nested = int(
        frame.select(
            pl.sum_horizontal(pl.col(columns).str.count_matches(null, literal=True).sum() for null in nulls)
        ).item()
    )
    return block.colons == values + inside + written - nested


def _cleaned(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Values stripped of surrounding white space, an empty one null (as `_text` reads a value). Only
    the columns that hold such a value are rewritten: measuring is cheaper than stripping every value."""
    length = pl.col(columns).str.len_bytes()
    needs = frame.select(((length == 0) | (length != pl.col(columns).str.strip_chars().str.len_bytes())).any())
    dirty = [column for column in columns if needs[column][0]]
    if not dirty:
        return frame
    value = pl.col(dirty).str.strip_chars()
    return frame.with_columns(pl.when(value != "").then(value).name.keep())


def _ndjson_block(block: _Block, first_line: int, columns: Sequence[str]) -> tuple[pl.DataFrame, list[RowError], int]:
    """One block starting at line ``first_line``: parsed by Polars at once when every line is a plain
    object with the expected names, else line by line (which skips blank lines, and finds the line and
    reason of each error)."""
    frame: pl.DataFrame | None = None
    if block.plain:
        try:
            frame = pl.read_ndjson(
                block.data,
                schema=dict.fromkeys(columns, pl.String),
                row_index_name="line",
                row_index_offset=first_line,
            )
        except Exception:  # Polars raises several kinds for bad JSON: the line-by-line path names the line
            frame = None
    if frame is None or frame.height != block.lines or not _names_all_known(block, frame, columns):
        lines = block.data.split(b"\n")[: block.lines]
        kept = [(line, raw) for line, raw in enumerate(lines, start=first_line) if raw.strip()]
        records = [_ndjson_record(line, raw, columns) for line, raw in kept]
        if not records:
            empty = pl.DataFrame(schema={"line": pl.Int64, **dict.fromkeys(columns, pl.String)})
            return empty, [], 0
        (result,) = chunks(records, columns, chunk_rows=len(records))
        return result
    typed = _cleaned(frame.with_columns(pl.col("line").cast(pl.Int64)), columns)
    return typed.select("line", *columns), [], block.lines


def _line_blocks(handle: BinaryIO, lines: int) -> Iterator[bytes]:
    while block := list(itertools.islice(handle, lines)):
        yield b"".join(block)


def _byte_blocks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """Whole lines, about ``size`` bytes at a time (the line the cut falls in is read to its end)."""
    while data := handle.read(size):
        yield data + handle.readline()


Chunk = tuple[pl.DataFrame, list[RowError], int]


def _ahead(blocks: Iterator[bytes], columns: Sequence[str]) -> Generator[Chunk, None, None]:
    """The blocks read, counted and parsed in a thread, a block ahead of the caller checking the one
    before (Polars lets go of the interpreter while it works, so the two overlap on two cores)."""
    start = 1

    def next_chunk() -> Chunk | None:
        nonlocal start
        data = next(blocks, None)
        if data is None:
            return None
        block = _Block.of(data)
        chunk = _ndjson_block(block, start, columns)
        start += block.lines
        return chunk

    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(next_chunk)
        while (chunk := pending.result()) is not None:
            pending = reader.submit(next_chunk)
            yield chunk


def ndjson_chunks(
    path: Path, columns: Sequence[str], chunk_rows: int | None = None, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Iterator[Chunk]:
    """As `chunks` over an NDJSON file's records, a block parsed at once where it can be: ``chunk_rows``
    lines when given, else whole lines of about ``chunk_bytes`` bytes (cut without looking at each line,
    the faster way). Blank lines are skipped, so a block holding some has fewer rows."""
    if chunk_rows is not None and chunk_rows < 1:
        raise ValueError("a chunk holds at least one row")
    if chunk_bytes < 1:
        raise ValueError("a chunk holds at least one byte")
    with path.open("rb") as handle:
        blocks = _byte_blocks(handle, chunk_bytes) if chunk_rows is None else _line_blocks(handle, chunk_rows)
        with closing(_ahead(blocks, columns)) as ahead:  # a reader stopping early stops the thread too
            yield from ahead


def records(path: Path, columns: Sequence[str], formats: Sequence[str]) -> Iterator[Record]:
    """(line, the row's values in ``columns`` order) or (line, RowError), one row at a time."""
    kind = FORMATS.get(path.suffix.lower())
    if kind not in formats:
        allowed = ", ".join(sorted(suffix for suffix, k in FORMATS.items() if k in formats))
        yield 0, RowError(0, ROW, rejections.WRONG_FORMAT.en.format(formats=allowed), True)
        return
    if kind == "csv":
        yield from _csv_records(path, columns)
    elif kind == "xlsx":
        yield from _xlsx_records(path, columns)
    else:
        yield from _ndjson_records(path, columns)


def chunks(
    rows: Iterable[Record], columns: Sequence[str], chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[tuple[pl.DataFrame, list[RowError], int]]:
    """Frames of at most ``chunk_rows`` rows (a ``line`` column and every column as text), each with the
    errors of the rows that could not be read into it and the number of rows it read (those too)."""
    if chunk_rows < 1:
        raise ValueError("a chunk holds at least one row")
    schema = {"line": pl.Int64, **{column: pl.String for column in columns}}
    batch: list[tuple[object, ...]] = []
    errors: list[RowError] = []
    read = 0
    for line, row in rows:
        if isinstance(row, RowError):
            errors.append(row)
            read += 0 if row.whole_file else 1
        else:
            batch.append((line, *row))
            read += 1
        if len(batch) >= chunk_rows:
            yield pl.DataFrame(batch, schema=schema, orient="row"), errors, read
            batch, errors, read = [], [], 0
    if batch or errors:
        yield pl.DataFrame(batch, schema=schema, orient="row"), errors, read


def required(column: str) -> Then:
    """The reason a required text is missing, or null."""
    return pl.when(pl.col(column).is_null()).then(pl.lit(rejections.REQUIRED.en))
