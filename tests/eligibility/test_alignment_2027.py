"""From plan year 2027 (42 CFR 422.514(h)(1), CMS-4205-F): new full-benefit members must be
in, or joining, the affiliated Medicaid plan. Keyed to the plan year, not the date."""

from __future__ import annotations

from datetime import date

import pytest

from finder.eligibility import MedicaidPlanFacts

from .builders import (
    ALIGNED,
    COUNTY,
    OTHER_MEDICAID,
    answers,
    decide_one,
    dsnp,
    eae_dsnp,
    finding,
    outcome,
    state,
)

pytestmark: list[pytest.MarkDecorator] = []

# A HIDE SNP that is not exclusively aligned, but whose parent also runs Sunrise Medi-Cal.
AFFILIATED = {"parent_id": ALIGNED.parent_id}


@pytest.mark.parametrize(
    ("plan_year", "on", "expected"),
    [
        pytest.param(2026, date(2026, 12, 15), None, id="plan-2026-late-2026-not-affected"),
        pytest.param(2027, date(2026, 10, 20), "check", id="plan-2027-chosen-in-2026-affected"),
        pytest.param(2027, date(2027, 3, 1), "check", id="plan-2027-in-2027"),
        pytest.param(2026, date(2027, 1, 5), None, id="old-plan-year-never-affected"),
    ],
)
def test_keyed_to_plan_year_not_today(plan_year: int, on: date, expected: str | None) -> None:
    decision = decide_one(
        answers(medicaid_plan=OTHER_MEDICAID.id, date=on),
        dsnp(plan_year=plan_year, **AFFILIATED),
    )
    found = finding(decision, "alignment_2027")
    assert (found.outcome if found else None) == expected
    if found:
        assert found.citations == ("dsnp_alignment_2027",)
        assert f"also join {ALIGNED.name}" in str(found.message)


@pytest.mark.parametrize(
    ("medicaid", "medicaid_plan", "expected"),
    [
        pytest.param("qmb_plus", ALIGNED.id, "pass", id="in-affiliated-plan"),
        pytest.param("full", "none", "check", id="fee-for-service-would-also-join"),
        pytest.param("fbde", OTHER_MEDICAID.id, "check", id="other-plan-would-also-join"),
        pytest.param("not_sure", "not_sure", "check", id="may-be-full-dual"),
        pytest.param("qmb", "none", None, id="partial-dual-not-covered-by-rule"),
        pytest.param("none", "none", None, id="no-medicaid-not-covered-by-rule"),
    ],
)
def test_who_the_rule_applies_to(medicaid: str, medicaid_plan: str, expected: str | None) -> None:
    found = finding(
        decide_one(
            answers(medicaid=medicaid, medicaid_plan=medicaid_plan),
            dsnp(plan_year=2027, **AFFILIATED),
        ),
        "alignment_2027",
    )
    assert (found.outcome if found else None) == expected


def test_state_requiring_several_dsnps_is_the_exception() -> None:
    found = finding(
        decide_one(
            answers(medicaid_plan="none"),
            dsnp(plan_year=2027, **AFFILIATED),
            state(requires_multiple_dsnps=True),
        ),
        "alignment_2027",
    )
    assert found is None


def test_affiliated_plan_must_serve_the_county_and_enroll_full_duals() -> None:
    elsewhere = MedicaidPlanFacts(
        id="mc-far",
        name="Far Medi-Cal",
        parent_id="parent-far",
        enrolls_full_benefit_duals=True,
        counties=frozenset({"06001"}),
    )
    no_duals = MedicaidPlanFacts(
        id="mc-kids",
        name="Kids Medi-Cal",
        parent_id="parent-kids",
        enrolls_full_benefit_duals=False,
        counties=frozenset({COUNTY}),
    )
    where = state(medicaid_plans=(elsewhere, no_duals))
    for parent in ("parent-far", "parent-kids"):
        plan = dsnp(plan_year=2027, parent_id=parent)
        assert (
            finding(decide_one(answers(medicaid_plan="none"), plan, where), "alignment_2027")
            is None
        )


def test_lock_in_does_not_turn_the_2027_check_into_a_refusal() -> None:
    decision = decide_one(
        answers(medicaid_plan=OTHER_MEDICAID.id),
        dsnp(plan_year=2027, **AFFILIATED),
        state(medicaid_plan_lock_in=True),
    )
    assert finding(decision, "alignment_2027").outcome == "check"  # type: ignore[union-attr]


def test_exclusively_aligned_plan_is_not_told_twice() -> None:
    """An EAE plan aligned with the same Medicaid plan already asks for it (and may refuse
    under a lock-in); the 2027 rule adds nothing then."""
    decision = decide_one(answers(medicaid_plan="none"), eae_dsnp(plan_year=2027))
    assert finding(decision, "alignment_2027") is None
    assert outcome(decision, "aligned_medicaid_plan") == "check"
