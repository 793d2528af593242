"""Reads the published catalog for one county and hands the engine plain facts.

A fixed number of queries whatever the catalog size (the state and its policy, its
Medicaid plans with their counties, the plans with their service areas), so the
results page and the API cost the same for 10 plans or 1,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from finder import facts
from finder.eligibility import MedicaidPlanFacts, PlanFacts, StateFacts
from plans.models import (
    ALL_CATEGORIES,
    County,
    MedicaidPlan,
    Plan,
    ServiceArea,
    State,
    StatePolicy,
)

# Where a state's policy is not published yet, the engine must not be stricter than the
# law: D-SNPs may then enrol any dual category, and each plan's own list still applies.
_UNREVIEWED_DEFAULT_CATEGORIES = ALL_CATEGORIES


@dataclass(frozen=True)
class CountyCatalog:
    county: County
    state: State
    policy: StatePolicy | None
    state_facts: StateFacts
    plans: dict[str, Plan]  # engine plan id → the model row, for display
    plan_facts: tuple[PlanFacts, ...]
    medicaid_plans: tuple[MedicaidPlan, ...]  # one row per code, newest year


def published_policy(state: State) -> StatePolicy | None:
    try:
        policy = state.policy
    except StatePolicy.DoesNotExist:
        return None
    return policy if policy.is_public() else None


def state_facts(
    state: State, policy: StatePolicy | None, medicaid_plans: Iterable[MedicaidPlan]
) -> StateFacts:
    medicaid = tuple(
        MedicaidPlanFacts(
            id=plan.code,
            name=plan.name,
            parent_id=str(plan.parent_id) if plan.parent_id else None,
            enrolls_full_benefit_duals=plan.enrolls_full_benefit_duals,
            counties=frozenset(c.fips for c in plan.service_area.all()),
        )
        for plan in medicaid_plans
    )
    if policy is None:
        # Territory defaults follow the law, not a reviewer: no Extra Help in the
        # territories, and Puerto Rico's Medicaid is exempt from covering QMBs.
        return StateFacts(
            code=state.code,
            name=state.name,
            is_territory=state.is_territory,
            dsnp_default_categories=_UNREVIEWED_DEFAULT_CATEGORIES,
            has_extra_help=not state.is_territory,
            has_medicare_savings_programs=not state.is_territory,
            covers_qmb=state.code != "PR",
            medicaid_plans=medicaid,
        )
    return StateFacts(
        code=state.code,
        name=state.name,
        is_territory=state.is_territory,
        dsnp_default_categories=frozenset(policy.dsnp_default_categories),
        medicaid_plan_lock_in=policy.medicaid_plan_lock_in,
        has_medicare_savings_programs=policy.has_medicare_savings_programs,
        has_extra_help=policy.has_extra_help,
        covers_qmb=policy.covers_qmb,
        requires_multiple_dsnps=policy.requires_multiple_dsnps,
        medicaid_plans=medicaid,
    )


def plan_facts(plan: Plan) -> PlanFacts:
    parent = plan.organization.parent_id
    return PlanFacts(
        id=str(plan.pk),
        cms_id=plan.cms_id,
        name=plan.name,
        kind="pace" if plan.kind == "pace" else "dsnp",
        plan_year=plan.plan_year,
        service_area={
            area.county_id: frozenset(area.zip_codes) for area in plan.service_areas.all()
        },
        integration_level=plan.integration_level or None,  # type: ignore[arg-type]
        is_aip=plan.is_aip,
        exclusively_aligned=plan.exclusively_aligned,
        aligned_medicaid_plan_id=(
            plan.aligned_medicaid_plan.code if plan.aligned_medicaid_plan else None
        ),
        parent_id=str(parent) if parent else None,
        dual_categories=None if plan.dual_categories_from_state else plan.own_dual_categories(),
        age_min=plan.age_min,
        age_max=plan.age_max,
        requires_nursing_home_level_of_care=plan.requires_nursing_home_level_of_care,
        sanctioned=plan.sanctioned,
        pace_waiting_list=plan.pace_waiting_list,
        premium=plan.premium,
        premium_with_extra_help=plan.premium_with_extra_help,
    )


def newest_per_code(medicaid_plans: Iterable[MedicaidPlan]) -> tuple[MedicaidPlan, ...]:
    """A Medicaid plan is one choice for the person, whichever plan years are in view."""
    newest: dict[str, MedicaidPlan] = {}
    for plan in medicaid_plans:
        if plan.code not in newest or plan.plan_year > newest[plan.code].plan_year:
            newest[plan.code] = plan
    return tuple(sorted(newest.values(), key=lambda p: p.name.casefold()))


def for_county(county: County, plan_years: Sequence[int]) -> CountyCatalog:
    """Everything the engine needs for one county and the plan years in view, built once
    per catalog version (finder/facts.py)."""
    return facts.cached(
        "county", (county.fips, *plan_years), lambda: _read_county(county, plan_years)
    )


def _read_county(county: County, plan_years: Sequence[int]) -> CountyCatalog:
    state = State.objects.select_related("policy").get(pk=county.state_id)
    policy = published_policy(state)
    medicaid_plans = newest_per_code(
        MedicaidPlan.objects.published()
        .filter(state=state, plan_year__in=plan_years)
        .prefetch_related(Prefetch("service_area", queryset=County.objects.only("fips")))
    )
    plans = list(
        Plan.objects.published()
        .for_year_in(plan_years)
        .available_in(county)
        .select_related("organization", "aligned_medicaid_plan")
        # Only this county's row: the engine reads no other, and a plan may serve hundreds.
        .prefetch_related(
            Prefetch("service_areas", queryset=ServiceArea.objects.filter(county=county))
        )
    )
    return CountyCatalog(
        county=county,
        state=state,
        policy=policy,
        state_facts=state_facts(state, policy, medicaid_plans),
        plans={str(plan.pk): plan for plan in plans},
        plan_facts=tuple(plan_facts(plan) for plan in plans),
        medicaid_plans=medicaid_plans,
    )
