"""Premium wording: Extra Help is named only where it exists (not in the territories)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finder.eligibility import premium_text

from .builders import answers, dsnp, pace, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []

PRICED = dsnp(premium=Decimal("36.40"), premium_with_extra_help=Decimal("0"))


@pytest.mark.parametrize(
    ("medicaid", "expected"),
    [
        pytest.param(
            "qmb_plus",
            "With Extra Help, which you get automatically, you would pay $0.00 a month. "
            "The full premium is $36.40.",
            id="full-dual-automatic",
        ),
        pytest.param(
            "qmb",
            "With Extra Help, which you get automatically, you would pay $0.00 a month. "
            "The full premium is $36.40.",
            id="qmb-automatic",
        ),
        pytest.param(
            "qdwi",
            "With full Extra Help you would pay $0.00 a month. The full premium is $36.40.",
            id="qdwi-not-automatic",
        ),
        pytest.param(
            "not_sure",
            "With full Extra Help you would pay $0.00 a month. The full premium is $36.40.",
            id="not-sure",
        ),
    ],
)
def test_premium_wording_in_a_state(medicaid: str, expected: str) -> None:
    assert str(premium_text(answers(medicaid=medicaid), PRICED, state())) == expected


@pytest.mark.parametrize("medicaid", ["qmb_plus", "qmb", "not_sure", "none"])
def test_puerto_rico_premium_never_mentions_extra_help(medicaid: str) -> None:
    text = str(premium_text(answers(medicaid=medicaid), PRICED, puerto_rico()))
    assert text == "Monthly premium: $36.40."


def test_no_premium_known_no_text() -> None:
    assert premium_text(answers(), dsnp(), state()) is None


def test_pace_premium_is_plain() -> None:
    assert str(premium_text(answers(), pace(premium=Decimal("5")), state())) == (
        "Monthly premium: $5.00."
    )


def test_a_zero_premium_is_said_once() -> None:
    free = dsnp(premium=Decimal("0"), premium_with_extra_help=Decimal("0"))
    assert str(premium_text(answers(), free, state())) == "No monthly premium ($0)."


def test_extra_help_is_not_mentioned_when_it_would_not_lower_the_premium() -> None:
    same = dsnp(premium=Decimal("12.00"), premium_with_extra_help=Decimal("12.00"))
    assert str(premium_text(answers(), same, state())) == "Monthly premium: $12.00."
