"""A plan under an enrollment sanction takes no new members (42 CFR 422.750; PACE 460.42)."""

from __future__ import annotations

import pytest

from finder.eligibility import PlanFacts, Status

from .builders import answers, decide_one, dsnp, finding, pace

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("plan", "cite"),
    [
        pytest.param(dsnp(sanctioned=True), "ma_sanction", id="dsnp"),
        pytest.param(pace(sanctioned=True), "pace_enrollment_suspension", id="pace"),
    ],
)
def test_sanctioned_plan_is_not_eligible_with_reason(plan: PlanFacts, cite: str) -> None:
    decision = decide_one(answers(), plan)
    found = finding(decision, "sanction")
    assert found is not None and found.outcome == "fail" and found.citations == (cite,)
    assert "not taking new members" in str(found.message)
    assert decision.status is Status.NOT_ELIGIBLE


def test_unsanctioned_plan_has_no_sanction_finding() -> None:
    assert finding(decide_one(answers(), dsnp()), "sanction") is None
