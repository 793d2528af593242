"""Properties over every combination of answers, plan facts and state facts.

"Not sure" is never stricter than a definite answer: replacing one answer by "not sure"
(or forgetting the ZIP) may turn a plain "eligible" into "may qualify" - that is what a
check is - but never makes a plan "not eligible" unless the definite answer already did,
and never takes away a period that is open now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.eligibility import (
    Answers,
    MedicaidPlanFacts,
    PlanFacts,
    Results,
    StateFacts,
    Status,
    decide_all,
)
from finder.eligibility.answers import (
    AGE_VALUES,
    ALL_CATEGORIES,
    COVERAGE_VALUES,
    MEDICAID_VALUES,
    MEDICARE_VALUES,
    YES_NO_VALUES,
)
from finder.eligibility.facts import IntegrationLevel, PlanKind

pytestmark: list[pytest.MarkDecorator] = []

COUNTIES = ("06037", "06059", "72127")
ZIPS = ("90012", "90013", "90065")
PARENTS = ("p1", "p2", None)
MEDICAID_PLAN_IDS = ("m1", "m2", "m3")
LEVELS: tuple[IntegrationLevel | None, ...] = ("CO", "HIDE", "FIDE", None)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def categories() -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(sorted(ALL_CATEGORIES)))


@st.composite
def answers_st(draw: st.DrawFn) -> Answers:
    return Answers(
        zip=draw(st.sampled_from((None, *ZIPS))),
        county=draw(st.sampled_from((None, *COUNTIES))),
        medicare=draw(st.sampled_from(MEDICARE_VALUES)),
        coverage=draw(st.sampled_from(COVERAGE_VALUES)),
        medicaid=draw(st.sampled_from(MEDICAID_VALUES)),
        medicaid_plan=draw(st.sampled_from(("none", "not_sure", "unknown", *MEDICAID_PLAN_IDS))),
        medicaid_change=draw(st.sampled_from(YES_NO_VALUES)),
        age=draw(st.sampled_from(AGE_VALUES)),
        care_needs=draw(st.sampled_from(YES_NO_VALUES)),
        nursing_home=draw(st.sampled_from(YES_NO_VALUES)),
        date=draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 12, 31))),
    )


@st.composite
def plan_st(draw: st.DrawFn, plan_id: str = "plan") -> PlanFacts:
    kinds: tuple[PlanKind, ...] = ("dsnp", "pace")
    kind = draw(st.sampled_from(kinds))
    area = draw(
        st.dictionaries(
            st.sampled_from(COUNTIES),
            st.frozensets(st.sampled_from(ZIPS), max_size=2),
            min_size=0,
            max_size=3,
        )
    )
    ages = draw(st.tuples(st.none() | st.integers(0, 90), st.none() | st.integers(0, 90)))
    return PlanFacts(
        id=plan_id,
        cms_id="H0000-000",
        name="Plan",
        kind=kind,
        plan_year=draw(st.integers(2024, 2031)),
        service_area=area,
        integration_level=draw(st.sampled_from(LEVELS)),
        is_aip=draw(st.booleans()),
        exclusively_aligned=draw(st.booleans()),
        aligned_medicaid_plan_id=draw(st.sampled_from((None, "gone", *MEDICAID_PLAN_IDS))),
        parent_id=draw(st.sampled_from(PARENTS)),
        dual_categories=draw(st.none() | categories()),
        # Deliberately not always consistent (min above max): the engine must not raise.
        age_min=ages[0],
        age_max=ages[1],
        requires_nursing_home_level_of_care=draw(st.booleans()),
        sanctioned=draw(st.booleans()),
        pace_waiting_list=draw(st.booleans()),
        premium=draw(st.none() | st.decimals(0, 500, places=2)),
        premium_with_extra_help=draw(st.none() | st.just(Decimal("0.00"))),
    )


@st.composite
def state_st(draw: st.DrawFn) -> StateFacts:
    medicaid_plans = tuple(
        MedicaidPlanFacts(
            id=plan_id,
            name=f"Medicaid {plan_id}",
            parent_id=draw(st.sampled_from(PARENTS)),
            enrolls_full_benefit_duals=draw(st.booleans()),
            counties=draw(st.frozensets(st.sampled_from(COUNTIES))),
        )
        for plan_id in draw(st.lists(st.sampled_from(MEDICAID_PLAN_IDS), unique=True))
    )
    return StateFacts(
        code="XX",
        name="Somewhere",
        is_territory=draw(st.booleans()),
        dsnp_default_categories=draw(categories()),
        medicaid_plan_lock_in=draw(st.booleans()),
        has_medicare_savings_programs=draw(st.booleans()),
        has_extra_help=draw(st.booleans()),
        covers_qmb=draw(st.booleans()),
        requires_multiple_dsnps=draw(st.booleans()),
        medicaid_plans=medicaid_plans,
    )


plans_st = st.lists(st.integers(0, 10_000), max_size=6, unique=True).flatmap(
    lambda ids: st.tuples(*(plan_st(f"plan-{i}") for i in ids))
)


def render(results: Results) -> None:
    option = results.original_medicare
    for text in (option.title, option.summary, *option.points):
        assert str(text)
    for decision in results.all():
        for finding in decision.findings:
            assert str(finding.message)
            assert finding.next_step is None or str(finding.next_step)
        for step in decision.next_steps:
            assert str(step)
        for window in decision.windows:
            assert str(window.label) and (window.condition is None or str(window.condition))
        assert decision.premium_text is None or str(decision.premium_text)


@PROPERTY_SETTINGS
@given(person=answers_st(), plans=plans_st, where=state_st())
def test_no_combination_raises_and_every_message_renders(
    person: Answers, plans: tuple[PlanFacts, ...], where: StateFacts
) -> None:
    render(decide_all(person, plans, where))


@PROPERTY_SETTINGS
@given(person=answers_st(), plans=plans_st, where=state_st())
def test_plans_outside_the_county_never_appear(
    person: Answers, plans: tuple[PlanFacts, ...], where: StateFacts
) -> None:
    shown = {d.plan_id for d in decide_all(person, plans, where).all()}
    for plan in plans:
        if person.county is None or person.county not in plan.service_area:
            assert plan.id not in shown
        else:
            assert plan.id in shown


UNSURE_FIELDS = (
    "medicare",
    "coverage",
    "medicaid",
    "medicaid_plan",
    "medicaid_change",
    "age",
    "care_needs",
    "nursing_home",
)


def by_plan(results: Results) -> dict[str, tuple[Status, date | None]]:
    out: dict[str, tuple[Status, date | None]] = {}
    for decision in results.all():
        open_now = [w.effective for w in decision.windows if w.open_now]
        out[decision.plan_id] = (decision.status, min(open_now) if open_now else None)
    return out


@PROPERTY_SETTINGS
@given(
    person=answers_st(),
    plans=plans_st,
    where=state_st(),
    field=st.sampled_from((*UNSURE_FIELDS, "zip")),
)
def test_not_sure_is_never_stricter(
    person: Answers, plans: tuple[PlanFacts, ...], where: StateFacts, field: str
) -> None:
    changes: dict[str, Any] = {"zip": None} if field == "zip" else {field: "not_sure"}
    unsure = replace(person, **changes)
    before = by_plan(decide_all(person, plans, where))
    after = by_plan(decide_all(unsure, plans, where))
    assert before.keys() == after.keys()
    floor = Status.MAY_QUALIFY.strictness
    for plan_id, (status, soonest) in before.items():
        status_unsure, soonest_unsure = after[plan_id]
        assert status_unsure.strictness <= max(floor, status.strictness), (plan_id, field)
        if soonest is not None:
            assert soonest_unsure is not None and soonest_unsure <= soonest, (plan_id, field)
