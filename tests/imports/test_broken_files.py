"""Every importer refuses a broken file whole: a row cut short, a quote never closed, a
value outside a closed list. Built at test time from the real CMS files (and, for the
Landscape, of which there is no real copy, from small files in its layout); each test
imports the good file first, so that "nothing changed" means something."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from plans import catalog_version
from plans.models import ImportRun
from tests.imports.test_catalog_csv import world  # noqa: F401 (a fixture)
from tests.imports.test_integrated_dsnps import landscape_plan
from tests.imports.test_landscape import SMALL as LANDSCAPE_SMALL
from tests.imports.test_landscape import (
    dsnp,
    geography,  # noqa: F401 (a fixture)
    other,
    write_landscape,
)

pytestmark = pytest.mark.django_db

DIRECTORY = Path("cms_contracts") / "MA_Contract_directory_2026_02.csv"
DIRECTORY_XLSX = Path("cms_contracts") / "MA_Contract_directory_2026_02.xlsx"
DSNP_LIST = Path("cms_dsnp") / "cy2026_integrated_dsnps_subset.csv"
CATALOG_EXAMPLE = Path(__file__).parent / "files" / "catalog_example.csv"
# The header's first cell, by file, to find the header row (Star Ratings files may have
# a title row above it).
HEADER_FIRST_CELLS = {
    "legal entity name",
    "contract_year",
    "contract_id",
    "contract number",
    "contract year",
    "record",
}
ISSUE_LINE = b'AETNA BETTER HEALTH INC. (GA),Aetna Medicare,H3146,H99,"unterminated'

# --- The state of the catalog -------------------------------------------------------


def catalog_state() -> dict[str, object]:
    """Every row of every catalog model, and the catalog version pages are cached by."""
    state: dict[str, object] = {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in catalog_version.CATALOG_MODELS
    }
    state["version"] = catalog_version.current()
    return state


def refused(command: str, *paths: Path) -> tuple[str, str]:
    """Run ``command`` on a broken file: (its error, its printed report). The catalog
    must be as it was, and the refusal recorded as a rejected run."""
    before = catalog_state()
    runs = ImportRun.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(command, *map(str, paths), stdout=out)
    assert catalog_state() == before
    assert ImportRun.objects.count() == runs + 1
    run = ImportRun.objects.latest("pk")
    assert run.outcome == ImportRun.Outcome.REJECTED and run.report == out.getvalue().strip()
    assert "nothing was changed" in out.getvalue()
    assert str(raised.value).endswith("Nothing was imported.")
    return str(raised.value), out.getvalue()


# --- Breaking a real file -------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("neither UTF-8 nor Windows-1252")


def header_index(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        first = next(csv.reader([line]), [""])
        if first and first[0].strip().lower() in HEADER_FIRST_CELLS:
            return i
    raise AssertionError("no header row")


def data_line(lines: list[str]) -> int:
    """The index of a data row well inside the file, of a Medicare Advantage contract
    (H or R: the Star Ratings import skips S and E contracts before some checks)."""
    start = len(lines) * 3 // 5
    for i in range(start, len(lines)):
        cells = next(csv.reader([lines[i]]), [])
        if any(cell.strip()[:1] in {"H", "R"} and len(cell.strip()) == 5 for cell in cells):
            return i
    raise AssertionError("no H or R contract row")


def cut_mid_row(source: Path, target: Path) -> tuple[int, str]:
    """The file cut inside a row, after its third field: (that row's number, the
    problem the import must name)."""
    text, encoding = decode(source.read_bytes())
    lines = text.splitlines(keepends=True)
    i = data_line(lines)
    line, commas, quoted = lines[i], 0, False
    position = 0
    for position, char in enumerate(line):  # noqa: B007 (the cut is where it stops)
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            commas += 1
            if commas == 3:
                break
    target.write_bytes(("".join(lines[:i]) + line[:position]).encode(encoding))
    width = len(next(csv.reader([lines[header_index(lines)]])))
    return i + 1, f"has 3 fields where the header has {width}"


def unclosed_quote(source: Path, target: Path) -> tuple[int, str]:
    """A last row as wide as the header whose last value opens a quote and never closes
    it: the csv module alone would read it as a good row."""
    text, encoding = decode(source.read_bytes())
    lines = text.splitlines(keepends=True)
    last = lines[-1].rstrip("\r\n")
    cells = next(csv.reader([last]))
    body = io.StringIO()
    csv.writer(body, lineterminator="").writerow(cells[:-1])
    ending = "" if text.endswith("\n") else "\r\n"
    target.write_bytes((text + ending + body.getvalue() + ',"unterminated').encode(encoding))
    return len(lines) + 1, "a quoted value is never closed"


def with_value(column: str, value: str) -> Callable[[Path, Path], tuple[int, str]]:
    """The file with ``value`` in ``column`` of one data row."""

    def build(source: Path, target: Path) -> tuple[int, str]:
        text, encoding = decode(source.read_bytes())
        lines = text.splitlines(keepends=True)
        header = [cell.strip() for cell in next(csv.reader([lines[header_index(lines)]]))]
        i = data_line(lines)
        ending = lines[i][len(lines[i].rstrip("\r\n")) :]
        cells = next(csv.reader([lines[i]]))
        cells[header.index(column)] = value
        row = io.StringIO()
        csv.writer(row, lineterminator=ending).writerow(cells)
        lines[i] = row.getvalue()
        bom = "\ufeff" if source.read_bytes().startswith(b"\xef\xbb\xbf") else ""
        target.write_bytes((bom + "".join(lines)).encode(encoding.replace("-sig", "")))
        return i + 1, f'"{value}"' if '"' not in value else value

    return build


BREAKS = {"cut mid-row": cut_mid_row, "quote never closed": unclosed_quote}


def assert_names(message: str, report: str, row: int, problem: str) -> None:
    """The command's error and its report name the row and the problem (a value may be
    quoted either way)."""
    spellings = {problem, problem.replace('"', "'")}
    assert f"Row {row}: " in message and any(p in message for p in spellings), message
    assert f"row {row}: " in report and any(p in report for p in spellings), report


# --- The MA Contract Directory ------------------------------------------------------


@pytest.fixture
def directory_imported(shared_data: Path) -> Path:
    call_command("import_contract_directory", str(shared_data / DIRECTORY), stdout=io.StringIO())
    return shared_data


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "build",
    [
        cut_mid_row,
        unclosed_quote,
        with_value("Organization Type", "H99"),
        with_value("Plan Type", "Gold Plus"),
    ],
    ids=["cut mid-row", "quote never closed", "organization type", "plan type"],
)
def test_a_broken_contract_directory_csv_changes_nothing(
    directory_imported: Path, tmp_path: Path, build: Callable[[Path, Path], tuple[int, str]]
) -> None:
    broken = tmp_path / "directory.csv"
    row, problem = build(directory_imported / DIRECTORY, broken)
    message, report = refused("import_contract_directory", broken)
    assert_names(message, report, row, problem)


@pytest.mark.shared_data
def test_the_issue_reproduction_is_refused(directory_imported: Path, tmp_path: Path) -> None:
    # The directory cut at 2,000 bytes (inside row 6) and a line whose quote is not closed.
    broken = tmp_path / "directory.csv"
    broken.write_bytes((directory_imported / DIRECTORY).read_bytes()[:2000] + ISSUE_LINE)
    message, report = refused("import_contract_directory", broken)
    assert_names(message, report, 6, "a quoted value is never closed")
    # And with the line on a line of its own: the cut row is short, the next one open.
    broken.write_bytes((directory_imported / DIRECTORY).read_bytes()[:2000] + b"\n" + ISSUE_LINE)
    message, report = refused("import_contract_directory", broken)
    assert_names(message, report, 6, "has 4 fields where the header has 29")


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("column", "value"),
    [("Organization\nType", "H99"), ("Plan Type", "Gold Plus")],
    ids=["organization type", "plan type"],
)
def test_a_broken_contract_directory_workbook_changes_nothing(
    directory_imported: Path, tmp_path: Path, column: str, value: str
) -> None:
    workbook = load_workbook(directory_imported / DIRECTORY_XLSX)
    sheet = workbook.worksheets[0]
    header = [" ".join(str(cell.value or "").split()) for cell in sheet[1]]
    sheet.cell(row=500, column=header.index(" ".join(column.split())) + 1, value=value)
    broken = tmp_path / "directory.xlsx"
    workbook.save(broken)
    message, report = refused("import_contract_directory", broken)
    assert_names(message, report, 500, f'{" ".join(column.split())} is "{value}"; expected one of:')


# --- The integrated D-SNP list ------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "build",
    [cut_mid_row, unclosed_quote, with_value("integration_status", "XIDE")],
    ids=["cut mid-row", "quote never closed", "integration status"],
)
def test_a_broken_integrated_dsnp_list_changes_nothing(
    shared_data: Path, tmp_path: Path, build: Callable[[Path, Path], tuple[int, str]]
) -> None:
    good = shared_data / DSNP_LIST
    with good.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Two Landscape plans the list corrects, so that the good import changes something.
    for row in rows[:2]:
        landscape_plan(row["contract_id"], row["plan_id"], "CO", state=row["state"])
    call_command("import_integrated_dsnps", str(good), stdout=io.StringIO())
    broken = tmp_path / "dsnps.csv"
    row, problem = build(good, broken)
    message, report = refused("import_integrated_dsnps", broken)
    assert_names(message, report, row, problem)


# --- The Star Ratings tables --------------------------------------------------------

STAR_YEARS = (2024, 2025, 2026)
# A closed-list column of each table (the disenrollment reasons have no Organization
# Type; a reason is a percent or CMS's words). The CAI table is read but not imported:
# it has no such column, so only its structure is checked.
STAR_VALUES = {
    "disenrollment_reasons": ("Financial Reasons for Disenrollment", "H99"),
    "cai": None,
}


def star_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("star_ratings_*.csv"))


def star_kind(path: Path) -> str:
    return path.stem.split("_", 3)[3]


@pytest.mark.shared_data
@pytest.mark.parametrize("break_kind", [*BREAKS, "closed-list value"])
@pytest.mark.parametrize("year", STAR_YEARS)
def test_broken_star_ratings_files_change_nothing(
    shared_data: Path, tmp_path: Path, year: int, break_kind: str
) -> None:
    folder = shared_data / "cms_star_ratings" / str(year)
    files = star_files(folder)
    assert len(files) == 5, files  # four imported tables and domain stars or CAI
    call_command("import_star_ratings", *map(str, files), stdout=io.StringIO())
    checked = []
    for path in files:
        kind = star_kind(path)
        if break_kind in BREAKS:
            build = BREAKS[break_kind]
        else:
            value = STAR_VALUES.get(kind, ("Organization Type", "H99"))
            if value is None:
                continue
            build = with_value(*value)
        broken = tmp_path / path.name
        row, problem = build(path, broken)
        others = [other for other in files if other != path]
        # The broken file first: its problems are the first the report lists.
        message, report = refused("import_star_ratings", broken, *others)
        assert_names(message, report, row, problem)
        assert path.name in message
        checked.append(kind)
    assert len(checked) >= 4


# --- The Landscape (no real copy: small files in its layout) -------------------------


@pytest.fixture
def landscape_imported(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("geography")
    call_command("import_landscape", str(LANDSCAPE_SMALL), stdout=io.StringIO())


LANDSCAPE_ROWS = [dsnp(), dsnp(county="Broward"), other("ma_pd"), dsnp(contract="H1002")]


@pytest.mark.parametrize(
    ("change", "row", "problem"),
    [
        ({"snp_type": "Dual-Eligble"}, 3, 'SNP Type is "Dual-Eligble"; expected one of:'),
        (
            {"level": "H99"},
            3,
            'Integration Status is "H99"; expected one of: CO, CO-P, HIDE, FIDE, Not Applicable',
        ),
        ({"level": "Not Applicable"}, 3, 'Integration Status is "Not Applicable"'),
        ({"level": ""}, 3, "Integration Status is blank; expected one of: CO, CO-P"),
        ({"aip": "Maybe"}, 3, "D-SNP AIP Identifier: 'Maybe' is not Yes or No"),
        ({"snp": "Perhaps"}, 3, "Special Needs Plan (SNP) Indicator: 'Perhaps' is not Yes"),
    ],
    ids=["snp type", "integration code", "not applicable on a d-snp", "blank code", "aip", "snp"],
)
def test_a_landscape_value_outside_its_list_changes_nothing(
    landscape_imported: None, tmp_path: Path, change: dict[str, str], row: int, problem: str
) -> None:
    rows = [dict(r) for r in LANDSCAPE_ROWS]
    rows[1] = dsnp(county="Broward", **change)
    path = write_landscape(tmp_path / "landscape.csv", rows)
    message, report = refused("import_landscape", path)
    assert_names(message, report, row, problem)


def test_a_landscape_code_outside_the_list_on_another_plan_type_changes_nothing(
    landscape_imported: None, tmp_path: Path
) -> None:
    rows = [dict(r) for r in LANDSCAPE_ROWS]
    rows[2] = other("ma_pd", level="HIDDEN")
    path = write_landscape(tmp_path / "landscape.csv", rows)
    message, report = refused("import_landscape", path)
    assert_names(message, report, 4, 'Integration Status is "HIDDEN"')


@pytest.mark.parametrize("break_kind", list(BREAKS))
def test_a_broken_landscape_file_changes_nothing(
    landscape_imported: None, tmp_path: Path, break_kind: str
) -> None:
    good = write_landscape(tmp_path / "good.csv", LANDSCAPE_ROWS * 3)
    broken = tmp_path / "landscape.csv"
    row, problem = BREAKS[break_kind](good, broken)
    message, report = refused("import_landscape", broken)
    assert_names(message, report, row, problem)


# --- The catalog CSV ------------------------------------------------------------------


def catalog_records(rows: list[list[str]], *, tail: str = "") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue() + tail


@pytest.mark.parametrize("break_kind", list(BREAKS))
@pytest.mark.usefixtures("world")
def test_a_broken_catalog_csv_changes_nothing(tmp_path: Path, break_kind: str) -> None:
    call_command("import_catalog", str(CATALOG_EXAMPLE), stdout=io.StringIO())
    with CATALOG_EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # Built record by record: the example has notes with line breaks, and the catalog
    # numbers rows as a spreadsheet does (a note over two lines is one row).
    if break_kind == "cut mid-row":
        k = len(rows) * 3 // 5
        text = catalog_records(rows[:k], tail=catalog_records([rows[k][:3]]).rstrip())
        row, problem = k + 1, f"has 3 fields where the header has {len(rows[0])}"
    else:
        text = catalog_records(rows, tail=catalog_records([rows[-1][:-1]]).rstrip())
        text += ',"unterminated'
        row, problem = len(rows) + 1, "a quoted value is never closed"
    broken = tmp_path / "catalog.csv"
    broken.write_text(text, encoding="utf-8")
    message, report = refused("import_catalog", broken)
    assert_names(message, report, row, problem)
