"""Exclusively aligned plans: Medicaid through the aligned plan (42 CFR 422.2), and the
state's Medicaid plan lock-in."""

from __future__ import annotations

import pytest

from finder.eligibility import Status

from .builders import ALIGNED, OTHER_MEDICAID, answers, decide_one, dsnp, eae_dsnp, finding, state

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("medicaid_plan", "lock_in", "expected"),
    [
        pytest.param(ALIGNED.id, False, "pass", id="in-aligned-plan"),
        pytest.param(ALIGNED.id, True, "pass", id="in-aligned-plan-lock-in"),
        pytest.param("none", False, "check", id="fee-for-service"),
        pytest.param("none", True, "check", id="fee-for-service-is-never-locked-in"),
        pytest.param(OTHER_MEDICAID.id, False, "check", id="other-plan-may-move"),
        pytest.param(OTHER_MEDICAID.id, True, "fail", id="other-plan-locked-in"),
        pytest.param("not_sure", False, "check", id="not-sure"),
        pytest.param("not_sure", True, "check", id="not-sure-lock-in"),
        pytest.param("unknown-id", True, "check", id="unrecognised-plan-id-lock-in"),
    ],
)
def test_aligned_medicaid_plan(medicaid_plan: str, lock_in: bool, expected: str) -> None:
    decision = decide_one(
        answers(medicaid_plan=medicaid_plan), eae_dsnp(), state(medicaid_plan_lock_in=lock_in)
    )
    found = finding(decision, "aligned_medicaid_plan")
    assert found is not None and found.outcome == expected
    assert "aligned_enrollment" in found.citations
    if expected == "check":
        assert f"move your Medicaid to {ALIGNED.name}" in str(found.message)
        assert found.who_can_help == "enrollment_broker"
    if expected == "fail":
        assert decision.status is Status.NOT_ELIGIBLE
        assert "medicaid_lock_in" in found.citations
        assert OTHER_MEDICAID.name in str(found.message)
        assert found.next_step is not None


def test_no_aligned_plan_entered_is_a_check_with_the_plan() -> None:
    found = finding(
        decide_one(answers(), eae_dsnp(aligned_medicaid_plan_id=None)), "aligned_medicaid_plan"
    )
    assert found is not None and found.outcome == "check" and found.who_can_help == "plan"


def test_not_exclusively_aligned_plans_skip_the_rule() -> None:
    assert (
        finding(decide_one(answers(medicaid_plan="none"), dsnp()), "aligned_medicaid_plan") is None
    )


def test_california_coordination_only_aip() -> None:
    """California has coordination-only AIPs: AIP and EAE come from the Landscape,
    independent of the integration level."""
    plan = eae_dsnp(integration_level="CO")
    decision = decide_one(answers(medicaid="full", medicaid_plan=ALIGNED.id), plan)
    assert decision.status is Status.ELIGIBLE
