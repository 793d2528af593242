"""Read CMS spreadsheets (.xlsx) and CSV (or tab-separated) files as plain rows of text,
with row numbers.

CMS publishes the same table as a workbook and as CSV, with header cells broken over
several lines and cells that hold numbers, stray spaces or line breaks. This module
turns either form into the same thing: the header found by name (whitespace and case
ignored) and each row as cleaned text keyed by the importer's own column names, with
the row number a person sees in Excel or a text editor. No database access here.

Every importer reads CSV through ``csv_records``, which refuses what Python's csv
module would otherwise let through silently: a quote that is never closed (the module
reads the rest of the file into one value) and text after a closing quote. Rows whose
number of fields differs from the header's are found by ``field_count_problem``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# How far down a sheet the header may start (CMS sometimes puts a title row above it).
HEADER_SEARCH_ROWS = 10


class TableError(Exception):
    """The file is not a readable table of the expected kind; ``row`` is where it showed.

    ``row`` counts records (a spreadsheet's rows), ``line`` the physical line where that
    record starts; they differ only after a quoted line break."""

    def __init__(self, row: int, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.line = row if line is None else line
        self.message = message


UNCLOSED_QUOTE = (
    'a quoted value is never closed: its opening " has no closing ", so the rest of the '
    "file would be read as one value (is the file cut short?)"
)


def csv_records(
    lines: Iterable[str], *, delimiter: str = ","
) -> Iterator[tuple[int, int, list[str]]]:
    """Each CSV record as (row, line, cells), read strictly.

    ``row`` is the record's number (the first record being 1), ``line`` the physical
    line it starts on. Without ``strict``, the csv module turns a quote left open at
    the end of the file into one long last value, and a truncated file into a
    plausible one; here that raises ``TableError`` naming the record where it starts.
    """
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    row, line = 0, 1
    try:
        for cells in reader:
            row += 1
            yield row, line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        # An open quote far from the end of the file swallows lines until the field
        # passes the csv module's size limit (128 KB): no CMS cell is that long.
        open_quote = any(s in str(error) for s in ("unexpected end of data", "field limit"))
        message = UNCLOSED_QUOTE if open_quote else f"The CSV is malformed: {error}"
        raise TableError(row + 1, message, line=line) from error


def field_count_problem(cells: Sequence[object], width: int) -> str | None:
    """Why a record does not fit a header of ``width`` fields, or None when it does.

    A trailing comma (one more, empty field) is harmless; a short row is a row cut off
    (a truncated file) and a long one a value with an unquoted comma.
    """
    if len(cells) == width:
        return None
    if len(cells) > width and not any(str(cell).strip() for cell in cells[width:]):
        return None
    return (
        f"has {len(cells)} fields where the header has {width} (a comma inside an "
        "unquoted value, or a row cut short?)"
    )


def clean_cell(value: object) -> str:
    """A cell as text with every run of whitespace, line breaks included, made one space.

    Workbooks hand back numbers and dates as such; they are written the way a person
    reads them (``90006``, not ``90006.0``), since the importers validate text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%m/%d/%Y")
    return " ".join(str(value).split())


def header_key(value: object) -> str:
    return clean_cell(value).casefold()


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as Excel or an editor shows it
    cells: Mapping[str, str]  # the importer's column name → cleaned text

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def read_rows(path: Path, *, columns: Mapping[str, str], required: Sequence[str]) -> Iterator[Row]:
    """Yield the data rows of ``path`` (xlsx or CSV, told apart by content, not name).

    ``columns`` maps the importer's names to the file's header text; ``required`` lists
    the importer's names that must be present. Blank rows are skipped. Raises
    ``TableError`` when the file cannot be read or the header is not found.
    """
    wanted = {header_key(header): name for name, header in columns.items()}
    raw_rows, is_csv = _raw_rows(path)
    header_number, positions, width = _find_header(raw_rows, wanted, required, columns)
    for number, values in raw_rows:
        if number <= header_number:
            continue
        if is_csv and any(values) and (problem := field_count_problem(values, width)):
            # One broken row means the file was cut or mangled: refuse it whole.
            raise TableError(number, f"{problem}.")
        cells = {name: clean_cell(values[i]) if i < len(values) else "" for name, i in positions}
        if any(cells.values()):
            yield Row(number, cells)


def _find_header(
    raw_rows: Iterator[tuple[int, Sequence[object]]],
    wanted: Mapping[str, str],
    required: Sequence[str],
    columns: Mapping[str, str],
) -> tuple[int, list[tuple[str, int]], int]:
    best: tuple[int, set[str]] = (1, set())
    for number, values in raw_rows:
        found = {wanted[key]: i for i, v in enumerate(values) if (key := header_key(v)) in wanted}
        if all(name in found for name in required):
            return number, list(found.items()), len(values)
        if len(found) > len(best[1]):
            best = (number, set(found))
        if number >= HEADER_SEARCH_ROWS:
            break
    missing = [columns[name] for name in required if name not in best[1]]
    raise TableError(
        best[0],
        "This does not look like the expected file: no header row has the columns "
        f"{'; '.join(missing)}.",
    )


def _raw_rows(path: Path) -> tuple[Iterator[tuple[int, Sequence[object]]], bool]:
    """The rows of the file, and whether it is CSV (whose rows must match the header)."""
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path), False
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            1, "This is an old Excel .xls workbook: save it as .xlsx or CSV and import that."
        )
    return _csv_rows(path), True


def _xlsx_rows(path: Path) -> Iterator[tuple[int, Sequence[object]]]:
    # Imported here so the CSV-only importers do not pay for openpyxl.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file it cannot read
        raise TableError(
            1,
            "This file could not be read as an Excel .xlsx workbook "
            f"({type(error).__name__}). Save it as .xlsx or CSV and import that.",
        ) from error

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        try:
            # The first sheet: CMS's directory has one sheet, whatever its name this month.
            sheet = workbook.worksheets[0]
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        finally:
            workbook.close()

    return rows()


def _csv_rows(path: Path) -> Iterator[tuple[int, Sequence[object]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # CMS CSVs are sometimes Windows-1252 (en dashes, accented names); that codec
        # maps nearly every byte, so fall back to it rather than refuse a real file.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise TableError(1, "This file is neither UTF-8 nor Windows-1252 text.") from error
    if "\x00" in text:
        raise TableError(1, "This is not a CSV text file (it holds binary data).")

    # CMS ships some tables (the Plan Crosswalk) tab-separated: the header line tells.
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        # Rows are numbered as a spreadsheet shows them (the header is row 1), not by
        # physical line: a quoted line break in a header cell must not shift them.
        try:
            for number, _line, values in csv_records(
                io.StringIO(text, newline=""), delimiter=delimiter
            ):
                yield number, values
        except TableError as error:
            raise TableError(error.row, f"{error.message}.") from error

    return rows()
