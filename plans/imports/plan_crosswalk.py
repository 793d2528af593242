"""Import the CMS Plan Crosswalk: what happens on January 1 to each of last year's plans.

Each contract year CMS publishes a "Plan Crosswalk" (PlanCrosswalk2027_10012026.txt, a
tab-separated text file with an Excel copy beside it). One row says, for one plan of the
previous year (contract-PBP), which plan of the crosswalk year takes its members and how:
renewed, renewed with a larger or smaller service area, consolidated into another plan,
terminated or non-renewed, or new. The layout, its sources and what is assumed about it:
docs/data-formats.md, "CMS Plan Crosswalk".

This sets, on the catalog's plans of the previous year, ``renews``, ``members_moved_to``
(next year's catalog plan, when the catalog has it), ``next_year_change`` and the next
plan's ID and name as text (kept even when the catalog does not have that plan: a D-SNP
consolidated into an ordinary MA plan is exactly what a member needs to hear about).
Rows for plans the catalog does not hold are counted, never turned into plans.

The file is read strictly (``read_strict_rows``, over the shared ``tabular`` reader): a
row with more or fewer fields than the header, an unterminated quote or a status CMS has
not used rejects the whole file, naming the row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from plans.imports.common import ImportReport, RowError, assign_changed
from plans.imports.tabular import Row, TableError, header_key, read_rows
from plans.models import NextYearChange, Plan, PublicationStatus

# Importer name → the header texts CMS has used for it (matched with case and spacing
# ignored). Segment columns are not in the 2026 and 2027 files; older or future files
# that carry them are read too.
COLUMNS: dict[str, tuple[str, ...]] = {
    "previous_contract_id": ("PREVIOUS_CONTRACT_ID",),
    "previous_plan_id": ("PREVIOUS_PLAN_ID",),
    "previous_segment_id": ("PREVIOUS_SEGMENT_ID",),
    "previous_plan_name": ("PREVIOUS_PLAN_NAME",),
    "previous_snp_type": ("PREVIOUS_SNP_TYPE",),
    "previous_snp_institutional": ("PREVIOUS_SNP_INSTITUTIONAL",),
    "current_contract_id": ("CURRENT_CONTRACT_ID",),
    "current_plan_id": ("CURRENT_PLAN_ID",),
    "current_segment_id": ("CURRENT_SEGMENT_ID",),
    "current_plan_name": ("CURRENT_PLAN_NAME",),
    "current_snp_type": ("CURRENT_SNP_TYPE",),
    "current_snp_institutional": ("CURRENT_SNP_INSTITUTIONAL",),
    "status": ("STATUS",),
}
REQUIRED = [
    "previous_contract_id",
    "previous_plan_id",
    "current_contract_id",
    "current_plan_id",
    "status",
]


class CrosswalkStatus(StrEnum):
    """The STATUS values, spelled exactly as CMS writes them (case and spacing aside)."""

    RENEWAL = "Renewal Plan"
    RENEWAL_SAE = "Renewal Plan with SAE"  # service area expansion
    RENEWAL_SAR = "Renewal Plan with SAR"  # service area reduction
    CONSOLIDATED = "Consolidated Renewal Plan"
    TERMINATED_CONTRACT = "Terminated/Non-renewed Contract"
    # Used in earlier years' files; not in the 2027 file, still accepted.
    TERMINATED_PLAN = "Terminated Plan"
    TERMINATED_NON_RENEWED_PLAN = "Terminated/Non-renewed Plan"
    NEW_PLAN = "New Plan"
    INITIAL_CONTRACT = "Initial Contract"  # a new plan under a new contract


STATUSES: dict[str, CrosswalkStatus] = {header_key(s.value): s for s in CrosswalkStatus}
ENDED = {
    CrosswalkStatus.TERMINATED_CONTRACT,
    CrosswalkStatus.TERMINATED_PLAN,
    CrosswalkStatus.TERMINATED_NON_RENEWED_PLAN,
}
NEW = {CrosswalkStatus.NEW_PLAN, CrosswalkStatus.INITIAL_CONTRACT}
# Words CMS writes in an ID column instead of an ID.
PLACEHOLDERS = {"NEW", "TERMINATED", "DEL", ""}
CONTRACT_ID = re.compile(r"^[A-Z]\d{4}$")
# PlanCrosswalk2027_10012026.txt: the first year after "crosswalk" is the contract year.
YEAR_IN_NAME = re.compile(r"crosswalk[ _-]*(?:cy)?(20\d\d)", re.IGNORECASE)

CROSSWALK_YEAR = "Crosswalk year"
CHANGES = "Changes to catalog plans"
OUTSIDE_CATALOG = "Members moved to a plan the catalog does not have (kept as its ID and name)"
SPLIT = "Plans whose members go to more than one plan (by county)"
MOVED_AND_ENDED = "Plans listed as ended and as moved: the move is kept"
DUPLICATES = "Rows listed twice (the first is used)"
NOT_NAMED = "Catalog plans of the previous year the crosswalk does not name (left as they are)"
NOT_IN_CATALOG = "Rows for plans the catalog does not have (D-SNPs and PACE only are kept)"
NEW_PLANS = "New plans in the crosswalk year (nothing to set)"
PUBLISHED = "Published plans changed (public pages show it at once, as for every CMS import)"


class StrictReadError(Exception):
    """A file the strict reader refuses as a whole; ``row`` is where it showed."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


# --- Strict reading (no database) --------------------------------------------


def read_strict_rows(
    path: Path,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    closed: Mapping[str, Collection[str]],
) -> list[Row]:
    """Every data row of a tab-separated text, CSV or .xlsx file, or StrictReadError.

    The shared reader (``tabular.read_rows``) refuses a row whose field count differs
    from the header and a quote left open; here each column in ``closed`` must also hold
    one of its values (compared with case and spacing ignored; ``closed`` holds
    ``header_key`` forms). Row numbers are as an editor shows them, the header being 1.
    """
    try:
        rows = list(
            read_rows(
                path,
                columns={name: headers[0] for name, headers in columns.items()},
                required=required,
            )
        )
    except TableError as error:
        raise StrictReadError(error.row, error.message) from error
    for row in rows:
        for name, allowed in closed.items():
            value = row[name]
            if header_key(value) not in allowed:
                raise StrictReadError(
                    row.number,
                    f"{columns[name][0]} {value!r} is not a value this file uses"
                    if value
                    else f"{columns[name][0]} is blank",
                )
    return rows


# --- Typed records ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanRef:
    contract_id: str
    pbp: str
    segment: str | None  # None: the file gives no segment (the row covers every segment)

    @property
    def cms_id(self) -> str:
        base = f"{self.contract_id}-{self.pbp}"
        return base if self.segment in (None, "000") else f"{base}-{self.segment}"


@dataclass(frozen=True)
class CrosswalkRow:
    row: int
    status: CrosswalkStatus
    previous: PlanRef | None  # None for a new plan
    previous_name: str
    current: PlanRef | None  # None for an ended plan
    current_name: str


@dataclass
class ParsedCrosswalk:
    rows_read: int = 0
    records: list[CrosswalkRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)


def parse_plan_crosswalk(path: Path) -> ParsedCrosswalk:
    """The file as typed records; any problem is a rejected row (the file is refused)."""
    parsed = ParsedCrosswalk()
    try:
        rows = read_strict_rows(
            path, columns=COLUMNS, required=REQUIRED, closed={"status": STATUSES.keys()}
        )
    except StrictReadError as error:
        parsed.rejected.append(RowError(error.row, error.message))
        return parsed
    for row in rows:
        parsed.rows_read += 1
        try:
            parsed.records.append(_record(row))
        except ValueError as error:
            parsed.rejected.append(RowError(row.number, str(error)))
    return parsed


def _plan_ref(row: Row, side: str) -> PlanRef | None:
    contract = row[f"{side}_contract_id"].upper()
    plan = row[f"{side}_plan_id"].upper()
    segment = row[f"{side}_segment_id"]
    if contract in PLACEHOLDERS and plan in PLACEHOLDERS:
        return None
    if not CONTRACT_ID.match(contract):
        raise ValueError(f"{side.upper()}_CONTRACT_ID {contract!r} is not a letter and 4 digits")
    # A spreadsheet drops the leading zeros of "001"; the number itself is unambiguous.
    if not (plan.isdigit() and len(plan) <= 3):
        raise ValueError(f"{side.upper()}_PLAN_ID {plan!r} is not a plan number such as 001")
    if segment and not (segment.isdigit() and len(segment) <= 3):
        raise ValueError(f"{side.upper()}_SEGMENT_ID {segment!r} is not a segment such as 000")
    return PlanRef(contract, plan.zfill(3), segment.zfill(3) if segment else None)


def _record(row: Row) -> CrosswalkRow:
    status = STATUSES[header_key(row["status"])]
    previous = _plan_ref(row, "previous")
    current = _plan_ref(row, "current")
    if previous is None and status not in NEW:
        raise ValueError(f"{status.value} names no previous plan")
    if current is None and status not in ENDED:
        raise ValueError(f"{status.value} names no current plan")
    return CrosswalkRow(
        row=row.number,
        status=status,
        previous=previous if status not in NEW else None,
        previous_name=row["previous_plan_name"],
        current=current if status not in ENDED else None,
        current_name=row["current_plan_name"],
    )


def crosswalk_year_from_name(name: str) -> int | None:
    """2027 for PlanCrosswalk2027_10012026.txt; None when the name does not say."""
    match = YEAR_IN_NAME.search(name)
    return int(match.group(1)) if match else None


# --- Writing ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What the rows about one previous plan say, as the values to write."""

    change: str
    successors: tuple[CrosswalkRow, ...]  # the rows naming next year's plans
    rows: tuple[int, ...]


def apply_plan_crosswalk(
    report: ImportReport,
    path: Path,
    *,
    year: int | None = None,
    include_samples: bool = False,
) -> None:
    """Record on last year's catalog plans what the crosswalk says of next year.

    ``year`` is the crosswalk (contract) year; without it, it is read from the file
    name. ``include_samples`` is for the demo loader only: real files never touch the
    sample catalog (and ``run_import`` refuses to apply one while it is loaded).
    """
    year = year or crosswalk_year_from_name(report.file_name) or crosswalk_year_from_name(path.name)
    if year is None:
        report.reject(
            1,
            "The crosswalk year is not known: keep CMS's file name (such as "
            "PlanCrosswalk2027_10012026.txt) or give --year.",
        )
        return
    parsed = parse_plan_crosswalk(path)
    report.rows_read = parsed.rows_read
    for error in parsed.rejected:
        report.reject(error.row, error.message)
    if report.rejected:
        return
    report.rows_kept = len(parsed.records)
    report.plan_years.add(year - 1)
    report.note(
        CROSSWALK_YEAR,
        f"{year}: what happens on January 1, {year} to the catalog's {year - 1} plans",
    )

    by_previous: dict[tuple[str, str], list[CrosswalkRow]] = defaultdict(list)
    new_plans = 0
    for record in parsed.records:
        if record.previous is None:
            new_plans += 1
            continue
        by_previous[(record.previous.contract_id, record.previous.pbp)].append(record)
    if new_plans:
        report.note(NEW_PLANS, f"{new_plans:,} rows")

    plans = Plan.objects.filter(plan_year=year - 1).select_related("members_moved_to")
    successors = Plan.objects.filter(plan_year=year)
    if not include_samples:
        plans, successors = plans.filter(is_sample=False), successors.filter(is_sample=False)
    catalog: dict[tuple[str, str], list[Plan]] = defaultdict(list)
    for plan in plans.order_by("contract_id", "pbp", "segment"):
        catalog[(plan.contract_id, plan.pbp)].append(plan)
    next_year: dict[tuple[str, str], list[Plan]] = defaultdict(list)
    for plan in successors.order_by("contract_id", "pbp", "segment"):
        next_year[(plan.contract_id, plan.pbp)].append(plan)

    outside = 0
    for key, records in by_previous.items():
        found = catalog.pop(key, [])
        if not found:
            outside += len(records)
            continue
        for plan in found:
            mine = [r for r in records if r.previous and r.previous.segment in (None, plan.segment)]
            if mine:
                _apply_to_plan(report, plan, _outcome(report, plan, mine), next_year)
    if outside:
        report.note(NOT_IN_CATALOG, f"{outside:,} rows")
    for plans_left in catalog.values():
        for plan in plans_left:
            report.note(NOT_NAMED, f"{plan.cms_id} {plan.name} ({plan.plan_year})")


def _outcome(report: ImportReport, plan: Plan, records: list[CrosswalkRow]) -> _Outcome:
    seen: dict[tuple[CrosswalkStatus, PlanRef | None], CrosswalkRow] = {}
    for record in records:
        earlier = seen.setdefault((record.status, record.current), record)
        if earlier is not record:
            report.note(DUPLICATES, f"row {record.row}: {plan.cms_id} (as row {earlier.row})")
    kept = list(seen.values())
    moving = [r for r in kept if r.current is not None]
    ended = [r for r in kept if r.current is None]
    rows = tuple(r.row for r in kept)
    if not moving:
        return _Outcome(NextYearChange.ENDS, (), rows)
    if ended:
        # CMS lists a plan moved into another contract as ended in its old contract and
        # consolidated into the new one: the members are moved, not left without a plan.
        report.note(
            MOVED_AND_ENDED,
            f"{plan.cms_id} ({plan.plan_year}): rows {', '.join(map(str, rows))}",
        )
    targets = {(r.current.contract_id, r.current.pbp) for r in moving if r.current}
    itself = (plan.contract_id, plan.pbp) in targets
    if len(targets) > 1:
        report.note(
            SPLIT,
            f"{plan.cms_id} ({plan.plan_year}): "
            + "; ".join(
                f"{r.current.cms_id} {r.status.value} (row {r.row})" for r in moving if r.current
            ),
        )
        if itself:
            # The plan goes on where it stays; its other counties go to other plans.
            own = [
                r
                for r in moving
                if r.current
                and (r.current.contract_id, r.current.pbp) == (plan.contract_id, plan.pbp)
            ]
            return _Outcome(NextYearChange.RENEWS_SMALLER_AREA, tuple(own), rows)
        return _Outcome(NextYearChange.CONSOLIDATED, tuple(moving), rows)
    statuses = {r.status for r in moving}
    if not itself:
        return _Outcome(NextYearChange.CONSOLIDATED, (moving[0],), rows)
    if CrosswalkStatus.RENEWAL_SAR in statuses:
        return _Outcome(NextYearChange.RENEWS_SMALLER_AREA, (moving[0],), rows)
    # Renewal, a larger area, or the surviving plan of a consolidation: members stay.
    return _Outcome(NextYearChange.RENEWS, (moving[0],), rows)


def _successor(
    ref: PlanRef, plan: Plan, next_year: Mapping[tuple[str, str], list[Plan]]
) -> Plan | None:
    """Next year's catalog plan for ``ref``: the named segment, else the same segment as
    ``plan``, else segment 000, else the only one."""
    found = next_year.get((ref.contract_id, ref.pbp), [])
    for segment in (ref.segment, plan.segment, "000"):
        for candidate in found:
            if candidate.segment == segment:
                return candidate
    return found[0] if len(found) == 1 else None


def _apply_to_plan(
    report: ImportReport,
    plan: Plan,
    outcome: _Outcome,
    next_year: Mapping[tuple[str, str], list[Plan]],
) -> None:
    rows = ", ".join(map(str, outcome.rows))
    refs = [r.current for r in outcome.successors if r.current]
    names = [r.current_name for r in outcome.successors if r.current]
    moves = outcome.change == NextYearChange.CONSOLIDATED
    target = _successor(refs[0], plan, next_year) if moves and len(refs) == 1 else None
    if moves and target is None:
        for ref, name in zip(refs, names, strict=True):
            report.note(
                OUTSIDE_CATALOG,
                f"{plan.cms_id} ({plan.plan_year}) → {ref.cms_id} {name} (row {rows})",
            )
    wanted: dict[str, Any] = {
        "renews": not moves and outcome.change != NextYearChange.ENDS,
        "members_moved_to": target,
        "next_year_change": outcome.change,
        "moved_to_id_text": ", ".join(ref.cms_id for ref in refs)[:60],
        "moved_to_name_text": "; ".join(names)[:200],
    }
    before = _describe(plan)
    if not assign_changed(plan, wanted):
        report.unchanged += 1
        return
    plan.last_import = report.run
    try:
        plan.full_clean()
    except ValidationError as error:
        report.reject(outcome.rows[0], f"{plan.cms_id}: {'; '.join(error.messages)}")
        return
    plan._change_reason = "CMS Plan Crosswalk"  # type: ignore[attr-defined]
    plan.save(update_fields=[*wanted, "last_import"])
    report.changed += 1
    report.note(
        CHANGES, f"{plan.cms_id} ({plan.plan_year}): {before} → {_describe(plan)} (row {rows})"
    )
    if plan.status == PublicationStatus.PUBLISHED:
        report.note(PUBLISHED, f"{plan.cms_id} {plan.name} ({plan.plan_year})")


# The report is in English whatever language is active (the admin is not translated).
REPORT_WORDS = {
    NextYearChange.UNKNOWN: "not known",
    NextYearChange.RENEWS: "renews",
    NextYearChange.RENEWS_SMALLER_AREA: "renews in a smaller area",
    NextYearChange.CONSOLIDATED: "consolidated",
    NextYearChange.ENDS: "ends",
}


def _describe(plan: Plan) -> str:
    change = REPORT_WORDS[NextYearChange(plan.next_year_change)]
    if plan.members_moved_to_id is not None:
        return f"{change}, members move to {plan.members_moved_to.cms_id}"
    if plan.moved_to_id_text and plan.next_year_change == NextYearChange.CONSOLIDATED:
        return f"{change}, members move to {plan.moved_to_id_text} (not in the catalog)"
    return change
