"""QMB billing protection (Social Security Act §1902(n)(3)(B)): a note, never a status change."""

from __future__ import annotations

import pytest

from finder.eligibility import PlanFacts, StateFacts, Status

from .builders import answers, decide_one, dsnp, finding, pace, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("medicaid", "plan", "facts", "noted"),
    [
        pytest.param("qmb", dsnp(), state(), True, id="qmb-only-dsnp"),
        pytest.param("qmb_plus", dsnp(), state(), True, id="qmb-plus-dsnp"),
        pytest.param("slmb_plus", dsnp(), state(), False, id="slmb-plus-no-note"),
        pytest.param("full", dsnp(), state(), False, id="full-unsure-which-no-note"),
        pytest.param("not_sure", dsnp(), state(), False, id="not-sure-no-note"),
        pytest.param("qmb", dsnp(), puerto_rico(), False, id="puerto-rico-exempt"),
        pytest.param("qmb", pace(), state(), False, id="pace-no-note"),
    ],
)
def test_qmb_billing_note(medicaid: str, plan: PlanFacts, facts: StateFacts, noted: bool) -> None:
    decision = decide_one(answers(medicaid=medicaid), plan, facts)
    found = finding(decision, "qmb_billing")
    assert (found is not None) is noted
    if found is not None:
        assert found.outcome == "note" and found.citations == ("qmb_billing",)


def test_note_does_not_change_the_status() -> None:
    assert decide_one(answers(medicaid="qmb_plus"), dsnp()).status is Status.ELIGIBLE
