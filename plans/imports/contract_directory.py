"""Import the CMS MA Contract Directory: plan sponsors, PACE organizations, their parents.

The directory (``MA_Contract_directory_YYYY_MM.xlsx``, or a CSV of it) has one row per
contract. The catalog's ``Organization`` is the legal entity (its legal name is unique),
and one legal entity may hold many contracts (up to 21 in February 2026), so contracts
are grouped by legal entity name, ignoring case and spacing (CMS spells some entities
in capitals on one contract and in mixed case on another).

Row rules (see docs/data-formats.md):
- a contract number that is not a letter and four digits is skipped and reported, not
  rejected: CMS's own February 2026 file has one ("90091"), and a monthly reference file
  that cannot be imported until CMS fixes a row helps nobody; the skipped contract is
  not a D-SNP or PACE contract the finder could show anyway, and the report names it;
- a row without a legal entity name or organization type, a contract listed twice, or
  a name too long to store rejects the file, since those mean the file is broken;
- a directory phone that is not in the form the catalog stores is left out and
  reported; the organization keeps the phone it had.

Until the catalog has a per-contract model, the contracts of each organization are kept
in its ``source`` ("CMS MA Contract Directory (contracts H0001, H0002)"), and
``organization_for_contract`` reads them back; see the note on that function.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from plans.imports.common import ImportReport, RowError
from plans.imports.tabular import TableError, read_rows
from plans.models import Organization, ParentOrganization, Plan, phone_validator

SOURCE_PREFIX = "CMS MA Contract Directory"
PACE_TYPE = "national pace"
# H (MA, cost and PACE), R (regional PPO), S (PDP), E (employer direct), X (LI NET).
CONTRACT_ID = re.compile(r"^[EHRSX]\d{4}$")

COLUMNS = {
    "legal_name": "Legal Entity Name",
    "marketing_name": "Organization Marketing Name",
    "contract_id": "Contract Number",
    "organization_type": "Organization Type",
    "plan_type": "Plan Type",
    "parent": "Parent Organization",
    "enrollment": "Enrollment",
    "phone": "Directory Contact Phone",
    "phone_ext": "Directory Contact Phone Ext",
}
REQUIRED = ["legal_name", "marketing_name", "contract_id", "organization_type", "parent", "phone"]

SKIPPED = "Contracts skipped (contract number malformed)"
PHONES = "Directory phones not stored (not in the form 1-800-555-0100)"
DIFFERENCES = "Legal entities whose contracts differ (the lowest contract number's value is kept)"
NOT_LISTED = "Organizations in the catalog that this directory does not list (left as they are)"
SUMMARY = "Summary"
BY_TYPE = "Contracts by organization type"

_MAX_NAME = Organization._meta.get_field("legal_name").max_length or 200
_MAX_SOURCE = Organization._meta.get_field("source").max_length or 300


@dataclass(frozen=True)
class Contract:
    row: int
    contract_id: str
    legal_name: str
    marketing_name: str
    organization_type: str
    parent: str
    phone: str  # empty when the directory's phone cannot be stored
    enrollment: int | None  # None when blank or suppressed ("*")

    @property
    def is_pace(self) -> bool:
        return self.organization_type.casefold() == PACE_TYPE


@dataclass
class ParsedDirectory:
    rows_read: int = 0
    contracts: list[Contract] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    phone_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LegalEntity:
    """One organization: the contracts of one legal entity, folded together."""

    legal_name: str
    marketing_name: str
    parent: str
    is_pace: bool
    phone: str
    contracts: tuple[Contract, ...]

    @property
    def contract_ids(self) -> list[str]:
        return [c.contract_id for c in self.contracts]

    @property
    def source(self) -> str:
        return source_for_contracts(self.contract_ids)


def source_for_contracts(contract_ids: Iterable[str]) -> str:
    ids = sorted(contract_ids)
    text = f"{SOURCE_PREFIX} (contracts {', '.join(ids)})"
    while len(text) > _MAX_SOURCE and len(ids) > 1:
        # Never seen (21 contracts fit easily); keep the text valid rather than fail.
        ids = ids[:-1]
        text = f"{SOURCE_PREFIX} (contracts {', '.join(ids)}, …)"
    return text


def contracts_in_source(source: str) -> list[str]:
    match = re.fullmatch(rf"{re.escape(SOURCE_PREFIX)} \(contracts ([A-Z0-9, …]+)\)", source)
    if not match:
        return []
    return [part for part in match.group(1).split(", ") if CONTRACT_ID.match(part)]


def organization_for_contract(contract_id: str) -> Organization | None:
    """The organization holding a contract, for imports that know only the contract.

    Stop-gap until the catalog records contracts (a ``Contract`` model with the contract
    number, its organization and organization type): first the contracts the directory
    import listed in the organization's ``source``, then the sponsor of the latest plan
    of that contract. Sample rows never match.
    """
    contract_id = contract_id.strip().upper()
    candidates = Organization.objects.filter(
        is_sample=False, source__startswith=SOURCE_PREFIX, source__contains=contract_id
    )
    for organization in candidates:
        if contract_id in contracts_in_source(organization.source):
            return organization
    plan = (
        Plan.objects.filter(contract_id=contract_id, is_sample=False)
        .select_related("organization")
        .order_by("-plan_year")
        .first()
    )
    return plan.organization if plan else None


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


def _parse_row(number: int, cells: dict[str, str], parsed: ParsedDirectory) -> Contract | None:
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
    for column in ("legal_name", "marketing_name", "parent"):
        if len(cells.get(column, "")) > _MAX_NAME:
            problems.append(f"{COLUMNS[column]} is longer than {_MAX_NAME} characters")
    if problems:
        parsed.rejected.append(RowError(number, f"{contract_id}: {'; '.join(problems)}."))
        return None
    return Contract(
        row=number,
        contract_id=contract_id,
        legal_name=legal_name,
        marketing_name=cells.get("marketing_name", ""),
        organization_type=cells["organization_type"],
        parent=cells.get("parent", ""),
        phone=_phone(number, contract_id, cells, parsed),
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


def _enrollment(text: str) -> int | None:
    # "*" is CMS's suppression of small counts (under 11); blank means not reported.
    cleaned = text.replace(",", "")
    return int(cleaned) if cleaned.isdigit() else None


def group_by_legal_entity(contracts: Iterable[Contract]) -> tuple[list[LegalEntity], list[str]]:
    """Fold contracts into legal entities; also list where their contracts disagree."""
    groups: dict[str, list[Contract]] = defaultdict(list)
    for contract in contracts:
        groups[contract.legal_name.casefold()].append(contract)
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
    entities.sort(key=lambda e: e.legal_name.casefold())
    return entities, differences


# --- Writing ------------------------------------------------------------------


def apply_contract_directory(report: ImportReport, path: Path) -> None:
    """Parse the directory and upsert parents and organizations (inside ``run_import``)."""
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

    parents = {p.name.casefold(): p for p in ParentOrganization.objects.all()}
    organizations: dict[str, list[Organization]] = defaultdict(list)
    for organization in Organization.objects.filter(is_sample=False):
        organizations[organization.legal_name.casefold()].append(organization)

    seen: set[int] = set()
    for entity in entities:
        parent = _parent(report, entity, parents)
        organization = _match(organizations.get(entity.legal_name.casefold(), []), entity)
        if organization is not None:
            seen.add(organization.pk)
        _upsert_organization(report, entity, organization, parent)
    if report.rejected:
        return

    for item in parsed.phone_problems:
        report.note(PHONES, item)
    for item in differences:
        report.note(DIFFERENCES, item)
    for members in organizations.values():
        for organization in members:
            if organization.pk not in seen:
                report.note(NOT_LISTED, organization.legal_name)


def _parent(
    report: ImportReport, entity: LegalEntity, parents: dict[str, ParentOrganization]
) -> ParentOrganization | None:
    if not entity.parent:
        return None
    parent = parents.get(entity.parent.casefold())
    if parent is None:
        parent = ParentOrganization(name=entity.parent)
        parent.full_clean()
        parent.save()
        parents[entity.parent.casefold()] = parent
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
) -> None:
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
    organization.source = entity.source
    if not is_new and _facts(organization) == before:
        report.unchanged += 1
        return
    try:
        organization.full_clean()
    except ValidationError as error:
        first = entity.contracts[0]
        messages = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()
        )
        report.reject(first.row, f"{first.contract_id} ({entity.legal_name}): {messages}")
        return
    organization.save()
    if is_new:
        report.added += 1
    else:
        report.changed += 1


def _facts(organization: Organization) -> tuple[object, ...]:
    return (
        organization.marketing_name,
        organization.parent_id,
        organization.is_pace,
        organization.phone,
        organization.source,
    )


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
        f"{len(pace):,} PACE contracts (National PACE), held by "
        f"{sum(1 for e in entities if e.is_pace):,} organizations; "
        f"PACE enrollment {pace_enrollment:,}.",
    )
    if suppressed:
        report.note(SUMMARY, f"Enrollment suppressed (*) or blank for {suppressed:,} contracts.")
    for kind, count in Counter(c.organization_type for c in contracts).most_common():
        report.note(BY_TYPE, f"{kind}: {count:,}")
