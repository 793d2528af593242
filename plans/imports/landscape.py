"""The CMS MA Landscape file (CY2025 and later): D-SNPs, their counties, premiums and stars.

Two halves:

* ``LandscapeFile`` is a pure streaming parser: it reads the CSV row by row (never the
  whole file), checks the header, keeps only D-SNP rows and turns each into a frozen
  ``LandscapeRow`` with typed values; bad rows are collected with their line numbers.
* ``apply_landscape`` writes those rows through the ORM in bulk (a fixed number of
  queries, whatever the size of the file) and fills the ``ImportReport``. It is the
  ``apply`` that ``common.run_import`` runs inside one transaction.

The layout, the meaning of each column and the rules (Extra Help premium, unpublishing,
what is reported) are documented in docs/data-formats.md, "CMS MA Landscape".
"""

from __future__ import annotations

import codecs
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from plans.demo import remove_demo_catalog
from plans.imports.closed_sets import (
    INTEGRATION_CODES,
    NOT_APPLICABLE,
    SNP_TYPES,
    Choices,
    choice_key,
)
from plans.imports.common import (
    ImportRefused,
    ImportReport,
    RowError,
    assign_changed,
    fold_name,
)
from plans.imports.counties import CountyMatcher
from plans.imports.tabular import TableError, csv_records, field_count_problem
from plans.models import (
    Contract,
    ContractRating,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    catalog_has_sample_rows,
)

SOURCE_PREFIX = "CMS MA Landscape"
BATCH_SIZE = 1000

# --- The layout -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    name: str  # CMS's header, as in the CY2026 readme
    aliases: tuple[str, ...] = ()  # other spellings CMS has used


# Only the columns the importer reads are required; CMS adds and renames others from
# year to year (CY2027 adds "Enrollment Capacity Limit …" and drops "SNP Institutional
# Category"), and the file is still read. Headers are compared without case, spaces or
# punctuation, so "ContractPlanID" (CY2026) and "Contract Plan ID" (CY2027) are equal.
COLUMNS: tuple[Column, ...] = (
    Column("year", "Contract Year"),
    Column("state", "State Territory Abbreviation"),
    Column("county", "County Name"),
    Column("contract", "Contract ID"),
    Column("plan", "Plan ID"),
    Column("segment", "Segment ID"),
    Column("sanctioned", "Sanctioned Plan"),
    Column("parent", "Parent Organization Name"),
    Column("contract_name", "Contract Name"),
    Column("marketing_name", "Organization Marketing Name"),
    Column("plan_name", "Plan Name"),
    Column("snp", "Special Needs Plan (SNP) Indicator"),
    Column("snp_type", "SNP Type"),
    Column(
        "integration",
        "Dual Eligible SNP (D-SNP) Integration Status",
        ("Dual Eligible SNP Integration Status", "D-SNP Integration Status"),
    ),
    Column(
        "aip",
        "D-SNP Applicable Integrated Plan (AIP) Identifier",
        ("D-SNP AIP Identifier",),
    ),
    Column(
        "zero_dollar",
        "Medicare Zero-Dollar Cost Sharing D-SNP Plan",
        # The CY2027 file drops the final "Plan".
        ("Medicare Zero-Dollar Cost Sharing D-SNP",),
    ),
    Column("part_d_total", "Part D Total Premium"),
    Column("lips_cms_pays", "Part D LIPS (CMS Pays)"),
    Column("low_income_premium", "Part D Low Income Beneficiary Premium Amount"),
    Column("part_c", "Part C Premium"),
    Column("consolidated", "Monthly Consolidated Premium (Part C + D)"),
    Column("moop", "In-Network Maximum Out-of-Pocket (MOOP) Amount"),
    Column("stars_part_c", "Part C Summary Star Rating"),
    Column("stars_part_d", "Part D Summary Star Rating"),
    Column("stars_overall", "Overall Star Rating"),
)

# The full CY2025/CY2026 column list of FORMATS.md, in order: test files and the
# benchmark write it, so that they look like CMS's file and not just like our needs.
LANDSCAPE_HEADER: tuple[str, ...] = (
    "Contract Year",
    "Contract Category Type",
    "US Territory",
    "State Territory Abbreviation",
    "State Territory Name",
    "County Name",
    "Contract ID",
    "Plan ID",
    "Segment ID",
    "Contract Plan ID",
    "Contract Plan Segment ID",
    "Sanctioned Plan",
    "Parent Organization Name",
    "Contract Name",
    "Organization Marketing Name",
    "Organization Type",
    "Plan Name",
    "Plan Type",
    "Special Needs Plan (SNP) Indicator",
    "SNP Type",
    "SNP Institutional Type",
    "SNP Institutional Category",
    "Dual Eligible SNP (D-SNP) Integration Status",
    "D-SNP Applicable Integrated Plan (AIP) Identifier",
    "Chronic or Disabling Condition SNP (C-SNP) Condition Type",
    "Medicare Zero-Dollar Cost Sharing D-SNP Plan",
    "Part D Coverage Indicator",
    "National PDP",
    "Drug Benefit Category",
    "Drug Benefit Type",
    "Voluntary De Minimis Program Participant",
    "Part D Basic Premium At or Below Regional Benchmark",
    "Low Income Subsidy (LIS) Auto Enrollment",
    "Offers Drug Tier with No Part D Deductible",
    "Annual Part D Deductible Amount",
    "Part D Basic Premium",
    "Part D Supplemental Premium",
    "Part D Total Premium",
    "Low Income Premium Subsidy (LIPS) Amount",
    "Part D LIPS (CMS Pays)",
    "Part D Low Income Beneficiary Premium Amount",
    "Part D Out-of-Pocket (OOP) Threshold",
    "Part C Premium",
    "Monthly Consolidated Premium (Part C + D)",
    "In-Network Maximum Out-of-Pocket (MOOP) Amount",
    "Part C Summary Star Rating",
    "Part D Summary Star Rating",
    "Overall Star Rating",
    "MA Region Code",
    "MA Region",
    "PDP Region Code",
    "PDP Region",
)

# CO-P ("coordination-only, partial", in the CY2027 files) is coordination-only.
INTEGRATION_LEVELS = {"CO": "CO", "CO-P": "CO", "HIDE": "HIDE", "FIDE": "FIDE"}
_LEVEL_BY_KEY = {choice_key(code): level for code, level in INTEGRATION_LEVELS.items()}
# Every row's SNP Type and integration status come from closed lists; a D-SNP row must
# have one of the integration codes (any other value refuses the file, see
# docs/decisions.md), other rows "Not Applicable" or one of the codes.
SNP_TYPE = Choices("SNP Type", SNP_TYPES, blank=True)
ANY_INTEGRATION_STATUS = Choices(
    "Dual Eligible SNP (D-SNP) Integration Status",
    (*INTEGRATION_CODES, NOT_APPLICABLE),
    blank=True,
)
DSNP_INTEGRATION_STATUS = Choices("Dual Eligible SNP (D-SNP) Integration Status", INTEGRATION_CODES)

# --- Typed values -----------------------------------------------------------------


class LandscapeFileError(Exception):
    """The file as a whole cannot be read (not CSV, missing columns, …)."""

    def __init__(self, message: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class StarRating:
    """A CMS summary rating: half stars 1–5, or CMS's text ("Plan too new to be measured")."""

    value: Decimal | None = None
    text: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and not self.text

    def __str__(self) -> str:
        if self.value is not None:
            return str(self.value)
        return self.text or "(blank)"


@dataclass(frozen=True, slots=True)
class LandscapeRow:
    """One D-SNP row of the file: one plan (contract-PBP-segment) in one county."""

    row: int  # line number in the file, the header being line 1
    contract_year: int
    state: str
    county_name: str
    contract_id: str
    pbp: str
    segment: str
    plan_name: str
    contract_name: str
    marketing_name: str
    parent_name: str
    sanctioned: bool
    integration_code: str  # as CMS wrote it, e.g. "HIDE" or "CO-P"
    integration_level: str  # "CO", "HIDE" or "FIDE" (a row with any other code is rejected)
    is_aip: bool
    zero_dollar_cost_sharing: bool
    premium: Decimal | None  # Monthly Consolidated Premium (Part C + D)
    part_c_premium: Decimal | None
    part_d_total_premium: Decimal | None
    part_d_lips_cms_pays: Decimal | None
    part_d_low_income_premium: Decimal | None
    max_out_of_pocket: Decimal | None
    part_c_rating: StarRating
    part_d_rating: StarRating
    overall_rating: StarRating

    @property
    def plan_key(self) -> tuple[int, str, str, str]:
        return (self.contract_year, self.contract_id, self.pbp, self.segment)

    @property
    def cms_id(self) -> str:
        return f"{self.contract_id}-{self.pbp}-{self.segment}"

    @property
    def premium_with_extra_help(self) -> Decimal | None:
        """What a person with full Extra Help pays a month: Part C premium plus the Part
        D premium left after the low-income premium subsidy.

        CMS's own figure for the Part D part is "Part D Low Income Beneficiary Premium
        Amount" (readme Note 14: "the premium amount the beneficiary pays after the
        premium subsidy … has been applied"); it already reflects de minimis waivers.
        Only when CMS leaves it blank is it computed, as max(0, Part D Total Premium −
        Part D LIPS (CMS Pays)).
        """
        if self.part_c_premium is None:
            return None
        part_d = self.part_d_low_income_premium
        if part_d is None:
            part_d = self.computed_part_d_with_extra_help
        if part_d is None:
            return None
        return self.part_c_premium + part_d

    @property
    def computed_part_d_with_extra_help(self) -> Decimal | None:
        """max(0, total − the subsidy CMS pays for this plan), or None when unknown.

        "Part D LIPS (CMS Pays)" is the subsidy for this plan (at most its basic
        premium, 42 CFR 423.780(b)); "Low Income Premium Subsidy (LIPS) Amount" is the
        regional benchmark and would wrongly subtract from the supplemental premium.
        """
        if self.part_d_total_premium is None or self.part_d_lips_cms_pays is None:
            return None
        return max(Decimal("0.00"), self.part_d_total_premium - self.part_d_lips_cms_pays)


# The facts every row of one plan must repeat; a difference is reported, not guessed.
PLAN_FACTS = (
    "plan_name",
    "contract_name",
    "sanctioned",
    "integration_code",
    "is_aip",
    "zero_dollar_cost_sharing",
    "premium",
    "premium_with_extra_help",
    "max_out_of_pocket",
)
_plan_facts = attrgetter(*PLAN_FACTS)
_ratings = attrgetter("part_c_rating", "part_d_rating", "overall_rating")

# --- Cell parsers (pure; ValueError carries the plain message) ---------------------

_NOT_APPLICABLE = frozenset({"", "not applicable", "n/a", "na"})
_MONEY = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_STARS = re.compile(r"\d(\.\d+)?")
_CONTRACT = re.compile(r"[HR]\d{4}")
_UP_TO_THREE_DIGITS = re.compile(r"\d{1,3}")
_CENT = Decimal("0.01")


def parse_money(text: str) -> Decimal | None:
    """'$1,234.50 ' -> 1234.50; '($20.80)' -> -20.80; blank or 'Not Applicable' -> None."""
    value = text.strip()
    if value.casefold() in _NOT_APPLICABLE:
        return None
    negative = value.startswith("(") and value.endswith(")")
    if negative:
        value = value[1:-1]
    value = value.replace("$", "").replace(",", "").replace(" ", "")
    if not _MONEY.fullmatch(value):
        raise ValueError(f"{text.strip()!r} is not an amount of dollars")
    amount = Decimal(value)
    if amount != amount.quantize(_CENT):
        raise ValueError(f"{text.strip()!r} has fractions of a cent")
    amount = amount.quantize(_CENT)
    return -amount if negative else amount


def parse_stars(text: str) -> StarRating:
    """'4.5' -> 4.5 stars; CMS's text ('Plan too new to be measured') is kept as text."""
    value = " ".join(text.split())
    if not value:
        return StarRating()
    if _STARS.fullmatch(value):
        stars = Decimal(value)
        if not (1 <= stars <= 5) or (stars * 2) % 1:
            raise ValueError(f"{value!r} is not a rating of 1 to 5 stars in half stars")
        return StarRating(value=stars.quantize(Decimal("0.1")))
    if len(value) > 100:
        raise ValueError(f"{value[:40]!r}… is too long for a rating")
    return StarRating(text=value)


def parse_flag(text: str) -> bool:
    """Yes/No. CMS writes 'Not Applicable' where a feature does not apply: that is No."""
    value = text.strip().casefold()
    if value in {"yes", "y"}:
        return True
    if value in {"no", "n"} or value in _NOT_APPLICABLE:
        return False
    raise ValueError(f"{text.strip()!r} is not Yes or No")


def parse_contract_id(text: str) -> str:
    value = text.strip().upper()
    if not _CONTRACT.fullmatch(value):
        raise ValueError(f"{text.strip()!r} is not H or R followed by 4 digits")
    return value


def parse_three_digits(text: str) -> str:
    """'001' stays '001'. CMS writes Segment ID unpadded ('0') in the CY2026 file, and a
    spreadsheet round trip drops the zeros of Plan ID ('1'): both mean '00x'."""
    value = text.strip()
    if not _UP_TO_THREE_DIGITS.fullmatch(value):
        raise ValueError(f"{value!r} is not a number of 1 to 3 digits")
    return value.zfill(3)


def parse_year(text: str) -> int:
    value = text.strip()
    if not (value.isdigit() and len(value) == 4 and 2006 <= int(value) <= 2100):
        raise ValueError(f"{value!r} is not a contract year")
    return int(value)


def is_dual_eligible(snp_type: str) -> bool:
    return " ".join(snp_type.replace("-", " ").split()).casefold() == "dual eligible"


# --- The streaming parser ---------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def resolve_header(header: list[str]) -> dict[str, int]:
    """Column positions by key; a file without every needed column is refused by name."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        positions.setdefault(_header_key(cell), index)
    found: dict[str, int] = {}
    missing: list[str] = []
    for column in COLUMNS:
        for spelling in (column.name, *column.aliases):
            index = positions.get(_header_key(spelling))
            if index is not None:
                found[column.key] = index
                break
        else:
            missing.append(column.name)
    if missing:
        raise LandscapeFileError(
            "This is not a CMS MA Landscape file in the CY2025+ layout: "
            f"{len(missing)} needed column(s) are missing: {'; '.join(missing)}."
        )
    return found


class LandscapeFile:
    """One Landscape CSV, read row by row. Iterate ``dsnp_rows()`` once.

    After the iteration: ``rows_read`` (data rows), ``states`` and ``years`` (of every
    row, all plan types: what the file covers), ``rejected`` (bad D-SNP rows, with line
    numbers) and ``lines_read_as_windows_1252``. A file that cannot be read at all
    raises ``LandscapeFileError``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows_read = 0
        self.dsnp_rows_read = 0
        self.states: set[str] = set()
        self.years: set[int] = set()
        self.rejected: list[RowError] = []
        self.lines_read_as_windows_1252 = 0
        self._year_texts: dict[str, int] = {}

    def _lines(self, handle: Iterable[bytes]) -> Iterator[str]:
        """Text lines: UTF-8 (a BOM dropped), falling back to Windows-1252 line by line.

        Deciding per line keeps the reading streaming (no first pass over hundreds of
        MB); a line that is not valid UTF-8 is, in practice, Windows-1252 from Excel.
        """
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = self._first_line(raw)
            if b"\x00" in raw:
                raise LandscapeFileError(
                    "The file contains NUL bytes: it is not a CSV text file (save the "
                    "Landscape as CSV, UTF-8 or Windows-1252).",
                    line=number,
                )
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.lines_read_as_windows_1252 += 1
                yield raw.decode("cp1252", errors="replace")

    @staticmethod
    def _first_line(raw: bytes) -> bytes:
        if raw.startswith(codecs.BOM_UTF8):
            return raw[len(codecs.BOM_UTF8) :]
        if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
            raise LandscapeFileError(
                "This is an Excel workbook (.xlsx, .xlsb or .xls), not CSV: use the "
                "CY20YY_Landscape_yyyymm.csv file from the same CMS zip."
            )
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise LandscapeFileError(
                "This file is UTF-16 text: save it as CSV in UTF-8 (or use CMS's .csv)."
            )
        return raw

    def dsnp_rows(self) -> Iterator[LandscapeRow]:
        with self.path.open("rb") as handle:
            try:
                yield from self._read(csv_records(self._lines(handle)))
            except TableError as error:
                raise LandscapeFileError(f"{error.message}.", line=error.line) from error
        for text, line in self._year_texts.items():
            try:
                self.years.add(parse_year(text))
            except ValueError as error:
                self.rejected.append(RowError(line, f"Contract Year: {error}"))

    def _read(self, records: Iterator[tuple[int, int, list[str]]]) -> Iterator[LandscapeRow]:
        first = next(records, None)
        header = first[2] if first else []
        if not header or not any(cell.strip() for cell in header):
            raise LandscapeFileError("The file is empty: it has no header row.")
        columns = resolve_header(header)
        width = len(header)
        i_state, i_year, i_snp_type = columns["state"], columns["year"], columns["snp_type"]
        i_integration = columns["integration"]
        for _row, line, cells in records:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            self.rows_read += 1
            problem = field_count_problem(cells, width)
            if problem is None:
                # Checked on every row, all plan types: a D-SNP whose SNP Type is mangled
                # would otherwise be skipped as another plan type, unseen.
                problem = SNP_TYPE.problem(cells[i_snp_type]) or (
                    ANY_INTEGRATION_STATUS.problem(cells[i_integration])
                )
            if problem is not None:
                self.rejected.append(RowError(line, problem))
                continue
            self.states.add(cells[i_state].strip().upper())
            if not is_dual_eligible(cells[i_snp_type]):
                # Other plan types are not checked cell by cell, but their years count
                # (each distinct spelling is checked once, at the end).
                self._year_texts.setdefault(cells[i_year], line)
                continue
            self.dsnp_rows_read += 1
            row = self._dsnp_row(line, cells, columns)
            if row is not None:
                self.years.add(row.contract_year)
                yield row

    def _dsnp_row(self, line: int, cells: list[str], col: dict[str, int]) -> LandscapeRow | None:
        problems: list[str] = []

        def cell(key: str) -> str:
            return cells[col[key]]

        def parsed(key: str, label: str, parse: Any) -> Any:
            try:
                return parse(cell(key))
            except ValueError as error:
                problems.append(f"{label}: {error}")
                return None

        year = parsed("year", "Contract Year", parse_year)
        contract_id = parsed("contract", "Contract ID", parse_contract_id)
        pbp = parsed("plan", "Plan ID", parse_three_digits)
        segment = parsed("segment", "Segment ID", parse_three_digits)
        snp = parsed("snp", "Special Needs Plan (SNP) Indicator", parse_flag)
        if snp is False:
            problems.append("SNP Type is Dual-Eligible but the SNP Indicator is not Yes")
        sanctioned = parsed("sanctioned", "Sanctioned Plan", parse_flag)
        is_aip = parsed("aip", "D-SNP AIP Identifier", parse_flag)
        zero_dollar = parsed("zero_dollar", "Medicare Zero-Dollar Cost Sharing", parse_flag)
        premium = parsed("consolidated", "Monthly Consolidated Premium", parse_money)
        part_c = parsed("part_c", "Part C Premium", parse_money)
        part_d_total = parsed("part_d_total", "Part D Total Premium", parse_money)
        cms_pays = parsed("lips_cms_pays", "Part D LIPS (CMS Pays)", parse_money)
        low_income = parsed(
            "low_income_premium", "Part D Low Income Beneficiary Premium Amount", parse_money
        )
        moop = parsed("moop", "In-Network MOOP Amount", parse_money)
        for label, amount in (
            ("Monthly Consolidated Premium", premium),
            ("Part C Premium", part_c),
            ("Part D Low Income Beneficiary Premium Amount", low_income),
            ("In-Network MOOP Amount", moop),
        ):
            if amount is not None and amount < 0:
                problems.append(f"{label}: a negative amount ({amount}) cannot be charged")
        stars = [
            parsed(key, label, parse_stars)
            for key, label in (
                ("stars_part_c", "Part C Summary Star Rating"),
                ("stars_part_d", "Part D Summary Star Rating"),
                ("stars_overall", "Overall Star Rating"),
            )
        ]
        state = cell("state").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", state):
            problems.append(f"State Territory Abbreviation: {state!r} is not a USPS code")
        code = " ".join(cell("integration").split())
        if problem := DSNP_INTEGRATION_STATUS.problem(code):
            problems.append(problem)
        names = {
            key: " ".join(cell(key).split())
            for key in ("plan_name", "contract_name", "marketing_name", "parent", "county")
        }
        for key, label in (
            ("plan_name", "Plan Name"),
            ("contract_name", "Contract Name"),
            ("county", "County Name"),
        ):
            if not names[key]:
                problems.append(f"{label} is blank")
        if problems:
            self.rejected.append(RowError(line, "; ".join(problems)))
            return None
        return LandscapeRow(
            row=line,
            contract_year=year,
            state=state,
            county_name=names["county"],
            contract_id=contract_id,
            pbp=pbp,
            segment=segment,
            plan_name=names["plan_name"],
            contract_name=names["contract_name"],
            marketing_name=names["marketing_name"],
            parent_name=names["parent"],
            sanctioned=sanctioned,
            integration_code=code,
            integration_level=_LEVEL_BY_KEY[choice_key(code)],
            is_aip=is_aip,
            zero_dollar_cost_sharing=zero_dollar,
            premium=premium,
            part_c_premium=part_c,
            part_d_total_premium=part_d_total,
            part_d_lips_cms_pays=cms_pays,
            part_d_low_income_premium=low_income,
            max_out_of_pocket=moop,
            part_c_rating=stars[0],
            part_d_rating=stars[1],
            overall_rating=stars[2],
        )


# --- Writing to the catalog -------------------------------------------------------


def _money(amount: Decimal | None) -> str:
    return "blank" if amount is None else f"${amount:,}"


@dataclass
class _PlanInFile:
    """Everything the file says about one plan, gathered from its county rows."""

    first: LandscapeRow
    facts: tuple[Any, ...]
    counties: set[str] = field(default_factory=set)
    unmatched_states: set[str] = field(default_factory=set)
    conflicts: dict[str, str] = field(default_factory=dict)  # fact -> first difference

    def add_row(self, row: LandscapeRow) -> None:
        facts = _plan_facts(row)
        if facts == self.facts:
            return
        for name, mine, theirs in zip(PLAN_FACTS, self.facts, facts, strict=True):
            if mine != theirs and name not in self.conflicts:
                self.conflicts[name] = (
                    f"{name.replace('_', ' ')}: {mine!s} (row {self.first.row}) "
                    f"vs {theirs!s} (row {row.row})"
                )


@dataclass
class _Tally:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    unpublished: int = 0

    def __str__(self) -> str:
        text = f"{self.added:,} added, {self.changed:,} changed, {self.unchanged:,} unchanged"
        return f"{text}, {self.unpublished:,} unpublished" if self.unpublished else text


# The plan fields the Landscape owns (integration_level only when it creates the plan).
# Everything else (aligned Medicaid plan, dual categories, ages, Medicaid services,
# links, phones, …) is the admins' and is never written here.
PLAN_FIELDS = (
    "name",
    "organization",
    "integration_level",
    "is_aip",
    "zero_dollar_cost_sharing",
    "sanctioned",
    "premium",
    "premium_with_extra_help",
    "max_out_of_pocket",
    "status",
)
_PLAN_UPDATE_FIELDS = [*PLAN_FIELDS, "source", "last_reviewed", "last_import"]
# Only the fields written here are validated (without queries: foreign keys and
# uniqueness are left to the database): a value an admin entered is not ours to judge.
_PLAN_VALIDATED_FIELDS = [
    "kind",
    "plan_year",
    "contract_id",
    "pbp",
    "segment",
    *(name for name in PLAN_FIELDS if name != "organization"),
    "source",
]
_ORGANIZATION_FIELDS = ["legal_name", "marketing_name", "source"]
_CONTRACT_FIELDS = ["contract_id", "marketing_name", "source"]
_RATING_FIELDS = [
    "contract_id",
    "star_year",
    "overall",
    "overall_text",
    "part_c",
    "part_c_text",
    "part_d",
    "part_d_text",
    "source",
]

NOTE_UNMATCHED = "County names not matched (those service-area rows were skipped)"
NOTE_CONFLICTS = "Rows of one plan disagree (plans left out; the catalog keeps what it had)"
NOTE_UNPUBLISHED = "Plans unpublished (in the catalog, not in this file)"
NOTE_BY_KIND = "Changes by kind"
NOTE_DIRECTORY_HOLDER = (
    "Contract Name differs from the legal entity the Contract Directory gives for the "
    "contract (the directory's is kept)"
)
NOTE_CONTRACT_MOVED = (
    "Contracts moved to the organization this file names (the Contract Directory has not "
    "listed them)"
)
NOTE_CONTRACT_NAMES = "Contract names differ between rows of one contract (the first is used)"
NOTE_LEVEL_DIFFERS = (
    "Integration level differs from the catalog's (kept: set by the integrated D-SNP list "
    "import or a reviewer)"
)


class _LandscapeImport:
    def __init__(self, report: ImportReport, states: set[str] | None) -> None:
        self.report = report
        self.allowed = {code.upper() for code in states} if states is not None else None
        self.today = timezone.localdate()
        self.source = f"{SOURCE_PREFIX} {report.file_name}"[:300]
        self.plans: dict[tuple[int, str, str, str], _PlanInFile] = {}
        self.organizations: dict[str, tuple[str, str, int]] = {}  # legal name -> facts, row
        self.contract_names: dict[str, tuple[str, int]] = {}  # contract -> legal name, row
        self.contract_name_differences: set[tuple[str, str]] = set()
        self.parent_rows: dict[str, int] = {}  # parent name (folded) -> first row
        self.organization_differences: set[tuple[str, str, str]] = set()
        self.ratings: dict[tuple[str, int], tuple[tuple[StarRating, ...], int]] = {}
        self.rating_conflicts: set[tuple[str, int]] = set()
        self.unmatched: Counter[tuple[str, str, str]] = Counter()
        self.outside_states: Counter[str] = Counter()
        self.unknown_states: Counter[str] = Counter()
        self.tallies = {
            kind: _Tally()
            for kind in (
                "plans",
                "organizations",
                "parent organizations",
                "star ratings",
                "contracts",
            )
        }
        self.service_area_added = 0
        self.service_area_removed = 0

    # --- reading --------------------------------------------------------------

    def read(self, path: Path, matcher: CountyMatcher, known_states: set[str]) -> LandscapeFile:
        landscape = LandscapeFile(path)
        kept = 0
        for row in landscape.dsnp_rows():
            if self.allowed is not None and row.state not in self.allowed:
                self.outside_states[row.state] += 1
                continue
            if row.state not in known_states:
                # A plan of a state the geography lacks could never be found by anyone:
                # it is counted in the report, not imported half-placed.
                self.unknown_states[row.state] += 1
                continue
            kept += 1
            self._gather(row, matcher)
        self.report.rows_read = landscape.rows_read
        self.report.rows_kept = kept
        return landscape

    def _gather(self, row: LandscapeRow, matcher: CountyMatcher) -> None:
        plan = self.plans.get(row.plan_key)
        if plan is None:
            plan = self.plans[row.plan_key] = _PlanInFile(first=row, facts=_plan_facts(row))
        plan.add_row(row)
        found = matcher.match(row.state, row.county_name)
        if found.fips is None:
            self.unmatched[(row.state, row.county_name, found.problem)] += 1
            plan.unmatched_states.add(row.state)
        else:
            plan.counties.add(found.fips)
        organization = (row.marketing_name, row.parent_name, row.row)
        self.parent_rows.setdefault(fold_name(row.parent_name), row.row)
        name, first_row = self.contract_names.setdefault(
            row.contract_id, (row.contract_name, row.row)
        )
        if fold_name(name) != fold_name(row.contract_name) and (
            (row.contract_id, row.contract_name) not in self.contract_name_differences
        ):
            self.contract_name_differences.add((row.contract_id, row.contract_name))
            self.report.note(
                NOTE_CONTRACT_NAMES,
                f"{row.contract_id}: {name!r} (row {first_row}) vs {row.contract_name!r} "
                f"(row {row.row})",
            )
        known = self.organizations.setdefault(row.contract_name, organization)
        if known[:2] != organization[:2] and (row.contract_name, *organization[:2]) not in (
            self.organization_differences
        ):
            # Once per spelling, not once per county row.
            self.organization_differences.add((row.contract_name, *organization[:2]))
            self.report.note(
                "Organization names differ between rows (the first is used)",
                f"{row.contract_name}: {known[0]!r} / {known[1]!r} (row {known[2]}) vs "
                f"{row.marketing_name!r} / {row.parent_name!r} (row {row.row})",
            )
        ratings = _ratings(row)
        rating_key = (row.contract_id, row.contract_year)
        seen = self.ratings.setdefault(rating_key, (ratings, row.row))
        if seen[0] != ratings and rating_key not in self.rating_conflicts:
            self.rating_conflicts.add(rating_key)
            self.report.note(
                "Star ratings differ between rows of one contract (ratings left unchanged)",
                f"{row.contract_id} {row.contract_year}: "
                f"{' / '.join(map(str, seen[0]))} (row {seen[1]}) vs "
                f"{' / '.join(map(str, ratings))} (row {row.row})",
            )

    # --- deciding -------------------------------------------------------------

    def plans_to_apply(self) -> dict[tuple[int, str, str, str], _PlanInFile]:
        """The plans of the file that can be written; the others go into the report."""
        applied = {}
        for key, plan in self.plans.items():
            if plan.conflicts:
                self.report.note(
                    NOTE_CONFLICTS, f"{plan.first.cms_id}: {'; '.join(plan.conflicts.values())}"
                )
            else:
                applied[key] = plan
        return applied

    def note_unmatched(self) -> None:
        for (state, name, problem), count in sorted(self.unmatched.items()):
            rows = "row" if count == 1 else "rows"
            self.report.note(NOTE_UNMATCHED, f"{state} {name!r}: {count:,} {rows} ({problem})")
        for state, count in sorted(self.outside_states.items()):
            self.report.note(
                "D-SNP rows of states outside --states (skipped)", f"{state}: {count:,} rows"
            )
        for state, count in sorted(self.unknown_states.items()):
            self.report.note(
                "D-SNP rows of states not in the loaded geography (skipped: run "
                "manage.py load_geography)",
                f"{state}: {count:,} rows",
            )

    # --- writing --------------------------------------------------------------

    def write(
        self,
        applied: dict[tuple[int, str, str, str], _PlanInFile],
        covered_states: set[str],
        covered_years: set[int],
    ) -> None:
        organizations = self._organizations(applied)
        if self.report.rejected:
            return
        self._plans(applied, organizations, covered_states, covered_years)
        if self.report.rejected:
            return
        self._ratings(applied, covered_years)

    def _organizations(
        self, applied: dict[tuple[int, str, str, str], _PlanInFile]
    ) -> dict[str, Organization]:
        """Each contract's organization (contract number -> organization).

        Found through the contract's ``Contract`` row first, then by legal name (Contract
        Name, case and spacing ignored), and only then made. The Contract Directory owns
        the contracts it has listed and the organizations holding them: those are read,
        never written, so the two imports never undo each other. The other contracts and
        organizations are the Landscape's: it adds them and updates their names, but a
        blank in the file never erases.
        """
        firsts: dict[str, LandscapeRow] = {}
        for plan in applied.values():
            firsts.setdefault(plan.first.contract_id, plan.first)
        contracts = {
            c.contract_id: c
            for c in Contract.objects.filter(contract_id__in=list(firsts)).select_related(
                "organization"
            )
        }
        by_name: dict[str, list[Organization]] = defaultdict(list)
        for organization in Organization.objects.order_by("pk"):
            by_name[fold_name(organization.legal_name)].append(organization)
        directory_owned = set(
            Contract.objects.exclude(organization_type="").values_list("organization_id", flat=True)
        )

        holders: dict[str, Organization] = {}
        # The organizations this import may write, each once, with the row that names it.
        writable: dict[int, tuple[Organization, LandscapeRow]] = {}  # by id()
        kept: set[int] = set()
        for contract_id, row in sorted(firsts.items()):
            contract = contracts.get(contract_id)
            if contract is not None and contract.listed_in_directory:
                organization = contract.organization
                if fold_name(organization.legal_name) != fold_name(row.contract_name):
                    self.report.note(
                        NOTE_DIRECTORY_HOLDER,
                        f"{contract_id}: this file {row.contract_name!r} (row {row.row}), "
                        f"the directory {organization.legal_name!r}",
                    )
                holders[contract_id] = organization
                kept.add(organization.pk)
                continue
            key = fold_name(row.contract_name)
            organization = None
            if contract is not None:
                if fold_name(contract.organization.legal_name) == key:
                    organization = contract.organization
                else:
                    self.report.note(
                        NOTE_CONTRACT_MOVED,
                        f"{contract_id}: from {contract.organization.legal_name!r} to "
                        f"{row.contract_name!r} (row {row.row})",
                    )
            if organization is None:
                organization = _same_name(by_name.get(key, []), row.contract_name)
            if organization is None:
                organization = Organization(legal_name=row.contract_name)
                by_name[key].append(organization)
            holders[contract_id] = organization
            if organization.pk is not None and organization.pk in directory_owned:
                kept.add(organization.pk)
            else:
                writable.setdefault(id(organization), (organization, row))

        parents = self._parents(
            self.organizations[row.contract_name][1] for _, row in writable.values()
        )
        tally = self.tallies["organizations"]
        new, changed = [], []
        for organization, row in writable.values():
            marketing_name, parent_name, first = self.organizations[row.contract_name]
            parent = parents.get(fold_name(parent_name)) if parent_name else None
            if organization.pk is None:
                organization.marketing_name, organization.parent = marketing_name, parent
                organization.source = self.source
                self._validate(organization, first, _ORGANIZATION_FIELDS)
                new.append(organization)
                continue
            # A blank in the file never erases what another source gave.
            differs = False
            if marketing_name and organization.marketing_name != marketing_name:
                organization.marketing_name = marketing_name
                differs = True
            if parent is not None and organization.parent_id != parent.pk:
                organization.parent = parent
                differs = True
            if differs:
                organization.source = self.source
                self._validate(organization, first, _ORGANIZATION_FIELDS)
                changed.append(organization)
            else:
                tally.unchanged += 1
        tally.unchanged += len(kept)
        Organization.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Organization.objects.bulk_update(
            changed, ["marketing_name", "parent", "source"], batch_size=BATCH_SIZE
        )
        tally.added, tally.changed = len(new), len(changed)
        self._contracts(firsts, contracts, holders)
        return holders

    def _parents(self, names: Iterable[str]) -> dict[str, ParentOrganization]:
        """Parents by folded name: found with case and spacing ignored, else added."""
        tally = self.tallies["parent organizations"]
        wanted = {fold_name(name): name for name in names if name}
        existing: dict[str, ParentOrganization] = {}
        for parent in ParentOrganization.objects.order_by("pk"):
            key = fold_name(parent.name)
            if key in wanted and (key not in existing or parent.name == wanted[key]):
                existing[key] = parent
        new = [ParentOrganization(name=wanted[key]) for key in sorted(wanted.keys() - existing)]
        for parent in new:
            self._validate(parent, self.parent_rows[fold_name(parent.name)], ["name"])
        ParentOrganization.objects.bulk_create(new, batch_size=BATCH_SIZE)
        tally.added, tally.unchanged = len(new), len(existing)
        existing.update((fold_name(parent.name), parent) for parent in new)
        return existing

    def _contracts(
        self,
        firsts: dict[str, LandscapeRow],
        contracts: dict[str, Contract],
        holders: dict[str, Organization],
    ) -> None:
        """Record the contracts of the file's D-SNPs that the directory has not listed."""
        tally = self.tallies["contracts"]
        run = self.report.run
        new, changed = [], []
        for contract_id, row in sorted(firsts.items()):
            contract = contracts.get(contract_id)
            if contract is not None and contract.listed_in_directory:
                tally.unchanged += 1
                continue
            values: dict[str, Any] = {"organization": holders[contract_id]}
            if row.marketing_name:  # a blank never erases
                values["marketing_name"] = row.marketing_name
            if contract is None:
                contract = Contract(contract_id=contract_id, **values)
                new.append(contract)
            elif assign_changed(contract, values):
                changed.append(contract)
            else:
                tally.unchanged += 1
                continue
            contract.source, contract.last_import = self.source, run
            self._validate(contract, row.row, _CONTRACT_FIELDS)
        if self.report.rejected:
            return
        Contract.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Contract.objects.bulk_update(
            changed,
            ["organization", "marketing_name", "source", "last_import"],
            batch_size=BATCH_SIZE,
        )
        tally.added, tally.changed = len(new), len(changed)

    def _plans(
        self,
        applied: dict[tuple[int, str, str, str], _PlanInFile],
        organizations: dict[str, Organization],
        covered_states: set[str],
        covered_years: set[int],
    ) -> None:
        tally = self.tallies["plans"]
        run = self.report.run
        existing = {
            (p.plan_year, p.contract_id, p.pbp, p.segment): p
            for p in Plan.objects.filter(plan_year__in=covered_years)
        }
        areas: dict[int, dict[str, tuple[int, str]]] = {}
        for pk, plan_id, county_id, state in (
            ServiceArea.objects.filter(plan__plan_year__in=covered_years)
            .values_list("pk", "plan_id", "county_id", "county__state_id")
            .iterator(chunk_size=BATCH_SIZE * 5)
        ):
            areas.setdefault(plan_id, {})[county_id] = (pk, state)

        new_plans: list[tuple[Plan, _PlanInFile]] = []
        changed: list[Plan] = []
        # (plan, FIPS) pairs, not model instances: 60,000 ServiceArea objects held at once
        # would be most of the import's memory. They are made batch by batch below.
        new_areas: list[tuple[Plan, str]] = []
        stale_areas: list[int] = []
        for key, found in applied.items():
            row = found.first
            wanted: dict[str, Any] = {
                "name": row.plan_name,
                "organization": organizations[row.contract_id],
                "integration_level": row.integration_level,
                "is_aip": row.is_aip,
                "zero_dollar_cost_sharing": row.zero_dollar_cost_sharing,
                "sanctioned": row.sanctioned,
                "premium": row.premium,
                "premium_with_extra_help": row.premium_with_extra_help,
                "max_out_of_pocket": row.max_out_of_pocket,
                "status": PublicationStatus.PUBLISHED,
            }
            self._check_extra_help(row)
            plan = existing.get(key)
            if plan is not None and plan.kind != PlanKind.DSNP:
                self.report.note(
                    NOTE_CONFLICTS,
                    f"{row.cms_id}: the catalog has this ID as a {plan.get_kind_display()}",
                )
                continue
            if plan is None:
                plan = Plan(
                    kind=PlanKind.DSNP,
                    plan_year=row.contract_year,
                    contract_id=row.contract_id,
                    pbp=row.pbp,
                    segment=row.segment,
                    source=self.source,
                    last_reviewed=self.today,
                    last_import=run,
                    **wanted,
                )
                self._validate(plan, row.row, _PLAN_VALIDATED_FIELDS)
                new_plans.append((plan, found))
                continue
            current = areas.get(plan.pk, {})
            adding = found.counties - current.keys()
            removing: list[int] = []
            kept: list[str] = []
            for county, (pk, state) in current.items():
                if state not in covered_states or county in found.counties:
                    continue
                if state in found.unmatched_states:
                    # Never drop a county because the file's name for it did not match.
                    kept.append(county)
                else:
                    removing.append(pk)
            if kept:
                self.report.note(
                    "Counties kept although the file does not list them (a county name of "
                    "the plan in that state was not matched)",
                    f"{row.cms_id}: {', '.join(sorted(kept))}",
                )
            # The level is set when the plan is created. Afterwards CMS's integrated D-SNP
            # list (published later, after CMS reviews each state contract) or a reviewer
            # decides it, so a monthly Landscape update never flips it back: a difference
            # is reported instead.
            level = wanted.pop("integration_level")
            if plan.integration_level != level:
                self.report.note(
                    NOTE_LEVEL_DIFFERS,
                    f"{row.cms_id}: catalog {plan.integration_level}, this file {level} "
                    f"(row {row.row})",
                )
            differs = assign_changed(plan, wanted)
            if differs or adding or removing:
                plan.source, plan.last_reviewed, plan.last_import = self.source, self.today, run
                self._validate(plan, row.row, _PLAN_VALIDATED_FIELDS)
                changed.append(plan)
                new_areas += [(plan, county) for county in sorted(adding)]
                stale_areas += removing
            else:
                tally.unchanged += 1

        # Plans of the covered states and years that the file no longer lists.
        in_file = set(self.plans)
        unpublish: list[Plan] = []
        for key, plan in existing.items():
            if key in in_file or plan.kind != PlanKind.DSNP or plan.is_sample:
                continue
            current = areas.get(plan.pk, {})
            plan_states = {state for _, state in current.values()}
            if not plan_states or not plan_states & covered_states:
                continue  # no county, or none in what the file covers: not judged
            if plan_states <= covered_states:
                if plan.status == PublicationStatus.PUBLISHED:
                    unpublish.append(plan)
                continue
            # Serves states the file does not cover too: only its covered counties go.
            gone = [pk for pk, state in current.values() if state in covered_states]
            plan.last_import = run
            changed.append(plan)
            stale_areas += gone
            self.report.note(
                "Counties removed from plans not in this file (they serve other states too, "
                "so they stay published)",
                f"{plan.cms_id} {plan.name}: {len(gone):,} counties in "
                f"{', '.join(sorted(plan_states & covered_states))}",
            )
        if self.report.rejected:
            return

        Plan.objects.bulk_create([plan for plan, _ in new_plans], batch_size=BATCH_SIZE)
        for plan, found in new_plans:
            new_areas += [(plan, county) for county in sorted(found.counties)]
        Plan.objects.bulk_update(changed, _PLAN_UPDATE_FIELDS, batch_size=BATCH_SIZE)
        for start in range(0, len(stale_areas), BATCH_SIZE):
            # A raw delete: service areas keep a history and signal the catalog version,
            # so Django's delete() would load and signal every row (one query each). The
            # import is audited by its run, and the catalog version moves once at commit.
            # Nothing references a service area, so there is nothing to cascade.
            stale = ServiceArea.objects.filter(pk__in=stale_areas[start : start + BATCH_SIZE])
            stale._raw_delete(stale.db)
        for start in range(0, len(new_areas), BATCH_SIZE):
            ServiceArea.objects.bulk_create(
                ServiceArea(plan=plan, county_id=county)
                for plan, county in new_areas[start : start + BATCH_SIZE]
            )
        unpublished_pks = [plan.pk for plan in unpublish]
        for start in range(0, len(unpublished_pks), BATCH_SIZE):
            Plan.objects.filter(pk__in=unpublished_pks[start : start + BATCH_SIZE]).update(
                status=PublicationStatus.DRAFT, last_import=run
            )
        for plan in sorted(unpublish, key=attrgetter("plan_year", "contract_id", "pbp")):
            self.report.note(NOTE_UNPUBLISHED, f"{plan.cms_id} {plan.name} ({plan.plan_year})")
        tally.added, tally.changed, tally.unpublished = len(new_plans), len(changed), len(unpublish)
        self.service_area_added, self.service_area_removed = len(new_areas), len(stale_areas)

    def _check_extra_help(self, row: LandscapeRow) -> None:
        computed = row.computed_part_d_with_extra_help
        cms = row.part_d_low_income_premium
        if computed is not None and cms is not None and computed != cms:
            self.report.note(
                "Extra Help premium: CMS's figure used, it differs from Part D total − "
                "LIPS (CMS Pays) (a de minimis waiver?)",
                f"{row.cms_id}: CMS {_money(cms)}, computed {_money(computed)} (row {row.row})",
            )

    def _ratings(
        self, applied: dict[tuple[int, str, str, str], _PlanInFile], covered_years: set[int]
    ) -> None:
        tally = self.tallies["star ratings"]
        contracts = {row.contract_id for row in (plan.first for plan in applied.values())}
        wanted = {
            key: ratings
            for key, (ratings, _) in self.ratings.items()
            if key[0] in contracts
            and key not in self.rating_conflicts
            # A file without ratings yet (September, before CMS adds them) erases nothing.
            and not all(rating.blank for rating in ratings)
        }
        existing = {
            (r.contract_id, r.star_year): r
            for r in ContractRating.objects.filter(
                star_year__in=covered_years, contract_id__in=contracts
            )
        }
        new, changed = [], []
        for (contract_id, year), ratings in sorted(wanted.items()):
            rating = existing.get((contract_id, year))
            is_new = rating is None
            if rating is None:
                rating = ContractRating(contract_id=contract_id, star_year=year)
            values: dict[str, Any] = {}
            for prefix, stars in zip(("part_c", "part_d", "overall"), ratings, strict=True):
                # A blank cell leaves what the Star Ratings import wrote.
                if not stars.blank:
                    values[prefix] = stars.value
                    values[f"{prefix}_text"] = stars.text
            differs = assign_changed(rating, values)
            if is_new or differs:
                rating.source = self.source
                self._validate(rating, self.ratings[(contract_id, year)][1], _RATING_FIELDS)
                (new if is_new else changed).append(rating)
            else:
                tally.unchanged += 1
        ContractRating.objects.bulk_create(new, batch_size=BATCH_SIZE)
        ContractRating.objects.bulk_update(
            changed,
            ["part_c", "part_c_text", "part_d", "part_d_text", "overall", "overall_text", "source"],
            batch_size=BATCH_SIZE,
        )
        tally.added, tally.changed = len(new), len(changed)

    def _validate(self, obj: models.Model, row: int, fields: list[str]) -> None:
        """Validate the given fields of a row about to be written, with plain messages."""
        exclude = [f.name for f in obj._meta.concrete_fields if f.name not in fields]
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as error:
            messages = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()
            )
            self.report.reject(row, f"{obj._meta.verbose_name}: {messages}")

    def finish(self) -> None:
        for tally in self.tallies.values():
            self.report.added += tally.added
            self.report.changed += tally.changed
            self.report.unchanged += tally.unchanged
            self.report.unpublished += tally.unpublished
        for kind, tally in self.tallies.items():
            self.report.note(NOTE_BY_KIND, f"{kind}: {tally}")
        self.report.note(
            NOTE_BY_KIND,
            f"service-area counties: {self.service_area_added:,} added, "
            f"{self.service_area_removed:,} removed",
        )


def _same_name(candidates: list[Organization], name: str) -> Organization | None:
    """The organization of this legal name: the exact spelling first, then the first
    made of the spellings that differ only in case or spacing."""
    for organization in candidates:
        if organization.legal_name == name:
            return organization
    return candidates[0] if candidates else None


def apply_landscape(report: ImportReport, path: Path, *, states: set[str] | None = None) -> None:
    """Read a Landscape file and bring the catalog's D-SNPs in line with it.

    ``states``: the only states this import may touch (a state admin's, or --states);
    rows of other states are skipped and nothing of theirs is judged. Meant to be the
    ``apply`` of ``run_import``, which owns the transaction, the dry run and the record.
    """
    matcher = CountyMatcher.from_database()
    if not len(matcher):
        raise ImportRefused(
            "No counties are loaded, so no county name can be matched: run "
            "`manage.py load_geography` first."
        )
    if report.dry_run and catalog_has_sample_rows():
        # A real run refuses (or removes the demo with --remove-demo); this dry run
        # shows what the import would do once the sample rows are gone, then rolls back.
        remove_demo_catalog()
        report.note(
            "Sample catalog",
            "The database holds the sample (demo) catalog: a real import needs "
            "--remove-demo. This dry run shows the result without the sample rows.",
        )
    known_states = set(State.objects.values_list("code", flat=True))
    work = _LandscapeImport(report, states)
    try:
        landscape = work.read(path, matcher, known_states)
    except LandscapeFileError as error:
        report.reject(error.line, str(error))
        return
    report.rejected.extend(sorted(landscape.rejected, key=attrgetter("row")))
    if landscape.lines_read_as_windows_1252:
        report.note(
            "Encoding",
            f"{landscape.lines_read_as_windows_1252:,} lines were not UTF-8 and were read as "
            "Windows-1252.",
        )
    covered_states = landscape.states & known_states
    if work.allowed is not None:
        covered_states &= work.allowed
    report.states = covered_states
    report.plan_years = set(landscape.years)
    work.note_unmatched()
    if report.rejected:
        return
    applied = work.plans_to_apply()
    work.write(applied, covered_states, landscape.years)
    if not report.rejected:
        work.finish()
