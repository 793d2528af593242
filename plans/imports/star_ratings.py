"""CMS Part C and D Star Ratings data tables → ContractRating, ContractMeasure, MeasureMedian.

One import takes the files of ONE Star Ratings year: measure data, measure stars, summary
ratings and disenrollment reasons. Which file is which is read from its header, never
from its name, because CMS's own names and the copies people keep differ. The parser
is pure (files in, plain records and row errors out); ``apply_star_ratings`` writes.

What the files look like (docs: ../shared/data/SOURCES.md):

- a title row may sit above the header ("2026 Data View: Medicare Report Card Master
  Table"), and the 2026 measure data has three header rows: domains (on the CONTRACT_ID
  row), measure names, then each measure's data period;
- cells and IDs carry trailing spaces (``"H0028 "``); 2026 files start with a UTF-8 BOM;
  the 2024 and 2025 measure files are Windows-1252 (en dashes in measure names);
- measure codes are renumbered between years, so a measure is known by a slug of its
  NAME (``complaints_about_the_health_plan``); Part D measures add ``_part_d``, because
  two names (Members Choosing to Leave the Plan; the call-center interpreter measure)
  exist in both parts;
- values are text: ``76%``, ``84``, ``0.15`` or CMS's words ("Plan too new to be
  measured"), which are kept as written.

Only Medicare Advantage contracts (H and R numbers) are kept: S (stand-alone drug plans)
and E (employer) contracts never appear on a D-SNP or PACE page.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.text import slugify

from plans.imports.closed_sets import ORGANIZATION_TYPES, Choices
from plans.imports.common import ImportRefused, ImportReport, file_checksum
from plans.imports.tabular import TableError, csv_records, field_count_problem
from plans.models import (
    ContractMeasure,
    ContractRating,
    MeasureMedian,
    MeasurePart,
    MeasureUnit,
)

# CMS's words in place of a number, as seen in the 2024–2026 files. Other words are kept
# too (CMS adds codes now and then) but are listed in the report for a look.
KNOWN_TEXT_CODES = frozenset(
    {
        "Plan too new to be measured",
        "Not enough data available",
        "Plan too small to be measured",
        "No data available",
        "Plan not required to report measure",
        "Plan not required to report",
        "Not required to report",
        "CMS identified issues with this plan's data",
        "Medicare shows only a Star Rating for this topic",
        "Benefit not offered by plan",
        "Not Applicable",
        "Not Available",
    }
)
STARS_ONLY_TEXT = "Medicare shows only a Star Rating for this topic"

# Measures reported as a plain number, not a percent: CMS's survey (CAHPS) scores, the
# complaint rate and Plan Finder price accuracy. Every other number in these files is a %.
CAHPS_KEYS = frozenset(
    {
        "getting_needed_care",
        "getting_appointments_and_care_quickly",
        "customer_service",
        "rating_of_health_care_quality",
        "rating_of_health_plan",
        "care_coordination",
        "rating_of_drug_plan_part_d",
        "getting_needed_prescription_drugs_part_d",
    }
)
COMPLAINT_KEYS = frozenset(
    {"complaints_about_the_health_plan", "complaints_about_the_drug_plan_part_d"}
)
# CMS scores these the other way round: fewer is better.
LOWER_IS_BETTER_KEYS = frozenset(
    {
        *COMPLAINT_KEYS,
        "members_choosing_to_leave_the_plan",
        "members_choosing_to_leave_the_plan_part_d",
        "plan_all_cause_readmissions",
    }
)

ID_COLUMNS = frozenset(
    {
        "contract_id",
        "contract number",
        "organization type",
        "contract name",
        "organization marketing name",
        "parent organization",
    }
)
MEASURE_HEADER = re.compile(r"^([CD])(\d{2}):\s*(.+)$")
DOMAIN_HEADER = re.compile(r"^[HD]D\d:\s*")
SUMMARY_HEADER = re.compile(r"^(\d{4}) (Part C Summary|Part D Summary|Overall)$", re.IGNORECASE)
TITLE_YEAR = re.compile(r"^\s*(20\d\d)\b")
NAME_YEAR = re.compile(r"(20\d\d)[ _-]*star[ _-]*ratings|star[ _-]*ratings[ _-]*(20\d\d)", re.I)
CONTRACT = re.compile(r"^[HRSE]\d{4}$")
NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(%?)$")
# CMS's words: letters first, no digits (a digit means a mangled number, not a code).
TEXT_CODE = re.compile(r"^[A-Za-z][A-Za-z ,.'’()/&-]*$")
STARS = re.compile(r"^[1-5]$")
SUMMARY_STARS = re.compile(r"^[1-5](\.[05])?$")
HEADER_SEARCH_ROWS = 10
SOURCE = "CMS Part C and D Star Ratings data tables, {year} Star Ratings"
ORGANIZATION_TYPE = Choices("Organization Type", ORGANIZATION_TYPES, blank=True)


class FileKind(StrEnum):
    MEASURE_DATA = "measure data"
    MEASURE_STARS = "measure stars"
    SUMMARY = "summary ratings"
    DISENROLLMENT = "disenrollment reasons"
    # Recognised so that a whole folder can be passed, but not imported: not shown.
    DOMAIN_STARS = "domain stars (not imported)"
    CAI = "categorical adjustment index (not imported)"


REQUIRED_KINDS = (
    FileKind.MEASURE_DATA,
    FileKind.MEASURE_STARS,
    FileKind.SUMMARY,
    FileKind.DISENROLLMENT,
)


def measure_key(name: str, part: str) -> str:
    """The stable key of a measure: a slug of CMS's name, with ``_part_d`` for Part D."""
    key = slugify(name).replace("-", "_")
    return f"{key}_part_d" if part == MeasurePart.DRUG else key


def clean_cell(text: str) -> str:
    """Trim CMS's padding (and a BOM) and collapse runs of spaces."""
    return " ".join(text.replace("\ufeff", "").split())


# --- Reading one file ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    index: int
    name: str  # CMS's name without its code
    key: str
    part: str
    code: str = ""
    data_period: str = ""


@dataclass(frozen=True)
class ContractRow:
    line: int  # line number in the file, the first line being 1
    contract_id: str
    cells: tuple[str, ...]


@dataclass
class Table:
    path: Path
    kind: FileKind
    encoding: str
    year: int | None
    year_from: str
    columns: list[Column]
    header: list[str]
    header_line: int
    rows: list[ContractRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # S and E contracts


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (BOM or not) first; Windows-1252 for the 2024/2025 measure files."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"{name} is neither UTF-8 nor Windows-1252 text: byte {error.start:,} cannot be "
            "read. Is it a CSV file?"
        ) from error


def _records(text: str) -> tuple[list[tuple[int, list[str]]], TableError | None]:
    """(line number, cells) for each CSV record; line numbers count physical lines.

    Read strictly: a file that breaks off (a quote never closed) gives the records
    before the break and the error, which rejects the import."""
    records = []
    try:
        for _row, line, cells in csv_records(io.StringIO(text, newline="")):
            records.append((line, cells))
    except TableError as error:
        return records, error
    return records, None


def _year_in_name(path: Path) -> int | None:
    match = NAME_YEAR.search(path.name)
    return int(match.group(1) or match.group(2)) if match else None


def read_table(path: Path) -> Table:
    """Read one Star Ratings file: find its header, tell which table it is, keep its rows."""
    text, encoding = decode(path.read_bytes(), path.name)
    records, broken = _records(text)
    header_at = next(
        (
            i
            for i, (_line, cells) in enumerate(records[:HEADER_SEARCH_ROWS])
            if cells and clean_cell(cells[0]).lower() in {"contract_id", "contract number"}
        ),
        None,
    )
    if header_at is None:
        raise ImportRefused(
            f"{path.name}: no CONTRACT_ID header in its first {HEADER_SEARCH_ROWS} rows, so "
            "it is not a CMS Star Ratings data table."
        )
    titles = [clean_cell(cells[0]) for _line, cells in records[:header_at] if cells]
    header = [clean_cell(cell) for cell in records[header_at][1]]
    lowered = [cell.lower() for cell in header]
    body_at = header_at + 1

    year: int | None = None
    year_from = ""
    for title in titles:
        match = TITLE_YEAR.match(title)
        if match:
            year, year_from = int(match.group(1)), "title row"
    summary_years = {int(m.group(1)) for h in header if (m := SUMMARY_HEADER.match(h))}
    if len(summary_years) > 1:
        raise ImportRefused(f"{path.name}: its header names several years: {summary_years}.")
    if summary_years:
        year, year_from = summary_years.pop(), "header"
    name_year = _year_in_name(path)
    if year is None and name_year is not None:
        year, year_from = name_year, "file name"
    elif year is not None and name_year is not None and name_year != year:
        raise ImportRefused(
            f"{path.name}: its name says {name_year} but its {year_from} says {year}."
        )

    columns: list[Column] = []
    if any(SUMMARY_HEADER.match(h) for h in header) and "snp" in lowered:
        kind = FileKind.SUMMARY
    elif "financial reasons for disenrollment" in lowered:
        kind = FileKind.DISENROLLMENT
        columns = [
            Column(i, name, measure_key(name, MeasurePart.DISENROLLMENT), MeasurePart.DISENROLLMENT)
            for i, name in enumerate(header)
            if i > 0 and name and name.lower() not in ID_COLUMNS
        ]
    elif any(h.lower().endswith(" fac") for h in header):
        kind = FileKind.CAI
    elif any(MEASURE_HEADER.match(h) for h in header):
        columns = _measure_columns(header, [])
        kind = _data_or_stars(titles, records[body_at:], columns)
    elif any(DOMAIN_HEADER.match(h) for h in header):
        # The 2026 CMS layout: domains on the header row, then a row of measure names and
        # a row of data periods, both with an empty first cell. Without them, it is the
        # domain stars table.
        names = _continuation(records, body_at)
        if any(MEASURE_HEADER.match(c) for c in names):
            body_at += 1
            periods = _continuation(records, body_at)
            if periods:
                body_at += 1
            header = [
                name or (header[i] if i < len(header) else "") for i, name in enumerate(names)
            ]
            columns = _measure_columns(header, periods)
            kind = _data_or_stars(titles, records[body_at:], columns)
        else:
            kind = FileKind.DOMAIN_STARS
    else:
        raise ImportRefused(
            f"{path.name}: its header matches none of the Star Ratings tables this import "
            "reads (measure data, measure stars, summary ratings, disenrollment reasons)."
        )

    table = Table(path, kind, encoding, year, year_from, columns, header, records[header_at][0])
    seen: set[str] = set()
    width = len(records[header_at][1])
    organization_type = (
        lowered.index("organization type") if "organization type" in lowered else None
    )
    for line, cells in records[body_at:]:
        cells = [clean_cell(c) for c in cells]
        if not any(cells):
            continue  # a blank line
        problem = field_count_problem(cells, width)
        if problem:
            # A row cut off (a truncated file) or with a stray comma: its cells are not
            # where the header says, so none of them is read.
            table.errors.append((line, f"{cells[0][:20]!r}: {problem}."))
            continue
        contract_id = cells[0]
        if not CONTRACT.match(contract_id):
            table.errors.append(
                (
                    line,
                    f"{contract_id[:20]!r} is not a contract ID "
                    "(a letter H, R, S or E and 4 digits).",
                )
            )
            continue
        if contract_id in seen:
            table.errors.append((line, f"{contract_id} appears twice in this file."))
            continue
        seen.add(contract_id)
        if organization_type is not None and (
            problem := ORGANIZATION_TYPE.problem(cells[organization_type])
        ):
            table.errors.append((line, f"{contract_id}: {problem}."))
            continue
        if contract_id[0] in "SE":
            table.skipped.append(contract_id)
            continue
        table.rows.append(ContractRow(line, contract_id, tuple(cells)))
    if broken is not None:
        table.errors.append((broken.line, f"{broken.message}."))
    return table


def _continuation(records: Sequence[tuple[int, list[str]]], at: int) -> list[str]:
    """A further header row (empty first cell, something else in it), cleaned; else []."""
    if at >= len(records):
        return []
    cells = [clean_cell(c) for c in records[at][1]]
    if not cells or cells[0] or not any(cells):
        return []
    return cells


def _measure_columns(header: Sequence[str], periods: Sequence[str]) -> list[Column]:
    columns = []
    for i, cell in enumerate(header):
        match = MEASURE_HEADER.match(cell)
        if match:
            part, number, name = match.groups()
            columns.append(
                Column(
                    i,
                    name,
                    measure_key(name, part),
                    part,
                    f"{part}{number}",
                    periods[i] if i < len(periods) else "",
                )
            )
    return columns


def _data_or_stars(
    titles: Sequence[str], body: Sequence[tuple[int, list[str]]], columns: Sequence[Column]
) -> FileKind:
    """Measure data and measure stars share one header: CMS's title row tells them apart
    ("Data View"); without one, only the data has percents and decimals (stars are whole
    numbers, and a bad star such as 7 must not turn a stars file into a data file)."""
    title = " ".join(titles).lower()
    if "data view" in title:
        return FileKind.MEASURE_DATA
    if "star view" in title:
        return FileKind.MEASURE_STARS
    for _line, cells in body:
        for column in columns:
            if column.index < len(cells):
                match = NUMBER.match(clean_cell(cells[column.index]))
                if match and (match.group(2) or "." in match.group(1)):
                    return FileKind.MEASURE_DATA
    return FileKind.MEASURE_STARS


# --- Turning the tables of one year into records --------------------------------------


@dataclass(frozen=True)
class RatingRecord:
    contract_id: str
    overall: Decimal | None
    overall_text: str
    part_c: Decimal | None
    part_c_text: str
    part_d: Decimal | None
    part_d_text: str
    snp: bool | None


@dataclass
class MeasureRecord:
    contract_id: str
    key: str
    name: str
    code: str
    part: str
    data_period: str = ""
    value: Decimal | None = None
    value_text: str = ""
    unit: str = ""
    higher_is_better: bool | None = None
    stars: int | None = None
    stars_text: str = ""
    where: tuple[str, int] = ("", 0)  # file name and line, for messages


@dataclass
class YearRecords:
    year: int
    ratings: dict[str, RatingRecord]
    measures: dict[tuple[str, str], MeasureRecord]
    medians: dict[str, tuple[Decimal, int]]
    text_codes: Counter[str]  # star measure values given as CMS text
    reason_text_codes: Counter[str]  # reasons for leaving given as CMS text
    unknown_text: set[str]


class RowProblems:
    """Row errors of several files, each named by its file."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, table: Table, line: int, message: str) -> None:
        self.items.append((line, f"{table.path.name}: {message}"))


def _is_text_code(text: str) -> bool:
    return bool(TEXT_CODE.match(text))


def _value(text: str) -> tuple[Decimal | None, bool] | None:
    """(number, written with %) or (None, False) for CMS's words; None when malformed."""
    match = NUMBER.match(text)
    if match:
        return Decimal(match.group(1)), bool(match.group(2))
    if _is_text_code(text):
        return None, False
    return None


def _summary(text: str) -> tuple[Decimal | None, str] | None:
    if SUMMARY_STARS.match(text):
        return Decimal(text), ""
    if _is_text_code(text):
        return None, text
    return None


def build_year(tables: Sequence[Table], problems: RowProblems) -> YearRecords:
    """Join the four tables of one year by contract and measure key, checking every cell."""
    by_kind = {t.kind: t for t in tables}
    summary = by_kind[FileKind.SUMMARY]
    year = summary.year
    assert year is not None
    ratings, unrated = _ratings(summary, year, problems)
    builder = _MeasureBuilder(ratings, unrated, problems)
    builder.read_values(by_kind[FileKind.MEASURE_DATA])
    builder.read_stars(by_kind[FileKind.MEASURE_STARS])
    builder.read_reasons(by_kind[FileKind.DISENROLLMENT])
    builder.set_units(by_kind[FileKind.MEASURE_DATA])

    values: defaultdict[str, list[Decimal]] = defaultdict(list)
    for item in builder.measures.values():
        if item.value is not None:
            values[item.key].append(item.value)
    medians = {
        key: (Decimal(statistics.median(numbers)).quantize(Decimal("0.0001")), len(numbers))
        for key, numbers in values.items()
    }
    return YearRecords(
        year,
        ratings,
        builder.measures,
        medians,
        builder.text_codes,
        builder.reason_text_codes,
        builder.unknown,
    )


def _ratings(
    summary: Table, year: int, problems: RowProblems
) -> tuple[dict[str, RatingRecord], set[str]]:
    """The summary ratings by contract, and the contracts whose summary row was rejected."""
    index = {h.lower(): i for i, h in enumerate(summary.header)}
    wanted = {
        "overall": index.get(f"{year} overall"),
        "part_c": index.get(f"{year} part c summary"),
        "part_d": index.get(f"{year} part d summary"),
        "snp": index.get("snp"),
    }
    missing = [name for name, i in wanted.items() if i is None]
    if missing:
        raise ImportRefused(f"{summary.path.name}: no {', '.join(missing)} column for {year}.")
    ratings: dict[str, RatingRecord] = {}
    unrated: set[str] = set()
    for row in summary.rows:
        parsed: dict[str, tuple[Decimal | None, str]] = {}
        for name in ("overall", "part_c", "part_d"):
            cell = _cell(row, wanted[name])
            result = _summary(cell)
            if result is None:
                problems.add(
                    summary,
                    row.line,
                    f"{row.contract_id}: {name.replace('_', ' ')} rating {cell!r} is neither "
                    "1 to 5 stars (in halves) nor CMS text.",
                )
            else:
                parsed[name] = result
        snp_text = _cell(row, wanted["snp"]).lower()
        if snp_text not in {"yes", "no", ""}:
            problems.add(
                summary, row.line, f"{row.contract_id}: SNP is {snp_text!r}, not Yes or No."
            )
        elif len(parsed) == 3:
            ratings[row.contract_id] = RatingRecord(
                row.contract_id,
                *parsed["overall"],
                *parsed["part_c"],
                *parsed["part_d"],
                snp={"yes": True, "no": False}.get(snp_text),
            )
            continue
        unrated.add(row.contract_id)
    return ratings, unrated


class _MeasureBuilder:
    """Collects one record per (contract, measure key) from the data, stars and reasons."""

    def __init__(
        self, ratings: dict[str, RatingRecord], unrated: set[str], problems: RowProblems
    ) -> None:
        self.ratings = ratings
        self.unrated = unrated
        self.problems = problems
        self.measures: dict[tuple[str, str], MeasureRecord] = {}
        self.text_codes: Counter[str] = Counter()
        self.reason_text_codes: Counter[str] = Counter()
        self.unknown: set[str] = set()
        self.percent_keys: set[str] = set()
        self.number_keys: set[str] = set()
        self.stars_only_keys: set[str] = set()

    def _rows(self, table: Table) -> Iterable[tuple[ContractRow, bool]]:
        """(row, keep): every measure hangs on a rating, so a contract must be in the
        summary file; a contract whose summary row was rejected is still checked."""
        for row in table.rows:
            if row.contract_id in self.ratings or row.contract_id in self.unrated:
                yield row, row.contract_id in self.ratings
            else:
                self.problems.add(
                    table, row.line, f"{row.contract_id} is not in the summary ratings file."
                )

    def _record(self, table: Table, row: ContractRow, column: Column) -> MeasureRecord:
        item = self.measures.get((row.contract_id, column.key))
        if item is None:
            item = MeasureRecord(
                row.contract_id,
                column.key,
                column.name,
                column.code,
                column.part,
                where=(table.path.name, row.line),
            )
            self.measures[(row.contract_id, column.key)] = item
        if column.data_period:
            item.data_period = column.data_period
        return item

    def _bad(self, table: Table, row: ContractRow, column: Column, problem: str) -> None:
        named = f"{column.code} {column.name}" if column.code else column.name
        self.problems.add(table, row.line, f"{row.contract_id}, {named}: {problem}")

    def read_values(self, table: Table) -> None:
        for row, keep in self._rows(table):
            for column in table.columns:
                cell = _cell(row, column.index)
                parsed = _value(cell) if cell else None
                if parsed is None:
                    self._bad(table, row, column, f"{cell!r} is neither a number nor CMS text.")
                    continue
                if not keep:
                    continue
                item = self._record(table, row, column)
                item.value, has_percent = parsed
                item.value_text = cell
                if item.value is None:
                    self.text_codes[cell] += 1
                    if cell not in KNOWN_TEXT_CODES:
                        self.unknown.add(cell)
                    if cell == STARS_ONLY_TEXT:
                        self.stars_only_keys.add(column.key)
                elif has_percent:
                    self.percent_keys.add(column.key)
                else:
                    self.number_keys.add(column.key)

    def read_stars(self, table: Table) -> None:
        for row, keep in self._rows(table):
            for column in table.columns:
                cell = _cell(row, column.index)
                if STARS.match(cell):
                    stars, stars_text = int(cell), ""
                elif cell and _is_text_code(cell):
                    stars, stars_text = None, cell
                    if cell not in KNOWN_TEXT_CODES:
                        self.unknown.add(cell)
                else:
                    self._bad(
                        table, row, column, f"stars {cell!r} are neither 1 to 5 nor CMS text."
                    )
                    continue
                if keep:
                    item = self._record(table, row, column)
                    item.stars, item.stars_text = stars, stars_text

    def read_reasons(self, table: Table) -> None:
        for row, keep in self._rows(table):
            for column in table.columns:
                cell = _cell(row, column.index)
                parsed = _value(cell) if cell else None
                if parsed is None or (parsed[0] is not None and not parsed[1]):
                    self._bad(table, row, column, f"{cell!r} is neither a percent nor CMS text.")
                    continue
                if not keep:
                    continue
                item = self._record(table, row, column)
                item.value = parsed[0]
                item.value_text = cell
                item.unit = MeasureUnit.PERCENT
                if item.value is None:
                    self.reason_text_codes[cell] += 1
                    if cell not in KNOWN_TEXT_CODES:
                        self.unknown.add(cell)

    def set_units(self, data: Table) -> None:
        """A measure's unit and direction, the same for every contract of the year."""
        mixed = self.percent_keys & self.number_keys
        for key in sorted(mixed):
            self.problems.add(
                data,
                data.header_line,
                f"measure {key} mixes percents and plain numbers, so its unit is unclear.",
            )
        for item in self.measures.values():
            if item.part == MeasurePart.DISENROLLMENT or item.key in mixed:
                continue
            item.unit = _unit(
                item.key,
                percents=item.key in self.percent_keys,
                numbers=item.key in self.number_keys,
                stars_only=item.key in self.stars_only_keys,
            )
            # "Not applicable" where there is no number to compare (stars only, or none yet).
            item.higher_is_better = (
                None
                if item.unit in ("", MeasureUnit.STARS)
                else item.key not in LOWER_IS_BETTER_KEYS
            )


def _cell(row: ContractRow, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index]


def _unit(key: str, *, percents: bool, numbers: bool, stars_only: bool) -> str:
    if key in CAHPS_KEYS:
        return MeasureUnit.CAHPS_SCORE
    if key in COMPLAINT_KEYS:
        return MeasureUnit.COMPLAINTS
    if percents:
        return MeasureUnit.PERCENT
    if numbers:
        return MeasureUnit.SCORE
    if stars_only:
        return MeasureUnit.STARS
    return ""  # no contract had a number: CMS's file does not say


def read_year(paths: Sequence[Path], report: ImportReport) -> YearRecords:
    """Read and check the files of one Star Ratings year (no database access)."""
    tables: list[Table] = []
    for path in paths:
        if not path.is_file():
            raise ImportRefused(f"There is no file at {path}.")
        tables.append(read_table(path))
    by_kind: dict[FileKind, Table] = {}
    for table in tables:
        if table.kind in by_kind:
            raise ImportRefused(
                f"Two {table.kind} files: {by_kind[table.kind].path.name} and {table.path.name}. "
                "Give one file of each kind, all of the same Star Ratings year."
            )
        by_kind[table.kind] = table
    missing = [str(kind) for kind in REQUIRED_KINDS if kind not in by_kind]
    if missing:
        raise ImportRefused(
            f"The {', '.join(missing)} file(s) are missing. A Star Ratings year is imported "
            "from its four files together: measure data, measure stars, summary ratings and "
            "disenrollment reasons."
        )
    year = by_kind[FileKind.SUMMARY].year
    if year is None:
        raise ImportRefused(f"{by_kind[FileKind.SUMMARY].path.name}: no Star Ratings year found.")
    years = {t.path.name: t.year for t in tables if t.year is not None}
    if set(years.values()) != {year}:
        listed = "; ".join(f"{name}: {y}" for name, y in years.items())
        raise ImportRefused(f"These files are of different Star Ratings years ({listed}).")

    for table in tables:
        report.note(
            "Files",
            f"{table.path.name}: {table.kind}, {table.encoding}, "
            f"{len(table.rows) + len(table.skipped):,} contracts, year {table.year or year} "
            f"(from the {table.year_from or 'summary ratings file'}), "
            f"SHA-256 {file_checksum(table.path)[:12]}…",
        )
    problems = RowProblems()
    for table in tables:
        for line, message in table.errors:
            problems.add(table, line, message)
    imported = [by_kind[kind] for kind in REQUIRED_KINDS]
    records = build_year(imported, problems)
    for line, message in problems.items:
        report.reject(line, message)
    report.rows_read = sum(len(t.rows) + len(t.skipped) for t in imported)
    report.rows_kept = sum(len(t.rows) for t in imported)
    skipped = sorted({c for t in imported for c in t.skipped})
    for contract_id in skipped:
        report.note(
            "Skipped: not Medicare Advantage (S = stand-alone drug plan, E = employer contract)",
            contract_id,
        )
    return records


# --- Writing ----------------------------------------------------------------------

RATING_FIELDS = (
    "overall",
    "overall_text",
    "part_c",
    "part_c_text",
    "part_d",
    "part_d_text",
    "snp",
    "source",
)
MEASURE_FIELDS = (
    "measure_name",
    "measure_code",
    "part",
    "value",
    "value_text",
    "unit",
    "higher_is_better",
    "stars",
    "stars_text",
    "data_period",
)
BATCH = 500


@dataclass
class Tally:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def text(self, what: str) -> str:
        return (
            f"{what}: {self.added:,} added, {self.changed:,} changed, {self.removed:,} removed, "
            f"{self.unchanged:,} unchanged"
        )


def _sync[M: Model](
    existing: dict[object, M],
    wanted: dict[object, dict[str, object]],
    make: type[M],
    fields: Sequence[str],
    report: ImportReport,
    where: dict[object, tuple[str, int]] | None = None,
    exclude: Sequence[str] = (),
) -> tuple[list[M], list[M], list[M], Tally]:
    """Compare wanted field values with the rows in the database: (new, changed, stale)."""
    new: list[M] = []
    changed: list[M] = []
    tally = Tally()
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = make(**values)
            new.append(obj)
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            changed.append(obj)
        else:
            tally.unchanged += 1
            continue
        try:
            # Field checks only: the unique keys are the dictionary keys here, and the
            # database constraints stand behind the parser's own checks.
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            file_name, line = (where or {}).get(key, ("", 0))
            report.reject(line, f"{file_name}: {key}: {'; '.join(error.messages)}")
    stale = [obj for key, obj in existing.items() if key not in wanted]
    tally.added, tally.changed, tally.removed = len(new), len(changed), len(stale)
    return new, changed, stale, tally


def apply_star_ratings(report: ImportReport, *, paths: Sequence[Path]) -> None:
    """Import one Star Ratings year from its files; every write goes through ``report``.

    Runs inside ``run_import``'s transaction, which rolls everything back when a row is
    rejected or on a dry run. Rows of the same year that are no longer in CMS's files are
    deleted (CMS re-issues a year now and then) and counted as unpublished.
    """
    records = read_year(paths, report)
    if report.rejected:
        return
    year = records.year
    report.note("Star Ratings year", str(year))
    source = SOURCE.format(year=year)

    existing_ratings: dict[object, ContractRating] = {
        r.contract_id: r for r in ContractRating.objects.filter(star_year=year)
    }
    wanted_ratings: dict[object, dict[str, object]] = {
        r.contract_id: {
            "contract_id": r.contract_id,
            "star_year": year,
            "overall": r.overall,
            "overall_text": r.overall_text,
            "part_c": r.part_c,
            "part_c_text": r.part_c_text,
            "part_d": r.part_d,
            "part_d_text": r.part_d_text,
            "snp": r.snp,
            "source": source,
        }
        for r in records.ratings.values()
    }
    r_new, r_changed, r_stale, r_tally = _sync(
        existing_ratings, wanted_ratings, ContractRating, RATING_FIELDS, report
    )

    existing_measures: dict[object, ContractMeasure] = {
        (m.contract_id, m.measure_key): m for m in ContractMeasure.objects.filter(star_year=year)
    }
    wanted_measures: dict[object, dict[str, object]] = {
        key: {
            "contract_id": m.contract_id,
            "star_year": year,
            "measure_key": m.key,
            "measure_name": m.name,
            "measure_code": m.code,
            "part": m.part,
            "value": m.value,
            "value_text": m.value_text,
            "unit": m.unit,
            "higher_is_better": m.higher_is_better,
            "stars": m.stars,
            "stars_text": m.stars_text,
            "data_period": m.data_period,
        }
        for key, m in records.measures.items()
    }
    m_new, m_changed, m_stale, m_tally = _sync(
        existing_measures,
        wanted_measures,
        ContractMeasure,
        MEASURE_FIELDS,
        report,
        where={key: m.where for key, m in records.measures.items()},
        # The (contract, year) link to the rating is not a column: nothing to check, and
        # reading it would query the rating of every row.
        exclude=("rating",),
    )

    existing_medians: dict[object, MeasureMedian] = {
        m.measure_key: m for m in MeasureMedian.objects.filter(star_year=year)
    }
    wanted_medians: dict[object, dict[str, object]] = {
        key: {"star_year": year, "measure_key": key, "median": median, "contracts": count}
        for key, (median, count) in records.medians.items()
    }
    d_new, d_changed, d_stale, d_tally = _sync(
        existing_medians, wanted_medians, MeasureMedian, ("median", "contracts"), report
    )
    if report.rejected:
        return

    for stale, model in (
        (m_stale, ContractMeasure),
        (r_stale, ContractRating),
        (d_stale, MeasureMedian),
    ):
        pks = [obj.pk for obj in stale]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
    ContractRating.objects.bulk_create(r_new, batch_size=BATCH)
    ContractRating.objects.bulk_update(r_changed, RATING_FIELDS, batch_size=BATCH)
    ContractMeasure.objects.bulk_create(m_new, batch_size=BATCH)
    ContractMeasure.objects.bulk_update(m_changed, MEASURE_FIELDS, batch_size=BATCH)
    MeasureMedian.objects.bulk_create(d_new, batch_size=BATCH)
    MeasureMedian.objects.bulk_update(d_changed, ("median", "contracts"), batch_size=BATCH)

    tallies = (r_tally, m_tally, d_tally)
    report.added += sum(t.added for t in tallies)
    report.changed += sum(t.changed for t in tallies)
    report.unchanged += sum(t.unchanged for t in tallies)
    # ImportReport has no "removed" count: rows CMS dropped from a re-issued year are
    # deleted and counted as unpublished, and listed below by name.
    report.unpublished += sum(t.removed for t in tallies)
    for obj in r_stale:
        report.note(f"Removed: contracts no longer in CMS's {year} files", obj.contract_id)

    star_measures = {
        m.key for m in records.measures.values() if m.part != MeasurePart.DISENROLLMENT
    }
    text_values = sum(records.text_codes.values())
    report.note(
        "What was read",
        f"{len(records.ratings):,} Medicare Advantage contracts (H and R), "
        f"{len(star_measures):,} star measures, "
        f"{len({m.key for m in records.measures.values()}) - len(star_measures):,} "
        f"reasons for leaving, {len(records.measures):,} contract-measure rows, "
        f"{text_values:,} measure values given as CMS text, "
        f"{sum(records.reason_text_codes.values()):,} reasons for leaving given as CMS text",
    )
    for tally, what in zip(
        tallies, ("Contract ratings", "Contract measures", "National medians"), strict=True
    ):
        report.note("What was read", tally.text(what))
    for text, count in records.text_codes.most_common():
        report.note("Measure values given as CMS text (kept as written)", f"{text}: {count:,}")
    for text, count in records.reason_text_codes.most_common():
        report.note("Reasons for leaving given as CMS text (kept as written)", f"{text}: {count:,}")
    for text in sorted(records.unknown_text):
        report.note("CMS text not seen before (kept as written; check it reads well)", text)
