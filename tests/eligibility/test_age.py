"""Age limits: PACE 55+ (42 CFR 460.150(b)(1)); D-SNPs' own limits."""

from __future__ import annotations

import pytest

from .builders import answers, decide_one, dsnp, finding, pace

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("age", "low", "high", "expected"),
    [
        pytest.param("65plus", 65, None, "pass", id="65plus-in-65-plus-plan"),
        pytest.param("60-64", 65, None, "fail", id="60-64-below-65-plus-plan"),
        pytest.param("21-54", 21, 64, "pass", id="21-54-in-21-64-plan"),
        pytest.param("55-59", 21, 64, "pass", id="55-59-in-21-64-plan"),
        pytest.param("65plus", 21, 64, "fail", id="65plus-above-21-64-plan"),
        pytest.param("18-20", 21, 64, "fail", id="18-20-below-21-64-plan"),
        pytest.param("60-64", 60, None, "pass", id="60-64-in-60-plus-plan"),
        pytest.param("55-59", 60, None, "fail", id="55-59-below-60-plus-plan"),
        pytest.param("60-64", 62, None, "check", id="band-straddles-lower-limit"),
        pytest.param("60-64", None, 62, "check", id="band-straddles-upper-limit"),
        pytest.param("not_sure", 65, None, "check", id="not-sure"),
        pytest.param("under18", None, None, None, id="no-limits-no-finding"),
    ],
)
def test_dsnp_age_limits(age: str, low: int | None, high: int | None, expected: str | None) -> None:
    found = finding(decide_one(answers(age=age), dsnp(age_min=low, age_max=high)), "age")
    assert (found.outcome if found else None) == expected


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        pytest.param("under18", "fail", id="under18"),
        pytest.param("18-20", "fail", id="18-20"),
        pytest.param("21-54", "fail", id="21-54"),
        pytest.param("55-59", "pass", id="55-59"),
        pytest.param("60-64", "pass", id="60-64"),
        pytest.param("65plus", "pass", id="65plus"),
        pytest.param("not_sure", "check", id="not-sure"),
    ],
)
def test_pace_is_for_55_and_over(age: str, expected: str) -> None:
    # Even a PACE row with no minimum entered keeps the federal 55.
    found = finding(decide_one(answers(age=age), pace(age_min=None)), "age")
    assert found is not None and found.outcome == expected
    assert found.citations == ("pace_age",)
