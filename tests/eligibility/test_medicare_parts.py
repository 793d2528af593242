"""Part A and Part B for D-SNPs (42 CFR 422.50(a)(1)); never a bare refusal; not for PACE."""

from __future__ import annotations

import pytest

from finder.eligibility import Status

from .builders import answers, decide_one, finding, pace, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("medicare", "expected", "mentions"),
    [
        pytest.param("ab", "pass", None, id="a-and-b"),
        pytest.param("a_only", "check", "Part B", id="a-only-sign-up-for-b"),
        pytest.param("b_only", "check", "Part A", id="b-only-ask-about-a"),
        pytest.param("neither", "check", "Social Security", id="neither"),
        pytest.param("not_sure", "check", "Medicare card", id="not-sure"),
    ],
)
def test_medicare_parts(medicare: str, expected: str, mentions: str | None) -> None:
    decision = decide_one(answers(medicare=medicare))
    found = finding(decision, "medicare_parts")
    assert found is not None and found.outcome == expected
    assert "ma_parts_a_b" in found.citations
    assert decision.status is not Status.NOT_ELIGIBLE  # never a bare refusal
    if mentions:
        assert found.next_step is not None and mentions in str(found.next_step)
        assert found.who_can_help == "social_security"


def test_savings_program_is_named_only_where_it_exists() -> None:
    with_msp = finding(decide_one(answers(medicare="a_only")), "medicare_parts")
    without = finding(
        decide_one(answers(medicare="a_only"), where=state(has_medicare_savings_programs=False)),
        "medicare_parts",
    )
    assert with_msp is not None and "state can pay" in str(with_msp.next_step)
    assert without is not None and "state" not in str(without.next_step)


def test_puerto_rico_does_not_promise_qmb_paying_part_a() -> None:
    found = finding(decide_one(answers(medicare="b_only"), where=puerto_rico()), "medicare_parts")
    assert found is not None and "QMB" not in str(found.next_step)


def test_pace_does_not_need_medicare() -> None:
    decision = decide_one(answers(medicare="neither"), pace())
    assert finding(decision, "medicare_parts") is None
