"""Import the CMS MA Contract Directory: contracts, plan sponsors, PACE organizations.

The directory (``MA_Contract_directory_YYYY_MM.xlsx``, or a CSV of it) has one row per
contract, and each row becomes a ``Contract``: its number, the organization holding it,
CMS's organization type (``National PACE`` marks PACE) and plan type, marketing name,
directory phone, effective date and enrollment. The catalog's ``Organization`` is the
legal entity (its legal name is unique), and one legal entity may hold many contracts
(up to 21 in February 2026), so contracts are grouped into organizations by legal entity
name, ignoring case and spacing (CMS spells some entities in capitals on one contract and
in mixed case on another).

Row rules (see docs/data-formats.md):
- a contract number that is not a letter and four digits is skipped and reported, not
  rejected: CMS's own February 2026 file has one ("90091"), and a monthly reference file
  that cannot be imported until CMS fixes a row helps nobody; the skipped contract is
  not a D-SNP or PACE contract the finder could show anyway, and the report names it;
- a row without a legal entity name or organization type, an Organization Type or Plan
  Type outside CMS's list (plans/imports/closed_sets.py), a contract listed twice, or
  a name too long to store rejects the file, since those mean the file is broken (so
  does a CSV row whose fields do not match the header, or a quote never closed);
- a directory phone that is not in the form the catalog stores is reported: the
  contract has no phone then, and the organization keeps the phone it had;
- a Contract Effective Date that is not a date is reported and left empty.

The directory owns the contracts it lists and their organizations: the Landscape import
adds the contracts it sees that the directory has not listed yet, but never changes a
listed one or its organization, so the two imports do not undo each other's values.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from plans.imports.closed_sets import DIRECTORY_PLAN_TYPES, ORGANIZATION_TYPES, Choices
from plans.imports.common import ImportReport, RowError, assign_changed, fold_name
from plans.imports.tabular import TableError, read_rows
from plans.models import (
    NATIONAL_PACE,
    Contract,
    Organization,
    ParentOrganization,
    Plan,
    phone_validator,
)

SOURCE = "CMS MA Contract Directory"
# H (MA, cost and PACE), R (regional PPO), S (PDP), E (employer direct), X (LI NET):
# the numbers ``Contract.contract_id`` accepts.
CONTRACT_ID = re.compile(r"^[EHRSX]\d{4}$")
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
BATCH_SIZE = 1000

COLUMNS = {
    "legal_name": "Legal Entity Name",
    "marketing_name": "Organization Marketing Name",
    "contract_id": "Contract Number",
    "organization_type": "Organization Type",
    "plan_type": "Plan Type",
    "effective_date": "Contract Effective Date",
    "parent": "Parent Organization",
    "enrollment": "Enrollment",
    "phone": "Directory Contact Phone",
    "phone_ext": "Directory Contact Phone Ext",
}
REQUIRED = ["legal_name", "marketing_name", "contract_id", "organization_type", "parent", "phone"]

CHOICES = {
    "organization_type": Choices(COLUMNS["organization_type"], ORGANIZATION_TYPES),
    "plan_type": Choices(COLUMNS["plan_type"], DIRECTORY_PLAN_TYPES, blank=True),
}

SKIPPED = "Contracts skipped (contract number malformed)"
PHONES = "Directory phones not stored (not in the form 1-800-555-0100)"
DATES = "Contract effective dates not understood (left empty)"
DIFFERENCES = "Legal entities whose contracts differ (the lowest contract number's value is kept)"
NOT_LISTED = "Organizations in the catalog that this directory does not list (left as they are)"
CONTRACTS_NOT_LISTED = (
    "Contracts in the catalog that this directory does not list (left as they are)"
)
SUMMARY = "Summary"
BY_TYPE = "Contracts by organization type"

_MAX_NAME = Organization._meta.get_field("legal_name").max_length or 200
_MAX_SOURCE = Contract._meta.get_field("source").max_length or 300
# What a contract's row says, in the order the fields are compared and written.
_CONTRACT_FIELDS = [
    "organization",
    "organization_type",
    "plan_type",
    "marketing_name",
    "phone",
    "effective_date",
    "enrollment",
]


@dataclass(frozen=True)
class DirectoryContract:
    """One row of the directory: one contract."""

    row: int
    contract_id: str
    legal_name: str
    marketing_name: str
    organization_type: str
    plan_type: str
    parent: str
    phone: str  # empty when the directory's phone cannot be stored
    effective_date: datetime.date | None  # None when blank or not a date
    enrollment: int | None  # None when blank or suppressed ("*")

    @property
    def is_pace(self) -> bool:
        return fold_name(self.organization_type) == fold_name(NATIONAL_PACE)


@dataclass
class ParsedDirectory:
    rows_read: int = 0
    contracts: list[DirectoryContract] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    phone_problems: list[str] = field(default_factory=list)
    date_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LegalEntity:
    """One organization: the contracts of one legal entity, folded together."""

    legal_name: str
    marketing_name: str
    parent: str
    is_pace: bool
    phone: str
    contracts: tuple[DirectoryContract, ...]

    @property
    def contract_ids(self) -> list[str]:
        return [c.contract_id for c in self.contracts]


def organization_for_contract(contract_id: str) -> Organization | None:
    """The organization holding a contract, for imports that know only the contract.

    The ``Contract`` row (written by this import, or by the Landscape for a contract the
    directory has not listed yet); without one, the sponsor of the latest plan of that
    contract. Sample rows never match.
    """
    contract = find_contract(contract_id)
    if contract is not None:
        return contract.organization
    plan = (
        Plan.objects.filter(contract_id=contract_id.strip().upper(), is_sample=False)
        .select_related("organization")
        .order_by("-plan_year")
        .first()
    )
    return plan.organization if plan else None


def find_contract(contract_id: str) -> Contract | None:
    """The catalog's ``Contract`` with this number, with its organization; never a sample
    organization's."""
    return (
        Contract.objects.filter(
            contract_id=contract_id.strip().upper(), organization__is_sample=False
        )
        .select_related("organization")
        .first()
    )


# --- Parsing (no database) --------------------------------------------------


def parse_contract_directory(path: Path) -> ParsedDirectory:
    parsed = ParsedDirectory()
    first_row: dict[str, int] = {}
    try:
        for row in read_rows(path, columns=COLUMNS, required=REQUIRED):
            parsed.rows_read += 1
            contract = _parse_row(row.number, row.cells, parsed)
            if contract is None:
                continue
            if contract.contract_id in first_row:
                parsed.rejected.append(
                    RowError(
                        row.number,
                        f"Contract Number {contract.contract_id} is also on row "
                        f"{first_row[contract.contract_id]}: the directory has one row per "
                        "contract.",
                    )
                )
                continue
            first_row[contract.contract_id] = row.number
            parsed.contracts.append(contract)
    except TableError as error:
        parsed.rejected.append(RowError(error.row, error.message))
    return parsed


def _parse_row(
    number: int, cells: dict[str, str], parsed: ParsedDirectory
) -> DirectoryContract | None:
    contract_id = cells.get("contract_id", "").upper()
    legal_name = cells.get("legal_name", "")
    if not CONTRACT_ID.match(contract_id):
        shown = contract_id or "(blank)"
        parsed.skipped.append(
            f"row {number}: Contract Number {shown!r} ({legal_name or 'no legal entity'}) is "
            "not a letter and 4 digits; row skipped"
        )
        return None
    problems = []
    if not legal_name:
        problems.append("Legal Entity Name is blank")
    if not cells.get("organization_type"):
        problems.append("Organization Type is blank")
    for column, choices in CHOICES.items():
        value = cells.get(column, "")
        if value and (problem := choices.problem(value)):
            problems.append(problem)
    for column in ("legal_name", "marketing_name", "parent"):
        if len(cells.get(column, "")) > _MAX_NAME:
            problems.append(f"{COLUMNS[column]} is longer than {_MAX_NAME} characters")
    for column in ("organization_type", "plan_type"):
        limit = Contract._meta.get_field(column).max_length or 100
        if len(cells.get(column, "")) > limit:
            problems.append(f"{COLUMNS[column]} is longer than {limit} characters")
    if problems:
        parsed.rejected.append(RowError(number, f"{contract_id}: {'; '.join(problems)}."))
        return None
    return DirectoryContract(
        row=number,
        contract_id=contract_id,
        legal_name=legal_name,
        marketing_name=cells.get("marketing_name", ""),
        organization_type=cells["organization_type"],
        plan_type=cells.get("plan_type", ""),
        parent=cells.get("parent", ""),
        phone=_phone(number, contract_id, cells, parsed),
        effective_date=_effective_date(number, contract_id, cells, parsed),
        enrollment=_enrollment(cells.get("enrollment", "")),
    )


def _phone(number: int, contract_id: str, cells: dict[str, str], parsed: ParsedDirectory) -> str:
    phone = cells.get("phone", "")
    extension = cells.get("phone_ext", "")
    if phone and extension:
        phone = f"{phone} ext. {extension}"
    try:
        phone_validator(phone)
    except ValidationError:
        shown = repr(phone) if phone else "blank"
        parsed.phone_problems.append(f"row {number}, {contract_id}: {shown}")
        return ""
    return phone


def _effective_date(
    number: int, contract_id: str, cells: dict[str, str], parsed: ParsedDirectory
) -> datetime.date | None:
    # The CSV writes 01/01/2025; a workbook's date cell is read the same way.
    text = cells.get("effective_date", "")
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    parsed.date_problems.append(f"row {number}, {contract_id}: {text!r}")
    return None


def _enrollment(text: str) -> int | None:
    # "*" is CMS's suppression of small counts (under 11); blank means not reported.
    cleaned = text.replace(",", "")
    return int(cleaned) if cleaned.isdigit() else None


def group_by_legal_entity(
    contracts: Iterable[DirectoryContract],
) -> tuple[list[LegalEntity], list[str]]:
    """Fold contracts into legal entities; also list where their contracts disagree."""
    groups: dict[str, list[DirectoryContract]] = defaultdict(list)
    for contract in contracts:
        groups[fold_name(contract.legal_name)].append(contract)
    entities = []
    differences = []
    for members in groups.values():
        members.sort(key=lambda c: c.contract_id)
        first = members[0]
        phones = [c.phone for c in members if c.phone]
        entity = LegalEntity(
            legal_name=first.legal_name,
            marketing_name=first.marketing_name,
            parent=first.parent,
            # A legal entity holding any PACE contract is a PACE organization (Fallon
            # and CalOptima also sponsor D-SNPs under the same legal entity).
            is_pace=any(c.is_pace for c in members),
            phone=phones[0] if phones else "",
            contracts=tuple(members),
        )
        entities.append(entity)
        for label, attribute in [
            ("legal name spelling", "legal_name"),
            ("marketing name", "marketing_name"),
            ("parent organization", "parent"),
            ("organization type", "organization_type"),
            ("phone", "phone"),
        ]:
            values = {getattr(c, attribute) for c in members if getattr(c, attribute)}
            if len(values) > 1:
                shown = "; ".join(f"{getattr(c, attribute)!r} ({c.contract_id})" for c in members)
                differences.append(f"{first.legal_name}: {label} {shown}")
    entities.sort(key=lambda e: fold_name(e.legal_name))
    return entities, differences


# --- Writing ------------------------------------------------------------------


def apply_contract_directory(report: ImportReport, path: Path) -> None:
    """Parse the directory and upsert parents, organizations and contracts (inside
    ``run_import``)."""
    parsed = parse_contract_directory(path)
    report.rows_read = parsed.rows_read
    for error in parsed.rejected:
        report.reject(error.row, error.message)
    if report.rejected:
        for item in parsed.skipped:
            report.note(SKIPPED, item)
        return
    report.rows_kept = len(parsed.contracts)
    entities, differences = group_by_legal_entity(parsed.contracts)
    _summarise(report, parsed, entities)
    for item in parsed.skipped:
        report.note(SKIPPED, item)

    parents = {fold_name(p.name): p for p in ParentOrganization.objects.all()}
    organizations: dict[str, list[Organization]] = defaultdict(list)
    for organization in Organization.objects.filter(is_sample=False):
        organizations[fold_name(organization.legal_name)].append(organization)

    seen: set[int] = set()
    holders: dict[str, Organization] = {}  # contract number -> its organization
    for entity in entities:
        parent = _parent(report, entity, parents)
        organization = _match(organizations.get(fold_name(entity.legal_name), []), entity)
        if organization is not None:
            seen.add(organization.pk)
        organization = _upsert_organization(report, entity, organization, parent)
        if organization is not None:
            holders.update(dict.fromkeys(entity.contract_ids, organization))
    if report.rejected:
        return
    _upsert_contracts(report, parsed.contracts, holders)
    if report.rejected:
        return

    for item in parsed.phone_problems:
        report.note(PHONES, item)
    for item in parsed.date_problems:
        report.note(DATES, item)
    for item in differences:
        report.note(DIFFERENCES, item)
    for members in organizations.values():
        for organization in members:
            if organization.pk not in seen:
                report.note(NOT_LISTED, organization.legal_name)
    listed = {c.contract_id for c in parsed.contracts}
    for contract_id, legal_name in (
        Contract.objects.filter(organization__is_sample=False)
        .exclude(contract_id__in=listed)
        .values_list("contract_id", "organization__legal_name")
    ):
        report.note(CONTRACTS_NOT_LISTED, f"{contract_id} ({legal_name})")


def _parent(
    report: ImportReport, entity: LegalEntity, parents: dict[str, ParentOrganization]
) -> ParentOrganization | None:
    if not entity.parent:
        return None
    parent = parents.get(fold_name(entity.parent))
    if parent is None:
        parent = ParentOrganization(name=entity.parent)
        parent.full_clean()
        parent.save()
        parents[fold_name(entity.parent)] = parent
        report.added += 1
    return parent


def _match(candidates: list[Organization], entity: LegalEntity) -> Organization | None:
    # The exact spelling first, so two rows that differ only in case stay distinct.
    for organization in candidates:
        if organization.legal_name == entity.legal_name:
            return organization
    return candidates[0] if candidates else None


def _upsert_organization(
    report: ImportReport,
    entity: LegalEntity,
    organization: Organization | None,
    parent: ParentOrganization | None,
) -> Organization | None:
    """Write the organization; it is returned, or None when its row was rejected."""
    is_new = organization is None
    if organization is None:
        # An organization keeps the spelling it was created with; CMS varies the case.
        organization = Organization(legal_name=entity.legal_name)
    before = _facts(organization)
    organization.marketing_name = entity.marketing_name
    organization.parent = parent
    organization.is_pace = entity.is_pace
    if entity.phone:
        organization.phone = entity.phone
    organization.source = SOURCE
    if not is_new and _facts(organization) == before:
        report.unchanged += 1
        return organization
    try:
        organization.full_clean()
    except ValidationError as error:
        first = entity.contracts[0]
        report.reject(first.row, f"{first.contract_id} ({entity.legal_name}): {_plain(error)}")
        return None
    organization.save()
    if is_new:
        report.added += 1
    else:
        report.changed += 1
    return organization


def _facts(organization: Organization) -> tuple[object, ...]:
    return (
        organization.marketing_name,
        organization.parent_id,
        organization.is_pace,
        organization.phone,
        organization.source,
    )


def _upsert_contracts(
    report: ImportReport,
    contracts: list[DirectoryContract],
    holders: dict[str, Organization],
) -> None:
    """One ``Contract`` per row; the row is the whole truth about its contract."""
    existing = Contract.objects.in_bulk([c.contract_id for c in contracts])
    source = f"{SOURCE} {report.file_name}"[:_MAX_SOURCE]
    new: list[Contract] = []
    changed: list[Contract] = []
    for row in contracts:
        contract = existing.get(row.contract_id)
        is_new = contract is None
        if contract is None:
            contract = Contract(contract_id=row.contract_id)
        differs = assign_changed(
            contract,
            {
                "organization": holders[row.contract_id],
                "organization_type": row.organization_type,
                "plan_type": row.plan_type,
                "marketing_name": row.marketing_name,
                "phone": row.phone,
                "effective_date": row.effective_date,
                "enrollment": row.enrollment,
            },
        )
        if not is_new and not differs:
            report.unchanged += 1
            continue
        contract.source, contract.last_import = source, report.run
        try:
            # Without queries: the organization was just written, the number is unique.
            contract.clean_fields(exclude=["organization", "last_import"])
        except ValidationError as error:
            report.reject(row.row, f"{row.contract_id}: {_plain(error)}")
            continue
        (new if is_new else changed).append(contract)
    if report.rejected:
        return
    Contract.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Contract.objects.bulk_update(
        changed, [*_CONTRACT_FIELDS, "source", "last_import"], batch_size=BATCH_SIZE
    )
    report.added += len(new)
    report.changed += len(changed)


def _plain(error: ValidationError) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items())


def _summarise(report: ImportReport, parsed: ParsedDirectory, entities: list[LegalEntity]) -> None:
    contracts = parsed.contracts
    pace = [c for c in contracts if c.is_pace]
    pace_enrollment = sum(c.enrollment or 0 for c in pace)
    suppressed = sum(1 for c in contracts if c.enrollment is None)
    report.note(
        SUMMARY,
        f"{len(contracts):,} contracts of {parsed.rows_read:,} rows; "
        f"{len(entities):,} organizations (legal entities).",
    )
    report.note(
        SUMMARY,
        f"{len(pace):,} National PACE contracts held by "
        f"{sum(1 for e in entities if e.is_pace):,} organizations; "
        f"PACE enrollment {pace_enrollment:,}.",
    )
    if suppressed:
        report.note(SUMMARY, f"Enrollment suppressed (*) or blank for {suppressed:,} contracts.")
    for kind, count in Counter(c.organization_type for c in contracts).most_common():
        report.note(BY_TYPE, f"{kind}: {count:,}")
