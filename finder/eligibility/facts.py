"""Plain facts about a state, its Medicaid plans and its integrated plans.

The caller builds these from the catalog (``plans.models``) in a fixed number of
queries; the engine never queries. Everything is immutable so a decision cannot change
the facts it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

PlanKind = Literal["dsnp", "pace"]
IntegrationLevel = Literal["CO", "HIDE", "FIDE"]


@dataclass(frozen=True, slots=True)
class MedicaidPlanFacts:
    """A Medicaid managed-care plan of the state."""

    id: str
    name: str
    parent_id: str | None
    enrolls_full_benefit_duals: bool
    counties: frozenset[str]


@dataclass(frozen=True, slots=True)
class StateFacts:
    """A state's (or territory's) policy flags, as its reviewed ``StatePolicy`` says."""

    code: str
    name: str
    is_territory: bool = False
    dsnp_default_categories: frozenset[str] = frozenset()
    medicaid_plan_lock_in: bool = False
    has_medicare_savings_programs: bool = True
    has_extra_help: bool = True
    covers_qmb: bool = True
    requires_multiple_dsnps: bool = False
    medicaid_plans: tuple[MedicaidPlanFacts, ...] = ()

    def medicaid_plan(self, plan_id: str | None) -> MedicaidPlanFacts | None:
        if plan_id is None:
            return None
        for medicaid_plan in self.medicaid_plans:
            if medicaid_plan.id == plan_id:
                return medicaid_plan
        return None


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """A D-SNP or PACE plan for one plan year.

    ``service_area`` maps county FIPS → the ZIP codes served there; an empty set means
    the whole county. ``dual_categories`` None means the state's default categories.
    ``parent_id`` is the sponsor's parent organization (for the 2027 alignment rule).
    """

    id: str
    cms_id: str
    name: str
    kind: PlanKind
    plan_year: int
    service_area: Mapping[str, frozenset[str]]
    integration_level: IntegrationLevel | None = None
    is_aip: bool = False
    exclusively_aligned: bool = False
    aligned_medicaid_plan_id: str | None = None
    parent_id: str | None = None
    dual_categories: frozenset[str] | None = None
    age_min: int | None = None
    age_max: int | None = None
    requires_nursing_home_level_of_care: bool = False
    sanctioned: bool = False
    pace_waiting_list: bool = False
    premium: Decimal | None = None
    premium_with_extra_help: Decimal | None = None

    @property
    def is_integrated(self) -> bool:
        """FIDE, HIDE or AIP: the plans full-benefit duals may join in any month."""
        return self.kind == "dsnp" and (self.integration_level in ("FIDE", "HIDE") or self.is_aip)
