"""PACE (42 CFR 460.150 and 460.90): at best "may qualify"; the state certifies the level
of care; able to live in the community when joining; no Medicare or Medicaid needed."""

from __future__ import annotations

import itertools

import pytest

from finder.eligibility import Status

from .builders import answers, decide_one, finding, outcome, pace

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("care_needs", "words"),
    [
        pytest.param("yes", "must check and certify", id="needs-help"),
        pytest.param("no", "you may not qualify", id="no-help-needed"),
        pytest.param("not_sure", "decides after a check", id="not-sure"),
    ],
)
def test_level_of_care_is_always_a_check(care_needs: str, words: str) -> None:
    decision = decide_one(answers(care_needs=care_needs, nursing_home="no"), pace())
    found = finding(decision, "pace_level_of_care")
    assert found is not None and found.outcome == "check"
    assert words in str(found.message)
    assert found.who_can_help == "pace_organization"
    assert found.citations == ("pace_level_of_care",)
    assert decision.status is Status.MAY_QUALIFY


def test_pace_is_never_better_than_may_qualify() -> None:
    for care, home, medicaid, medicare in itertools.product(
        ("yes", "no", "not_sure"),
        ("yes", "no", "not_sure"),
        ("full", "none", "qmb", "not_sure"),
        ("ab", "neither", "not_sure"),
    ):
        decision = decide_one(
            answers(care_needs=care, nursing_home=home, medicaid=medicaid, medicare=medicare),
            pace(),
        )
        assert decision.status is Status.MAY_QUALIFY, (care, home, medicaid, medicare)


@pytest.mark.parametrize(
    ("nursing_home", "expected"),
    [
        pytest.param("yes", "check", id="in-nursing-home-check-community"),
        pytest.param("no", "pass", id="in-community"),
        pytest.param("not_sure", "note", id="not-sure-note"),
    ],
)
def test_community_living_when_joining(nursing_home: str, expected: str) -> None:
    found = finding(decide_one(answers(nursing_home=nursing_home), pace()), "pace_community")
    assert found is not None and found.outcome == expected
    assert found.citations == ("pace_community",)  # 460.150(c)(1)


def test_waiting_list_is_a_check() -> None:
    found = finding(decide_one(answers(), pace(pace_waiting_list=True)), "pace_waiting_list")
    assert found is not None and found.outcome == "check"
    assert outcome(decide_one(answers(), pace()), "pace_waiting_list") is None


@pytest.mark.parametrize(
    ("medicaid", "expected"),
    [
        pytest.param("none", "Without Medicaid, you pay", id="no-medicaid-pays-premium"),
        pytest.param("qmb", "If you don't have full Medicaid", id="partial"),
        pytest.param("not_sure", "If you don't have full Medicaid", id="not-sure"),
        pytest.param("full", None, id="full-medicaid-no-note"),
    ],
)
def test_without_medicaid_the_person_pays_the_medicaid_part(
    medicaid: str, expected: str | None
) -> None:
    found = finding(decide_one(answers(medicaid=medicaid), pace()), "pace_costs")
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.outcome == "note" and expected in str(found.message)


def test_pace_needs_neither_medicare_nor_medicaid() -> None:
    decision = decide_one(answers(medicare="neither", medicaid="none"), pace())
    assert decision.status is Status.MAY_QUALIFY
    assert finding(decision, "medicare_parts") is None
    assert finding(decision, "dual_category") is None


def test_joining_pace_ends_other_plans_is_always_noted() -> None:
    found = finding(decide_one(answers(coverage="dsnp"), pace()), "pace_only_source")
    assert found is not None and found.outcome == "note"
    assert "ends any Medicare Advantage plan" in str(found.message)
    assert found.citations == ("pace_sole_source", "pace_part_d")
