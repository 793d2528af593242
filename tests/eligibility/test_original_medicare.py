"""The Original Medicare option is always there, worded for the answers and the state."""

from __future__ import annotations

import pytest

from finder.eligibility import StateFacts, original_medicare_option

from .builders import answers, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []


def words(medicaid: str, where: StateFacts | None = None, **more: str) -> str:
    option = original_medicare_option(answers(medicaid=medicaid, **more), where or state())
    return " | ".join(str(x) for x in (option.title, option.summary, *option.points))


@pytest.mark.parametrize(
    ("medicaid", "title"),
    [
        pytest.param("qmb_plus", "with Medicaid and a drug plan", id="full-dual"),
        pytest.param("full", "with Medicaid and a drug plan", id="full-not-sure-which"),
        pytest.param("qmb", "help from a Medicare Savings Program", id="partial-dual"),
        pytest.param("msp", "help from a Medicare Savings Program", id="msp"),
        pytest.param("none", "with a drug plan", id="no-medicaid"),
        pytest.param("not_sure", "Original Medicare", id="not-sure"),
    ],
)
def test_title_follows_the_medicaid_answer(medicaid: str, title: str) -> None:
    assert title in str(original_medicare_option(answers(medicaid=medicaid), state()).title)


def test_full_dual_gets_extra_help_automatically() -> None:
    assert "Extra Help automatically" in words("fbde")


def test_qdwi_is_not_deemed_for_extra_help() -> None:
    assert "QDWI does not give Extra Help automatically" in words("qdwi")


@pytest.mark.parametrize("medicaid", ["qmb", "qmb_plus"])
def test_qmb_billing_protection_where_the_state_covers_qmbs(medicaid: str) -> None:
    option = original_medicare_option(answers(medicaid=medicaid), state())
    assert "qmb_billing" in option.citations
    assert "QMB billing protection" in words(medicaid)


def test_no_billing_protection_for_slmb() -> None:
    assert "billing protection" not in words("slmb")


@pytest.mark.parametrize("medicaid", ["qmb_plus", "full", "qmb", "msp", "none", "not_sure"])
def test_puerto_rico_wording_has_no_extra_help_and_no_qmb_protection(medicaid: str) -> None:
    text = words(medicaid, puerto_rico())
    assert "billing protection" not in text
    assert "you get Extra Help" not in text
    assert "get Extra Help automatically" not in text
    assert "Ask Social Security" not in text or medicaid == "none"


def test_puerto_rico_says_extra_help_does_not_exist_there() -> None:
    assert "Extra Help with drug costs does not exist in Puerto Rico" in words(
        "qmb_plus", puerto_rico()
    )


def test_how_to_get_part_a_and_b_when_missing() -> None:
    assert "contact Social Security" in words("full", medicare="a_only")
    assert "contact Social Security" not in words("full", medicare="ab")
    assert "state buy-in" in words("full", medicare="neither")
    assert "state buy-in" not in words(
        "full", state(has_medicare_savings_programs=False), medicare="neither"
    )


@pytest.mark.parametrize(
    ("medicaid", "where", "expected"),
    [
        pytest.param("qmb_plus", state(), "With Medicaid or Extra Help", id="full-dual"),
        pytest.param("qmb", state(), "With Medicaid or Extra Help", id="partial-dual"),
        pytest.param("not_sure", state(), "If you have Medicaid or Extra Help", id="not-sure"),
        pytest.param("none", state(), "If you have Medicaid or Extra Help", id="no-medicaid"),
        pytest.param("qmb_plus", puerto_rico(), "With Medicaid you can", id="pr-full-dual"),
        pytest.param("not_sure", puerto_rico(), "If you have Medicaid, you", id="pr-not-sure"),
        pytest.param("none", puerto_rico(), None, id="pr-no-medicaid-no-extra-help"),
    ],
)
def test_monthly_switch_to_original_medicare(
    medicaid: str, where: StateFacts, expected: str | None
) -> None:
    option = original_medicare_option(answers(medicaid=medicaid), where)
    text = words(medicaid, where)
    if expected is None:
        assert "once a month" not in text
        assert "dual_lis_monthly_sep" not in option.citations
    else:
        assert expected in text and "once a month" in text
        assert "dual_lis_monthly_sep" in option.citations
