"""Import CMS's list of integrated D-SNPs (FIDE, HIDE) and reconcile it with the Landscape.

The file has one row per plan and state: contract_year, state, contract_id, plan_id,
integration_status, contract_name (docs/data-formats.md). The plans themselves come
from the CMS Landscape; this import only sets the integration level of plans already in
the catalog for that year, for every segment of the contract-plan. A row naming a plan
the catalog does not have is reported, never turned into a plan: the list says nothing
about service areas, premiums or names.

Which source wins when they disagree: the list. The Landscape's integration status is
what the sponsor entered in its bid (the plan benefit package) and is published in
September, while this list is CMS's own determination, made after it has reviewed each
state Medicaid agency contract, and published later. Every disagreement is reported
(contract-plan, state, the catalog's value, the list's value), so a reviewer can check
it, and the level is then an ordinary catalog value an admin can still correct.

Plans the catalog calls HIDE or FIDE that the list does not name are reported but left
alone: a list may cover only some states (the shared subset covers 15), so absence is
not proof that a plan is coordination-only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from plans.imports.common import ImportReport, RowError
from plans.imports.tabular import TableError, read_rows
from plans.models import IntegrationLevel, Plan, PlanKind

COLUMNS = {
    "contract_year": "contract_year",
    "state": "state",
    "contract_id": "contract_id",
    "plan_id": "plan_id",
    "integration_status": "integration_status",
    "contract_name": "contract_name",
}
REQUIRED = ["contract_year", "state", "contract_id", "plan_id", "integration_status"]

# The list names FIDE and HIDE SNPs; AIPs in it may be coordination-only, written CO
# (CO-P, "coordination-only, partial", is how CY2027 files write some of them).
LEVELS = {
    "FIDE": IntegrationLevel.FIDE,
    "HIDE": IntegrationLevel.HIDE,
    "CO": IntegrationLevel.COORDINATION_ONLY,
    "CO-P": IntegrationLevel.COORDINATION_ONLY,
}
CONTRACT_ID = re.compile(r"^[HR]\d{4}$")
STATE = re.compile(r"^[A-Z]{2}$")

CONFLICTS = "Conflicts: the catalog (from the Landscape) said otherwise; the list's level is kept"
NOT_IN_CATALOG = "Rows for plans not in the catalog (reported, not added)"
DIFFERS_BY_STATE = "Plans the list gives different levels in different states (left as they are)"
NOT_A_DSNP = "Rows naming a plan the catalog holds as PACE (left as they are)"
OTHER_STATES = "Rows whose state is not in the plan's service area in the catalog"
NAMES = "Contract names that differ from the sponsor's legal name in the catalog"
DUPLICATES = "Rows listed twice (the first is used)"
UNLISTED = (
    "Plans the catalog calls HIDE or FIDE that the list does not name, in the states it "
    "covers (left as they are: the list may be partial)"
)


@dataclass(frozen=True)
class ListedPlan:
    row: int
    plan_year: int
    state: str
    contract_id: str
    pbp: str
    level: str
    contract_name: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.plan_year, self.contract_id, self.pbp)

    @property
    def label(self) -> str:
        return f"{self.contract_id}-{self.pbp} {self.state} {self.plan_year}"


@dataclass
class ParsedList:
    rows_read: int = 0
    plans: list[ListedPlan] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


# --- Parsing (no database) --------------------------------------------------


def parse_integrated_dsnps(path: Path) -> ParsedList:
    parsed = ParsedList()
    first: dict[tuple[int, str, str, str], ListedPlan] = {}
    try:
        for row in read_rows(path, columns=COLUMNS, required=REQUIRED):
            parsed.rows_read += 1
            listed = _parse_row(row.number, row.cells, parsed)
            if listed is None:
                continue
            key = (*listed.key, listed.state)
            earlier = first.get(key)
            if earlier is None:
                first[key] = listed
                parsed.plans.append(listed)
            elif earlier.level == listed.level:
                parsed.duplicates.append(f"row {listed.row}: {listed.label} (as row {earlier.row})")
            else:
                parsed.rejected.append(
                    RowError(
                        listed.row,
                        f"{listed.label} is {listed.level} here but {earlier.level} on row "
                        f"{earlier.row}: one plan and state has one level.",
                    )
                )
    except TableError as error:
        parsed.rejected.append(RowError(error.row, error.message))
    return parsed


def _parse_row(number: int, cells: dict[str, str], parsed: ParsedList) -> ListedPlan | None:
    problems = []
    year_text = cells.get("contract_year", "")
    if not (year_text.isdigit() and 2006 <= int(year_text) <= 2100):
        problems.append(f"contract_year {year_text!r} is not a year such as 2026")
    state = cells.get("state", "").upper()
    if not STATE.match(state):
        problems.append(f"state {state!r} is not a two-letter code such as FL")
    contract_id = cells.get("contract_id", "").upper()
    if not CONTRACT_ID.match(contract_id):
        problems.append(f"contract_id {contract_id!r} is not H or R and 4 digits")
    plan_id = cells.get("plan_id", "")
    # A spreadsheet drops the leading zeros of "001"; the number itself is unambiguous.
    if plan_id.isdigit() and len(plan_id) <= 3:
        plan_id = plan_id.zfill(3)
    else:
        problems.append(f"plan_id {plan_id!r} is not a plan number such as 001")
    status = cells.get("integration_status", "").upper()
    if status not in LEVELS:
        problems.append(
            f"integration_status {status!r} is not one of {', '.join(LEVELS)}"
            if status
            else "integration_status is blank"
        )
    if problems:
        parsed.rejected.append(RowError(number, "; ".join(problems) + "."))
        return None
    return ListedPlan(
        row=number,
        plan_year=int(year_text),
        state=state,
        contract_id=contract_id,
        pbp=plan_id,
        level=LEVELS[status],
        contract_name=cells.get("contract_name", ""),
    )


# --- Writing ------------------------------------------------------------------


def apply_integrated_dsnps(report: ImportReport, path: Path) -> None:
    """Set the integration level of listed plans and report every disagreement."""
    parsed = parse_integrated_dsnps(path)
    report.rows_read = parsed.rows_read
    for error in parsed.rejected:
        report.reject(error.row, error.message)
    if report.rejected:
        return
    report.rows_kept = len(parsed.plans)
    report.states.update(p.state for p in parsed.plans)
    report.plan_years.update(p.plan_year for p in parsed.plans)
    for item in parsed.duplicates:
        report.note(DUPLICATES, item)

    by_plan: dict[tuple[int, str, str], list[ListedPlan]] = defaultdict(list)
    for listed in parsed.plans:
        by_plan[listed.key].append(listed)
    catalog = _catalog_plans(by_plan)
    matched: set[int] = set()
    for key, rows in by_plan.items():
        plans = catalog.get(key, [])
        if not plans:
            for listed in rows:
                report.note(NOT_IN_CATALOG, f"row {listed.row}: {listed.label} ({listed.level})")
            continue
        matched.update(p.pk for p in plans)
        _reconcile(report, rows, plans)
    _report_unlisted(report, parsed.plans, matched)


def _catalog_plans(
    by_plan: dict[tuple[int, str, str], list[ListedPlan]],
) -> dict[tuple[int, str, str], list[Plan]]:
    years = {year for year, _, _ in by_plan}
    contracts = {contract for _, contract, _ in by_plan}
    found: dict[tuple[int, str, str], list[Plan]] = defaultdict(list)
    plans = (
        Plan.objects.filter(plan_year__in=years, contract_id__in=contracts, is_sample=False)
        .select_related("organization")
        .prefetch_related("service_areas__county")
        .order_by("segment")
    )
    for plan in plans:
        found[(plan.plan_year, plan.contract_id, plan.pbp)].append(plan)
    return found


def _reconcile(report: ImportReport, rows: list[ListedPlan], plans: list[Plan]) -> None:
    levels = {listed.level for listed in rows}
    if len(levels) > 1:
        shown = "; ".join(f"{r.state} {r.level} (row {r.row})" for r in rows)
        report.note(DIFFERS_BY_STATE, f"{rows[0].contract_id}-{rows[0].pbp}: {shown}")
        report.unchanged += len(plans)
        return
    level = rows[0].level
    listed_states = sorted({r.state for r in rows})
    for plan in plans:
        if plan.kind != PlanKind.DSNP:
            report.note(NOT_A_DSNP, f"row {rows[0].row}: {plan.cms_id} ({plan.plan_year})")
            continue
        plan_states = {area.county.state_id for area in plan.service_areas.all()}
        for listed in rows:
            if plan_states and listed.state not in plan_states:
                report.note(
                    OTHER_STATES,
                    f"row {listed.row}: {listed.label}; the catalog has it in "
                    f"{', '.join(sorted(plan_states))}",
                )
            if listed.contract_name and _name_key(listed.contract_name) != _name_key(
                plan.organization.legal_name
            ):
                report.note(
                    NAMES,
                    f"{listed.contract_id}: list {listed.contract_name!r}, catalog "
                    f"{plan.organization.legal_name!r}",
                )
        if plan.integration_level == level:
            report.unchanged += 1
            continue
        report.note(
            CONFLICTS,
            f"{plan.cms_id} {'/'.join(listed_states)} {plan.plan_year}: catalog "
            f"{plan.integration_level or 'none'}, list {level} (rows "
            f"{', '.join(str(r.row) for r in rows)})",
        )
        plan.integration_level = level
        plan.last_import = report.run
        try:
            plan.full_clean()
        except ValidationError as error:
            report.reject(rows[0].row, f"{plan.cms_id}: {'; '.join(error.messages)}")
            continue
        plan.save(update_fields=["integration_level", "last_import"])
        report.changed += 1


def _report_unlisted(report: ImportReport, listed: Iterable[ListedPlan], matched: set[int]) -> None:
    states_by_year: dict[int, set[str]] = defaultdict(set)
    for row in listed:
        states_by_year[row.plan_year].add(row.state)
    for year, states in sorted(states_by_year.items()):
        plans = (
            Plan.objects.filter(
                plan_year=year,
                kind=PlanKind.DSNP,
                is_sample=False,
                integration_level__in=[IntegrationLevel.HIDE, IntegrationLevel.FIDE],
                service_areas__county__state__in=states,
            )
            .exclude(pk__in=matched)
            .distinct()
            .order_by("contract_id", "pbp", "segment")
        )
        for plan in plans:
            report.note(UNLISTED, f"{plan.cms_id} {plan.plan_year}: {plan.integration_level}")


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()
