"""Plain builders for answers and facts: every test states only what it is about.

The defaults describe a person who clearly qualifies for a HIDE D-SNP in Los Angeles
County in July 2026: Part A and B, full Medicaid (QMB Plus), 65 or older, already in
the plan's aligned Medicaid plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from finder.eligibility import (
    Answers,
    Decision,
    Finding,
    MedicaidPlanFacts,
    PlanFacts,
    StateFacts,
    decide,
)

COUNTY = "06037"
OTHER_COUNTY = "06059"
ON = date(2026, 7, 10)

ALIGNED = MedicaidPlanFacts(
    id="mc-aligned",
    name="Sunrise Medi-Cal",
    parent_id="parent-sunrise",
    enrolls_full_benefit_duals=True,
    counties=frozenset({COUNTY, OTHER_COUNTY}),
)
OTHER_MEDICAID = MedicaidPlanFacts(
    id="mc-other",
    name="Harbor Medi-Cal",
    parent_id="parent-harbor",
    enrolls_full_benefit_duals=True,
    counties=frozenset({COUNTY}),
)


def answers(**changes: Any) -> Answers:
    base = Answers(
        zip=None,
        county=COUNTY,
        medicare="ab",
        coverage="original",
        medicaid="qmb_plus",
        medicaid_plan=ALIGNED.id,
        medicaid_change="no",
        age="65plus",
        care_needs="no",
        nursing_home="no",
        date=ON,
    )
    return replace(base, **changes)


def state(**changes: Any) -> StateFacts:
    base = StateFacts(
        code="CA",
        name="California",
        dsnp_default_categories=frozenset({"qmb_plus", "slmb_plus", "fbde"}),
        medicaid_plans=(ALIGNED, OTHER_MEDICAID),
    )
    return replace(base, **changes)


def puerto_rico(**changes: Any) -> StateFacts:
    """A territory: no Medicare Savings Programs, no Extra Help, QMBs not covered."""
    values: dict[str, Any] = {
        "code": "PR",
        "name": "Puerto Rico",
        "is_territory": True,
        "has_medicare_savings_programs": False,
        "has_extra_help": False,
        "covers_qmb": False,
    }
    values.update(changes)
    return state(**values)


def dsnp(**changes: Any) -> PlanFacts:
    base = PlanFacts(
        id="plan-1",
        cms_id="H1234-001",
        name="Sunrise Dual Complete",
        kind="dsnp",
        plan_year=2026,
        service_area={COUNTY: frozenset()},
        integration_level="HIDE",
    )
    return replace(base, **changes)


def eae_dsnp(**changes: Any) -> PlanFacts:
    """A FIDE SNP with exclusively aligned enrollment, aligned with Sunrise Medi-Cal."""
    values: dict[str, Any] = {
        "integration_level": "FIDE",
        "is_aip": True,
        "exclusively_aligned": True,
        "aligned_medicaid_plan_id": ALIGNED.id,
        "parent_id": ALIGNED.parent_id,
    }
    values.update(changes)
    return dsnp(**values)


def pace(**changes: Any) -> PlanFacts:
    values: dict[str, Any] = {
        "id": "pace-1",
        "cms_id": "H9999-001",
        "name": "Sunrise PACE",
        "kind": "pace",
        "integration_level": None,
        "age_min": 55,
    }
    values.update(changes)
    return dsnp(**values)


def finding(decision: Decision, rule: str) -> Finding | None:
    matches = [f for f in decision.findings if f.rule == rule]
    assert len(matches) <= 1, f"rule {rule} gave {len(matches)} findings"
    return matches[0] if matches else None


def outcome(decision: Decision, rule: str) -> str | None:
    found = finding(decision, rule)
    return None if found is None else found.outcome


def decide_one(
    person: Answers | None = None, plan: PlanFacts | None = None, where: StateFacts | None = None
) -> Decision:
    return decide(person or answers(), plan or dsnp(), where or state())


def text(value: object) -> str:
    """Render a lazy message in the active language (English in tests)."""
    return str(value)
