"""The catalog CSV: the project's own file for what CMS does not publish.

One long-format CSV, one row per thing, the ``record`` column naming which kind of
thing (state_policy, state_contact, card_term, medicaid_plan, medicaid_plan_county,
plan, service_area). Every kind uses a documented subset of the columns, and the others
must be blank, so a row pasted under the wrong record is caught instead of half-read.
The format, with an example of every record, is in docs/catalog-format.md.

Rules the import keeps:
- A row says the whole truth about its thing: every column its record uses is written
  (a yes/no column may not be blank), so export → import changes nothing.
- Things are found by stable keys (state; state + kind + name; state + Medicaid plan
  code + year; contract-PBP-segment + year), updated in place, never deleted; the
  report lists what the catalog has in the file's states that the file does not name.
- Sets are the exception: for each Medicaid plan with medicaid_plan_county rows, and
  each PACE plan with service_area rows, the file's rows are its whole service area,
  and counties not in the file are removed (and reported).
- D-SNPs and their service areas come from the CMS Landscape: a plan row may only add
  what the Landscape lacks to a D-SNP already in the catalog. PACE plans (not in the
  Landscape) are created here, with their organization found by contract: the
  ``Contract`` the MA Contract Directory import wrote, which also says whether the
  contract is National PACE.
- Every row goes through the model's ``full_clean()``, so the cross-field rules of
  ``Plan.clean()`` (exclusively aligned enrollment only with full-benefit categories,
  PACE from 55) give the same plain messages as the admin, named by row and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import models

from plans.imports.common import ImportReport, RowError
from plans.imports.contract_directory import find_contract, organization_for_contract
from plans.imports.tabular import TableError, csv_records, field_count_problem
from plans.models import (
    ALL_CATEGORIES,
    CardTerm,
    Contract,
    County,
    DualCategory,
    MedicaidPlan,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    StateContact,
    StatePolicy,
    ZipCounty,
)

SOURCE = "Integrated Care Finder catalog CSV"
# Dual category code → the Plan boolean that holds it, in the order export writes them.
CATEGORY_FIELDS = {code: f"enrolls_{code}" for code in DualCategory.values}
SAMPLE_CARD_TERM = "(sample wording)"  # how the demo marks its card terms (plans.demo)

# The header, in the order export writes it. Import accepts any order and missing
# columns (read as blank), but no column outside this list.
COLUMNS = [
    "record",
    "state",
    "plan_year",
    "code",
    "contract_id",
    "pbp",
    "segment",
    "county",
    "zip_codes",
    "kind",
    "name",
    "organization",
    "parent",
    "says",
    "says_es",
    "category",
    "sort_order",
    "dual_categories",
    "medicaid_plan_lock_in",
    "has_medicare_savings_programs",
    "has_extra_help",
    "covers_qmb",
    "requires_multiple_dsnps",
    "enrolls_full_benefit_duals",
    "age_min",
    "age_max",
    "age_limits_at_enrollment",
    "requires_nursing_home_level_of_care",
    "covers_medicare_cost_sharing",
    "covers_ltss",
    "covers_behavioral_health",
    "covers_home_health",
    "covers_medical_equipment",
    "carve_outs",
    "aligned_medicaid_plan",
    "exclusively_aligned",
    "pace_waiting_list",
    "provider_directory_url",
    "pharmacy_directory_url",
    "drug_list_url",
    "summary_of_benefits_url",
    "evidence_of_coverage_url",
    "website",
    "phone",
    "tty",
    "hours",
    "hours_es",
    "verified",
    "notes",
    "notes_es",
    "status",
    "source",
    "last_reviewed",
]

REVIEW = ("status", "source", "last_reviewed")
PLAN_KEY = ("contract_id", "pbp", "segment", "plan_year")


@dataclass(frozen=True)
class RecordSpec:
    keys: tuple[str, ...]
    values: tuple[str, ...]
    # Model field → column, where they differ (for naming the column in messages).
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def used(self) -> tuple[str, ...]:
        return ("record", *self.keys, *self.values)


RECORDS: dict[str, RecordSpec] = {
    "state_policy": RecordSpec(
        keys=("state",),
        values=(
            "dual_categories",
            "medicaid_plan_lock_in",
            "has_medicare_savings_programs",
            "has_extra_help",
            "covers_qmb",
            "requires_multiple_dsnps",
            "notes",
            "notes_es",
            *REVIEW,
        ),
        columns={"dsnp_default_categories": "dual_categories"},
    ),
    "state_contact": RecordSpec(
        keys=("state", "kind", "name"),
        values=("phone", "tty", "website", "hours", "hours_es", "verified", *REVIEW),
    ),
    "card_term": RecordSpec(keys=("state", "says"), values=("says_es", "category", "sort_order")),
    "medicaid_plan": RecordSpec(
        keys=("state", "code", "plan_year"),
        values=(
            "name",
            "parent",
            "enrolls_full_benefit_duals",
            "covers_ltss",
            "covers_behavioral_health",
            "phone",
            "website",
            *REVIEW,
        ),
    ),
    "medicaid_plan_county": RecordSpec(keys=("state", "code", "plan_year", "county"), values=()),
    "plan": RecordSpec(
        keys=PLAN_KEY,
        values=(
            "kind",
            "name",
            "organization",
            "dual_categories",
            "age_min",
            "age_max",
            "age_limits_at_enrollment",
            "requires_nursing_home_level_of_care",
            "covers_medicare_cost_sharing",
            "covers_ltss",
            "covers_behavioral_health",
            "covers_home_health",
            "covers_medical_equipment",
            "carve_outs",
            "state",
            "aligned_medicaid_plan",
            "exclusively_aligned",
            "pace_waiting_list",
            "provider_directory_url",
            "pharmacy_directory_url",
            "drug_list_url",
            "summary_of_benefits_url",
            "evidence_of_coverage_url",
            "website",
            "phone",
            "tty",
            "hours",
            *REVIEW,
        ),
        columns={
            "phone_hours": "hours",
            "dual_categories_from_state": "dual_categories",
            **dict.fromkeys(CATEGORY_FIELDS.values(), "dual_categories"),
        },
    ),
    "service_area": RecordSpec(keys=(*PLAN_KEY, "county"), values=("zip_codes",)),
}
ORDER = list(RECORDS)  # dependencies first: Medicaid plans before the plans aligned to them

BOOLEAN_COLUMNS = frozenset(
    {
        "medicaid_plan_lock_in",
        "has_medicare_savings_programs",
        "has_extra_help",
        "covers_qmb",
        "requires_multiple_dsnps",
        "verified",
        "enrolls_full_benefit_duals",
        "age_limits_at_enrollment",
        "requires_nursing_home_level_of_care",
        "covers_medicare_cost_sharing",
        "covers_ltss",
        "covers_behavioral_health",
        "covers_home_health",
        "covers_medical_equipment",
        "exclusively_aligned",
        "pace_waiting_list",
    }
)
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}

NOT_IN_FILE = "In the catalog for this file's states but not in the file (left as they are)"
REMOVED = "Removed from service areas (not in the file)"
NEW_PARENTS = "Parent organizations added (check the spelling against the Contract Directory)"
LANDSCAPE_NAMES = "D-SNP names or sponsors that differ from the catalog (the Landscape's are kept)"
ZIPS_ELSEWHERE = "ZIP codes not known to reach their county (kept; check them)"
NOT_PACE_ORGANIZATION = (
    "PACE plans whose contract or organization is not PACE in the catalog (check them)"
)
CREATED_PACE = "PACE plans created from service_area rows (draft: review and publish them)"


class RowProblem(Exception):
    """A problem with one cell: ``column`` names it in the report."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class CatalogRow:
    number: int
    record: str
    values: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    def key(self) -> tuple[Any, ...]:
        return tuple(self.values[c] for c in RECORDS[self.record].keys)


# --- Parsing (no database) --------------------------------------------------


def _text(value: str) -> str:
    return value.strip()


def _required(column: str, value: str) -> str:
    if not value:
        raise RowProblem(column, "is blank; it is needed on this row")
    return value


def _boolean(column: str, value: str) -> bool:
    word = value.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowProblem(column, f"write yes or no, not {value!r}" if value else "write yes or no")


def _integer(column: str, value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise RowProblem(column, f"{value!r} is not a whole number")
    return int(value)


def _padded(width: int) -> Callable[[str, str], str]:
    def parse(column: str, value: str) -> str:
        # Spreadsheets drop the leading zeros of "001" or "06037"; the number is still clear.
        if value.isdigit() and len(value) <= width:
            return value.zfill(width)
        raise RowProblem(column, f"{value!r} is not {width} digits")

    return parse


def _date(column: str, value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RowProblem(column, f"{value!r} is not a date written as 2026-09-30") from None


def _words(column: str, value: str) -> list[str]:
    return [word for word in re.split(r"[\s,;]+", value) if word]


def _zip_codes(column: str, value: str) -> list[str]:
    zips = []
    for word in _words(column, value):
        if not (word.isdigit() and len(word) <= 5):
            raise RowProblem(column, f"{word!r} is not a 5-digit ZIP code")
        zips.append(word.zfill(5))
    return list(dict.fromkeys(zips))


PARSERS: dict[str, Callable[[str, str], Any]] = {
    "state": lambda column, value: value.upper(),
    "contract_id": lambda column, value: value.upper(),
    "plan_year": _integer,
    "pbp": _padded(3),
    "segment": _padded(3),
    "county": _padded(5),
    "zip_codes": _zip_codes,
    "dual_categories": _words,
    "age_min": _integer,
    "age_max": _integer,
    "sort_order": _integer,
    "last_reviewed": _date,
    **dict.fromkeys(BOOLEAN_COLUMNS, _boolean),
}


@dataclass
class ParsedCatalog:
    rows_read: int = 0
    rows: list[CatalogRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)


def parse_catalog(path: Path) -> ParsedCatalog:
    parsed = ParsedCatalog()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.rejected.append(
            RowError(1, "The file is not UTF-8 text: save it as 'CSV UTF-8' and import again.")
        )
        return parsed
    records = csv_records(io.StringIO(text, newline=""))
    try:
        first = next(records, None)
    except TableError as error:
        parsed.rejected.append(RowError(error.row, f"{error.message}."))
        return parsed
    header = [cell.strip().lower() for cell in first[2]] if first else []
    unknown = [c for c in header if c not in COLUMNS]
    if "record" not in header or unknown:
        problem = (
            f"unknown columns {', '.join(repr(c) for c in unknown)}"
            if unknown
            else "no 'record' column"
        )
        parsed.rejected.append(
            RowError(
                1, f"The header has {problem}; the columns are listed in docs/catalog-format.md."
            )
        )
        return parsed
    if len(set(header)) != len(header):
        parsed.rejected.append(RowError(1, "The header names a column twice."))
        return parsed

    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in _numbered(records, parsed):
        if not any(cell.strip() for cell in cells):
            continue
        parsed.rows_read += 1
        if len(cells) > len(header):
            parsed.rejected.append(
                RowError(number, f"The row has {len(cells)} cells; the header has {len(header)}.")
            )
            continue
        if problem := field_count_problem(cells, len(header)):
            # A short row is a row cut off (a truncated file), not one with blank columns.
            parsed.rejected.append(RowError(number, f"The row {problem}."))
            continue
        raw = {
            column: cells[i].strip() if i < len(cells) else "" for i, column in enumerate(header)
        }
        row = _parse_row(number, raw, parsed)
        if row is None:
            continue
        key = (row.record, *row.key())
        if key in seen:
            parsed.rejected.append(
                RowError(number, f"This {row.record} row repeats the key of row {seen[key]}.")
            )
            continue
        seen[key] = number
        parsed.rows.append(row)
    return parsed


def _numbered(
    records: Iterator[tuple[int, int, list[str]]], parsed: ParsedCatalog
) -> Iterator[tuple[int, list[str]]]:
    # Rows are numbered as a spreadsheet shows them (the header is row 1): a note with a
    # line break is still one row.
    try:
        for number, _line, cells in records:
            yield number, cells
    except TableError as error:
        parsed.rejected.append(RowError(error.row, f"{error.message}."))


def _parse_row(number: int, raw: dict[str, str], parsed: ParsedCatalog) -> CatalogRow | None:
    record = raw.get("record", "").lower()
    spec = RECORDS.get(record)
    if spec is None:
        parsed.rejected.append(
            RowError(
                number,
                f"column record: {raw.get('record', '')!r} is not one of {', '.join(RECORDS)}.",
            )
        )
        return None
    problems: list[str] = []
    stray = [c for c, v in raw.items() if v and c not in spec.used]
    if stray:
        problems.append(
            f"column {', '.join(stray)}: not used by {record} rows; leave "
            f"{'it' if len(stray) == 1 else 'them'} blank"
        )
    values: dict[str, Any] = {}
    for column in (*spec.keys, *spec.values):
        value = raw.get(column, "")
        try:
            if column in spec.keys:
                _required(column, value)
            values[column] = PARSERS.get(column, lambda c, v: _text(v))(column, value)
        except RowProblem as problem:
            problems.append(f"column {problem.column}: {problem.message}")
    if "status" in values and values["status"] not in PublicationStatus.values:
        problems.append(
            f"column status: write {', '.join(PublicationStatus.values)}, not {values['status']!r}"
        )
    if problems:
        parsed.rejected.append(RowError(number, "; ".join(problems) + "."))
        return None
    return CatalogRow(number, record, values)


# --- Writing ------------------------------------------------------------------


def contract_holder(contract_id: str) -> tuple[Organization | None, Contract | None]:
    """The organization holding a contract, and the contract's ``Contract`` row if the
    catalog has one (without it, the sponsor of the contract's latest plan)."""
    contract = find_contract(contract_id)
    if contract is not None:
        return contract.organization, contract
    return organization_for_contract(contract_id), None


def not_pace(contract_id: str, organization: Organization, contract: Contract | None) -> str:
    """Why a PACE plan under this contract looks wrong, or "" when it does not.

    The Contract Directory's organization type of the contract decides when the directory
    has listed it: a PACE organization may hold D-SNP contracts too (Fallon, CalOptima).
    Otherwise the organization's PACE flag does.
    """
    if contract is not None and contract.listed_in_directory:
        if contract.is_pace:
            return ""
        return (
            f"{organization.legal_name} is not a PACE organization for contract {contract_id} "
            f"(the Contract Directory lists it as {contract.organization_type})"
        )
    return "" if organization.is_pace else f"{organization.legal_name} is not a PACE organization"


class _Importer:
    """One import of a parsed file: state shared between the record kinds."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.states = State.objects.in_bulk()
        self.parents = {p.name.casefold(): p for p in ParentOrganization.objects.all()}
        self.medicaid_plans: dict[tuple[str, str, int], MedicaidPlan] = {}
        self.added_medicaid_plans: set[int] = set()
        self.rejected_keys: set[tuple[Any, ...]] = set()
        self.plans: dict[tuple[str, str, str, int], Plan] = {}

    # Saving with change counting and plain messages.

    def save(
        self, row: CatalogRow, obj: models.Model, values: dict[str, Any], *, is_new: bool
    ) -> bool:
        """Set ``values`` on ``obj``; validate and save it if it is new or changed."""
        before = None if is_new else _snapshot(obj, values)
        for name, value in values.items():
            setattr(obj, name, value)
        if before is not None and _snapshot(obj, values) == before:
            self.report.unchanged += 1
            return True
        try:
            obj.full_clean()
        except ValidationError as error:
            self.reject_validation(row, error)
            return False
        obj.save()
        if is_new:
            self.report.added += 1
        else:
            self.report.changed += 1
        return True

    def reject_validation(self, row: CatalogRow, error: ValidationError) -> None:
        spec = RECORDS[row.record]
        messages = []
        for name, errors in error.message_dict.items():
            if name == "__all__":
                where = f"key ({', '.join(spec.keys)})"
            else:
                where = f"column {spec.columns.get(name, name)}"
            messages.append(f"{where}: {' '.join(errors)}")
        self.reject(row, "; ".join(messages))

    def reject(self, row: CatalogRow, message: str) -> None:
        self.rejected_keys.add((row.record, *row.key()))
        self.report.reject(row.number, message.rstrip(".") + ".")

    def state(self, row: CatalogRow, column: str = "state") -> State | None:
        state = self.states.get(row[column])
        if state is None:
            self.reject(
                row,
                f"column {column}: {row[column]!r} is not a state or territory in the catalog "
                "(load the geography first)",
            )
        return state

    # The record kinds, in ORDER.

    def state_policy(self, row: CatalogRow) -> None:
        state = self.state(row)
        if state is None:
            return
        self.report.states.add(state.code)
        policy = StatePolicy.objects.filter(state=state).first()
        categories = [] if row["dual_categories"] == ["none"] else row["dual_categories"]
        values = {
            "dsnp_default_categories": list(dict.fromkeys(categories)),
            **{c: row[c] for c in RECORDS["state_policy"].values if c != "dual_categories"},
        }
        self.save(row, policy or StatePolicy(state=state), values, is_new=policy is None)

    def state_contact(self, row: CatalogRow) -> None:
        state = self.state(row)
        if state is None:
            return
        self.report.states.add(state.code)
        contact = StateContact.objects.filter(
            state=state, kind=row["kind"], name=row["name"]
        ).first()
        values = {c: row[c] for c in RECORDS["state_contact"].values}
        new = contact or StateContact(state=state, kind=row["kind"], name=row["name"])
        self.save(row, new, values, is_new=contact is None)

    def card_term(self, row: CatalogRow) -> None:
        state = self.state(row)
        if state is None:
            return
        self.report.states.add(state.code)
        term = CardTerm.objects.filter(state=state, says=row["says"]).first()
        values = {
            "says_es": row["says_es"],
            "category": row["category"],
            "sort_order": row["sort_order"] or 0,
        }
        new = term or CardTerm(state=state, says=row["says"])
        self.save(row, new, values, is_new=term is None)

    def medicaid_plan(self, row: CatalogRow) -> None:
        state = self.state(row)
        if state is None or row["plan_year"] is None:
            return
        self.report.states.add(state.code)
        self.report.plan_years.add(row["plan_year"])
        key = (state.code, row["code"], row["plan_year"])
        existing = MedicaidPlan.objects.filter(
            state=state, code=row["code"], plan_year=row["plan_year"]
        ).first()
        values = {c: row[c] for c in RECORDS["medicaid_plan"].values if c not in {"parent", "name"}}
        values["name"] = row["name"]
        values["parent"] = self.parent(row["parent"])
        obj = existing or MedicaidPlan(state=state, code=row["code"], plan_year=row["plan_year"])
        if self.save(row, obj, values, is_new=existing is None):
            self.medicaid_plans[key] = obj
            if existing is None:
                self.added_medicaid_plans.add(obj.pk)

    def parent(self, name: str) -> ParentOrganization | None:
        if not name:
            return None
        parent = self.parents.get(name.casefold())
        if parent is None:
            # A Medicaid-only parent may be in no CMS file; the note asks for a spelling check.
            parent = ParentOrganization.objects.create(name=name)
            self.parents[name.casefold()] = parent
            self.report.added += 1
            self.report.note(NEW_PARENTS, name)
        return parent

    def find_medicaid_plan(
        self, row: CatalogRow, state_code: str, code: str, year: int, column: str
    ) -> MedicaidPlan | None:
        key = (state_code, code, year)
        found = self.medicaid_plans.get(key)
        if found is None:
            found = MedicaidPlan.objects.filter(state=state_code, code=code, plan_year=year).first()
        if found is None:
            why = (
                "its medicaid_plan row was rejected"
                if ("medicaid_plan", *key) in self.rejected_keys
                else "it is not in the catalog or in this file"
            )
            self.reject(
                row, f"column {column}: {state_code} Medicaid plan {code!r} ({year}): {why}"
            )
        return found

    def medicaid_plan_counties(self, rows: list[CatalogRow]) -> None:
        wanted: dict[tuple[str, str, int], list[CatalogRow]] = defaultdict(list)
        for row in rows:
            if self.state(row) is None or row["plan_year"] is None:
                continue
            wanted[(row["state"], row["code"], row["plan_year"])].append(row)
        counties = County.objects.in_bulk({row["county"] for row in rows})
        for (state_code, code, year), members in wanted.items():
            chosen = []
            for row in members:
                county = counties.get(row["county"])
                if county is None or county.state_id != state_code:
                    self.reject(
                        row,
                        f"column county: {row['county']} is not a county of {state_code} in "
                        "the catalog",
                    )
                    continue
                chosen.append(county)
            medicaid_plan = self.find_medicaid_plan(members[0], state_code, code, year, "code")
            if medicaid_plan is None:
                continue
            current = set(medicaid_plan.service_area.values_list("fips", flat=True))
            target = {county.fips for county in chosen}
            new_plan = medicaid_plan.pk in self.added_medicaid_plans
            for fips in sorted(current - target):
                self.report.note(REMOVED, f"{medicaid_plan}: {fips}")
            if current == target:
                self.report.unchanged += len(target)
                continue
            medicaid_plan.service_area.set(chosen)
            if new_plan:
                self.report.added += len(target)
            else:
                self.report.added += len(target - current)
                self.report.changed += len(current - target)
                self.report.unchanged += len(target & current)

    def plan(self, row: CatalogRow) -> None:
        key = (row["contract_id"], row["pbp"], row["segment"], row["plan_year"])
        self.report.plan_years.add(row["plan_year"])
        existing = (
            Plan.objects.filter(contract_id=key[0], pbp=key[1], segment=key[2], plan_year=key[3])
            .select_related("organization")
            .first()
        )
        label = f"{key[0]}-{key[1]}-{key[2]} ({key[3]})"
        kind = row["kind"]
        if kind not in PlanKind.values:
            self.reject(row, f"column kind: write {' or '.join(PlanKind.values)}, not {kind!r}")
            return
        if existing is None and kind == PlanKind.DSNP:
            self.reject(
                row,
                f"{label} is not in the catalog: D-SNPs come from the CMS Landscape, so "
                "import the Landscape for that year first",
            )
            return
        if existing is not None and existing.kind != kind:
            self.reject(row, f"column kind: the catalog has {label} as {existing.kind}")
            return
        values = self.plan_values(row)
        if values is None:
            return
        if existing is not None and kind == PlanKind.DSNP:
            # The Landscape owns a D-SNP's name and sponsor; the columns are for reading.
            self.note_landscape_names(row, existing)
        else:
            if not row["name"]:
                self.reject(row, "column name: a PACE plan needs its name")
                return
            organization = self.plan_organization(row, existing)
            if organization is None:
                return
            values["name"] = row["name"]
            values["organization"] = organization
        plan = existing or Plan(
            kind=kind, contract_id=key[0], pbp=key[1], segment=key[2], plan_year=key[3]
        )
        if self.save(row, plan, values, is_new=existing is None):
            self.plans[key] = plan

    def plan_values(self, row: CatalogRow) -> dict[str, Any] | None:
        values: dict[str, Any] = {
            c: row[c]
            for c in RECORDS["plan"].values
            if c not in {"kind", "name", "organization", "dual_categories", "state", "hours"}
            and c != "aligned_medicaid_plan"
        }
        values["phone_hours"] = row["hours"]
        words = row["dual_categories"]
        if words == ["state"]:
            values["dual_categories_from_state"] = True
            values.update(dict.fromkeys(CATEGORY_FIELDS.values(), False))
        else:
            chosen = [] if words == ["none"] else words
            unknown = [w for w in chosen if w not in ALL_CATEGORIES]
            if not words or unknown:
                self.reject(
                    row,
                    "column dual_categories: write state (the state's default), none, or "
                    f"categories from {', '.join(CATEGORY_FIELDS)}"
                    + (f"; not {', '.join(unknown)}" if unknown else ""),
                )
                return None
            values["dual_categories_from_state"] = False
            values.update({f: code in chosen for code, f in CATEGORY_FIELDS.items()})
        code, state_code = row["aligned_medicaid_plan"], row["state"]
        if code and not state_code:
            self.reject(row, "column state: name the state of the aligned Medicaid plan")
            return None
        if state_code and not code:
            self.reject(
                row,
                "column state: on plan rows it names the aligned Medicaid plan's state; "
                "leave it blank when there is none",
            )
            return None
        values["aligned_medicaid_plan"] = None
        if code:
            found = self.find_medicaid_plan(
                row, state_code, code, row["plan_year"], "aligned_medicaid_plan"
            )
            if found is None:
                return None
            values["aligned_medicaid_plan"] = found
        return values

    def plan_organization(self, row: CatalogRow, existing: Plan | None) -> Organization | None:
        name = row["organization"]
        if not name and existing is not None:
            return existing.organization
        contract = find_contract(row["contract_id"])
        if name:
            found = Organization.objects.filter(legal_name__iexact=name).first()
            if found is None:
                self.reject(
                    row,
                    f"column organization: no organization with the legal name {name!r} "
                    "(import the MA Contract Directory, or check the spelling)",
                )
                return None
        else:
            found = (
                contract.organization if contract else organization_for_contract(row["contract_id"])
            )
            if found is None:
                self.reject(
                    row,
                    f"column organization: no organization is known for contract "
                    f"{row['contract_id']}; import the MA Contract Directory first, or write "
                    "the organization's legal name",
                )
                return None
        if contract is not None and contract.organization_id != found.pk:
            contract = None  # another organization's contract says nothing about this one
        problem = not_pace(row["contract_id"], found, contract)
        if problem:
            self.report.note(NOT_PACE_ORGANIZATION, f"{row['contract_id']}: {problem}")
        return found

    def note_landscape_names(self, row: CatalogRow, plan: Plan) -> None:
        if row["name"] and not _same(row["name"], plan.name):
            self.report.note(
                LANDSCAPE_NAMES, f"row {row.number}: {plan.cms_id} name {row['name']!r}"
            )
        if row["organization"] and not _same(row["organization"], plan.organization.legal_name):
            self.report.note(
                LANDSCAPE_NAMES,
                f"row {row.number}: {plan.cms_id} organization {row['organization']!r}",
            )

    def service_areas(self, rows: list[CatalogRow]) -> None:
        by_plan: dict[tuple[str, str, str, int], list[CatalogRow]] = defaultdict(list)
        for row in rows:
            by_plan[(row["contract_id"], row["pbp"], row["segment"], row["plan_year"])].append(row)
        counties = County.objects.in_bulk({row["county"] for row in rows})
        for key, members in by_plan.items():
            plan = self.service_area_plan(key, members[0])
            if plan is None:
                continue
            self.report.plan_years.add(plan.plan_year)
            current = {area.county_id: area for area in plan.service_areas.all()}
            kept: set[str] = set()
            for row in members:
                county = counties.get(row["county"])
                if county is None:
                    self.reject(
                        row, f"column county: {row['county']} is not a county in the catalog"
                    )
                    continue
                kept.add(county.fips)
                self.report.states.add(county.state_id)
                self.note_zips_elsewhere(row, county)
                area = current.get(county.fips)
                self.save(
                    row,
                    area or ServiceArea(plan=plan, county=county),
                    {"zip_codes": row["zip_codes"]},
                    is_new=area is None,
                )
            for fips, area in sorted(current.items()):
                if fips not in kept:
                    area.delete()
                    self.report.changed += 1
                    self.report.note(REMOVED, f"{plan.cms_id} ({plan.plan_year}): {fips}")

    def service_area_plan(self, key: tuple[str, str, str, int], row: CatalogRow) -> Plan | None:
        plan = (
            self.plans.get(key)
            or Plan.objects.filter(
                contract_id=key[0], pbp=key[1], segment=key[2], plan_year=key[3]
            ).first()
        )
        label = f"{key[0]}-{key[1]}-{key[2]} ({key[3]})"
        if plan is not None:
            if plan.kind != PlanKind.PACE:
                self.reject(
                    row,
                    f"{label} is a D-SNP: its service area comes from the CMS Landscape; "
                    "service_area rows are for PACE organizations",
                )
                return None
            return plan
        if ("plan", *key) in self.rejected_keys:
            self.reject(row, f"{label}: its plan row was rejected")
            return None
        organization, contract = contract_holder(key[0])
        if organization is None:
            self.reject(
                row,
                f"{label} is not in the catalog and no organization is known for contract "
                f"{key[0]}: import the MA Contract Directory first, or add a plan row",
            )
            return None
        problem = not_pace(key[0], organization, contract)
        if problem:
            self.reject(
                row,
                f"{label} is not in the catalog and {problem}: D-SNPs come from the CMS Landscape",
            )
            return None
        # PACE enrolls people 55 and older who need a nursing-home level of care
        # (42 CFR 460.150(b)); a reviewer completes the rest before publishing.
        plan = Plan(
            kind=PlanKind.PACE,
            contract_id=key[0],
            pbp=key[1],
            segment=key[2],
            plan_year=key[3],
            organization=organization,
            # The contract's own marketing name: one organization may run PACE in two
            # states under two names.
            name=(contract.marketing_name if contract else "")
            or organization.marketing_name
            or organization.legal_name,
            age_min=55,
            requires_nursing_home_level_of_care=True,
            status=PublicationStatus.DRAFT,
            source=SOURCE,
        )
        if not self.save(row, plan, {}, is_new=True):
            return None
        self.plans[key] = plan
        self.report.note(CREATED_PACE, f"{plan.cms_id} ({plan.plan_year}): {plan.name}")
        return plan

    def note_zips_elsewhere(self, row: CatalogRow, county: County) -> None:
        if not row["zip_codes"]:
            return
        known = set(
            ZipCounty.objects.filter(county=county, zip_code__in=row["zip_codes"]).values_list(
                "zip_code", flat=True
            )
        )
        # Only ZIPs the catalog knows at all: an empty ZIP table says nothing.
        listed = set(
            ZipCounty.objects.filter(zip_code__in=row["zip_codes"]).values_list(
                "zip_code", flat=True
            )
        )
        elsewhere = sorted(listed - known)
        if elsewhere:
            self.report.note(
                ZIPS_ELSEWHERE, f"row {row.number}: {county.fips} {', '.join(elsewhere)}"
            )

    def note_not_in_file(self, rows: list[CatalogRow]) -> None:
        states = {
            row.values["state"]
            for row in rows
            if row.record not in {"plan", "service_area"} and row.values.get("state")
        }
        seen = {(row.record, *row.key()) for row in rows}
        for policy in StatePolicy.objects.filter(state__in=states, is_sample=False):
            if ("state_policy", policy.state_id) not in seen:
                self.report.note(NOT_IN_FILE, f"state_policy {policy.state_id}")
        for contact in StateContact.objects.filter(state__in=states, is_sample=False):
            if ("state_contact", contact.state_id, contact.kind, contact.name) not in seen:
                self.report.note(
                    NOT_IN_FILE, f"state_contact {contact.state_id} {contact.kind} {contact.name}"
                )
        for term in CardTerm.objects.filter(state__in=states).exclude(
            says__contains=SAMPLE_CARD_TERM
        ):
            if ("card_term", term.state_id, term.says) not in seen:
                self.report.note(NOT_IN_FILE, f"card_term {term.state_id} {term.says}")
        years = {row["plan_year"] for row in rows if row.record == "medicaid_plan"}
        for medicaid_plan in MedicaidPlan.objects.filter(
            state__in=states, plan_year__in=years, is_sample=False
        ):
            key = (
                "medicaid_plan",
                medicaid_plan.state_id,
                medicaid_plan.code,
                medicaid_plan.plan_year,
            )
            if key not in seen:
                self.report.note(
                    NOT_IN_FILE,
                    f"medicaid_plan {medicaid_plan.state_id} {medicaid_plan.code} "
                    f"{medicaid_plan.plan_year}",
                )


def _snapshot(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    snapshot = {}
    for name in values:
        model_field = obj._meta.get_field(name)
        snapshot[name] = getattr(obj, model_field.attname)
    return snapshot


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def apply_catalog(report: ImportReport, path: Path) -> None:
    """Parse the catalog CSV and write it (inside ``run_import``)."""
    parsed = parse_catalog(path)
    report.rows_read = parsed.rows_read
    for error in parsed.rejected:
        report.reject(error.row, error.message)
    importer = _Importer(report)
    by_record: dict[str, list[CatalogRow]] = defaultdict(list)
    for row in parsed.rows:
        by_record[row.record].append(row)
    # Rows that parsed are still written (and rolled back) when others were rejected,
    # so that one run reports every problem in the file, not only the first kind.
    for record in ORDER:
        rows = sorted(by_record.get(record, []), key=lambda r: r.number)
        if record == "medicaid_plan_county":
            importer.medicaid_plan_counties(rows)
        elif record == "service_area":
            importer.service_areas(rows)
        else:
            handler = getattr(importer, record)
            for row in rows:
                handler(row)
    report.rows_kept = len(parsed.rows) - len(
        {error.row for error in report.rejected} & {row.number for row in parsed.rows}
    )
    if not report.rejected:
        importer.note_not_in_file(parsed.rows)


# --- Export -------------------------------------------------------------------


@dataclass
class ExportSummary:
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORDS, 0))
    skipped_samples: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def export_catalog(*, out: TextIO, states: Iterable[str] | None = None) -> ExportSummary:
    """Write the catalog's own data (no sample rows) as catalog CSV to ``out``.

    With ``states``, only those states' rows and the plans serving them; a plan is
    always written with its whole service area, since importing a plan's service_area
    rows replaces its service area.
    """
    wanted = sorted({s.strip().upper() for s in states if s.strip()}) if states else None
    summary = ExportSummary()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()

    def write(record: str, values: dict[str, Any]) -> None:
        writer.writerow({"record": record, **{k: _cell(v) for k, v in values.items()}})
        summary.rows[record] += 1

    def in_states(query: models.QuerySet[Any], lookup: str = "state") -> models.QuerySet[Any]:
        return query.filter(**{f"{lookup}__in": wanted}) if wanted is not None else query

    policies = in_states(StatePolicy.objects.all()).order_by("state_id")
    summary.skipped_samples += policies.filter(is_sample=True).count()
    for policy in policies.filter(is_sample=False):
        write(
            "state_policy",
            {
                "state": policy.state_id,
                "dual_categories": " ".join(policy.dsnp_default_categories) or "none",
                **{
                    c: getattr(policy, c)
                    for c in RECORDS["state_policy"].values
                    if c != "dual_categories"
                },
            },
        )
    contacts = in_states(StateContact.objects.all()).order_by("state_id", "kind", "name")
    summary.skipped_samples += contacts.filter(is_sample=True).count()
    for contact in contacts.filter(is_sample=False):
        write(
            "state_contact",
            {
                "state": contact.state_id,
                "kind": contact.kind,
                "name": contact.name,
                **{c: getattr(contact, c) for c in RECORDS["state_contact"].values},
            },
        )
    terms = in_states(CardTerm.objects.all()).order_by("state_id", "sort_order", "says")
    summary.skipped_samples += terms.filter(says__contains=SAMPLE_CARD_TERM).count()
    for term in terms.exclude(says__contains=SAMPLE_CARD_TERM):
        write(
            "card_term",
            {
                "state": term.state_id,
                "says": term.says,
                "says_es": term.says_es,
                "category": term.category,
                "sort_order": term.sort_order,
            },
        )
    medicaid_plans = (
        in_states(MedicaidPlan.objects.all())
        .select_related("parent")
        .prefetch_related("service_area")
        .order_by("state_id", "plan_year", "code")
    )
    summary.skipped_samples += medicaid_plans.filter(is_sample=True).count()
    for medicaid_plan in medicaid_plans.filter(is_sample=False):
        key = {
            "state": medicaid_plan.state_id,
            "code": medicaid_plan.code,
            "plan_year": medicaid_plan.plan_year,
        }
        values = {
            c: getattr(medicaid_plan, c) for c in RECORDS["medicaid_plan"].values if c != "parent"
        }
        values["parent"] = medicaid_plan.parent.name if medicaid_plan.parent else ""
        write("medicaid_plan", {**key, **values})
        for county in sorted(medicaid_plan.service_area.all(), key=lambda c: c.fips):
            write("medicaid_plan_county", {**key, "county": county.fips})

    plans = Plan.objects.select_related("organization", "aligned_medicaid_plan").order_by(
        "plan_year", "contract_id", "pbp", "segment"
    )
    if wanted is not None:
        plans = plans.filter(service_areas__county__state__in=wanted).distinct()
    summary.skipped_samples += plans.filter(is_sample=True).count()
    pace_plans = []
    for plan in plans.filter(is_sample=False):
        write("plan", _plan_values(plan))
        if plan.kind == PlanKind.PACE:
            pace_plans.append(plan)
    for plan in pace_plans:
        for area in plan.service_areas.order_by("county_id"):
            write(
                "service_area",
                {**_plan_key(plan), "county": area.county_id, "zip_codes": area.zip_codes},
            )
    return summary


def _plan_key(plan: Plan) -> dict[str, Any]:
    return {
        "contract_id": plan.contract_id,
        "pbp": plan.pbp,
        "segment": plan.segment,
        "plan_year": plan.plan_year,
    }


def _plan_values(plan: Plan) -> dict[str, Any]:
    if plan.dual_categories_from_state:
        categories = "state"
    else:
        own = plan.own_dual_categories()
        categories = " ".join(c for c in CATEGORY_FIELDS if c in own) or "none"
    aligned = plan.aligned_medicaid_plan
    values = {
        c: getattr(plan, c)
        for c in RECORDS["plan"].values
        if c not in {"organization", "dual_categories", "state", "aligned_medicaid_plan", "hours"}
    }
    values.update(
        {
            **_plan_key(plan),
            "organization": plan.organization.legal_name,
            "dual_categories": categories,
            "state": aligned.state_id if aligned else "",
            "aligned_medicaid_plan": aligned.code if aligned else "",
            "hours": plan.phone_hours,
        }
    )
    return values


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)
