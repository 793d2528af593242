"""parse_answers: the shared vocabulary, defaults, and tampered query strings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finder.eligibility import AGE_BANDS, PARAMETERS, Answers, parse_answers
from finder.eligibility.answers import (
    ALL_CATEGORIES,
    MEDICAID_VALUES,
    categories_of,
    is_full_benefit,
    is_partial_benefit,
    is_unknown_benefit,
)

pytestmark: list[pytest.MarkDecorator] = []

TODAY = date(2026, 7, 10)


def parse(**params: str) -> Answers | dict[str, object]:
    return parse_answers(params, today=TODAY)


def test_only_county_given_everything_else_is_not_sure_and_date_is_today() -> None:
    result = parse(county="06037")
    assert result == Answers(
        zip=None,
        county="06037",
        medicare="not_sure",
        coverage="not_sure",
        medicaid="not_sure",
        medicaid_plan="not_sure",
        medicaid_change="not_sure",
        age="not_sure",
        care_needs="not_sure",
        nursing_home="not_sure",
        date=TODAY,
    )


def test_every_answer_given() -> None:
    result = parse(
        zip="90012",
        county="06037",
        medicare="ab",
        coverage="dsnp",
        medicaid="slmb_plus",
        medicaid_plan="mc-42",
        medicaid_change="yes",
        age="60-64",
        care_needs="yes",
        nursing_home="no",
        date="2026-12-15",
    )
    assert isinstance(result, Answers)
    assert (result.zip, result.medicaid, result.medicaid_plan, result.date) == (
        "90012",
        "slmb_plus",
        "mc-42",
        date(2026, 12, 15),
    )


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        pytest.param({}, "county", id="county-missing"),
        pytest.param({"county": ""}, "county", id="county-empty"),
        pytest.param({"county": "6037"}, "county", id="county-4-digits"),
        pytest.param({"county": "060370"}, "county", id="county-6-digits"),
        pytest.param({"county": "０６０３７"}, "county", id="county-fullwidth-digits"),
        pytest.param({"county": "06037", "zip": "9001"}, "zip", id="zip-4-digits"),
        pytest.param({"county": "06037", "zip": "90012-1234"}, "zip", id="zip-plus-4"),
        pytest.param({"county": "06037", "zip": "٩٠٠١٢"}, "zip", id="zip-arabic-digits"),
        pytest.param({"county": "06037", "medicare": "abc"}, "medicare", id="medicare-unknown"),
        pytest.param({"county": "06037", "medicaid": "FULL"}, "medicaid", id="medicaid-case"),
        pytest.param({"county": "06037", "age": "65+"}, "age", id="age-unknown"),
        pytest.param({"county": "06037", "coverage": "x" * 5000}, "coverage", id="overlong"),
        pytest.param({"county": "06037", "date": "2026-02-30"}, "date", id="date-impossible"),
        pytest.param({"county": "06037", "date": "20260710"}, "date", id="date-compact"),
        pytest.param({"county": "06037", "date": "2026-W28-5"}, "date", id="date-week"),
        pytest.param({"county": "06037", "date": "9999-12-31"}, "date", id="date-far-future"),
        pytest.param({"county": "06037", "date": "1999-12-31"}, "date", id="date-too-early"),
        pytest.param(
            {"county": "06037", "medicaid_plan": "<script>"}, "medicaid_plan", id="plan-id-markup"
        ),
        pytest.param(
            {"county": "06037", "medicaid_plan": "plan id"}, "medicaid_plan", id="plan-id-space"
        ),
    ],
)
def test_tampered_values_are_reported_per_parameter(params: dict[str, str], bad: str) -> None:
    result = parse_answers(params, today=TODAY)
    assert isinstance(result, dict)
    assert bad in result
    assert str(result[bad])  # a plain message, renderable


def test_errors_never_echo_the_value() -> None:
    result = parse_answers({"county": "06037", "age": "<b>x</b>" * 3}, today=TODAY)
    assert isinstance(result, dict)
    assert "<b>" not in str(result["age"])


def test_unknown_parameters_are_ignored() -> None:
    assert isinstance(parse(county="06037", lang="es", utm_source="x"), Answers)


def test_require_can_ask_for_no_county_and_for_other_answers() -> None:
    assert isinstance(parse_answers({}, today=TODAY, require=()), Answers)
    result = parse_answers({"county": "06037"}, today=TODAY, require=("county", "medicare"))
    assert isinstance(result, dict) and set(result) == {"medicare"}
    # A bare string is one name, not its letters.
    assert isinstance(parse_answers({}, today=TODAY, require="county"), dict)


def test_whitespace_around_values_is_forgiven() -> None:
    result = parse(county=" 06037 ", medicaid=" full ")
    assert isinstance(result, Answers) and result.county == "06037" and result.medicaid == "full"


@pytest.mark.parametrize(
    ("medicaid", "full", "partial", "unknown"),
    [
        pytest.param("qmb_plus", True, False, False, id="qmb_plus"),
        pytest.param("slmb_plus", True, False, False, id="slmb_plus"),
        pytest.param("fbde", True, False, False, id="fbde"),
        pytest.param("full", True, False, False, id="full"),
        pytest.param("qmb", False, True, False, id="qmb"),
        pytest.param("slmb", False, True, False, id="slmb"),
        pytest.param("qi", False, True, False, id="qi"),
        pytest.param("qdwi", False, True, False, id="qdwi"),
        pytest.param("msp", False, True, False, id="msp"),
        pytest.param("none", False, False, False, id="none"),
        pytest.param("not_sure", False, False, True, id="not_sure"),
    ],
)
def test_benefit_helpers(medicaid: str, full: bool, partial: bool, unknown: bool) -> None:
    assert medicaid in MEDICAID_VALUES
    assert is_full_benefit(medicaid) is full
    assert is_partial_benefit(medicaid) is partial
    assert is_unknown_benefit(medicaid) is unknown


def test_categories_of_answers() -> None:
    assert categories_of("full") == {"qmb_plus", "slmb_plus", "fbde"}
    assert categories_of("msp") == {"qmb", "slmb", "qi", "qdwi"}
    assert categories_of("not_sure") == ALL_CATEGORIES
    assert categories_of("none") == frozenset()


def test_age_bands_cover_every_age_once() -> None:
    covered: list[int] = []
    for low, high in AGE_BANDS.values():
        covered.extend(range(low, (high if high is not None else 120) + 1))
    assert sorted(covered) == list(range(0, 121))


params_strategy = st.dictionaries(
    st.sampled_from([*PARAMETERS, "lang", ""]) | st.text(max_size=12),
    st.text(max_size=80)
    | st.sampled_from(["not_sure", "ab", "full", "06037", "90012", "2026-10-15", "none"]),
    max_size=14,
)


@given(params=params_strategy, require=st.lists(st.sampled_from(PARAMETERS), max_size=3))
def test_parse_never_raises(params: dict[str, str], require: list[str]) -> None:
    result = parse_answers(params, today=TODAY, require=require)
    assert isinstance(result, Answers | dict)
    if isinstance(result, dict):
        assert set(result) <= set(PARAMETERS)
        for message in result.values():
            assert str(message)
