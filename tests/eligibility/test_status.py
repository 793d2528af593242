"""Status = not eligible if any finding fails, else may qualify if any check, else eligible."""

from __future__ import annotations

import pytest

from finder.eligibility import Finding, Status
from finder.eligibility.outcomes import status_of

pytestmark: list[pytest.MarkDecorator] = []


def f(outcome: str) -> Finding:
    return Finding(rule="r", outcome=outcome, message="m", citations=("aep",))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        pytest.param((), Status.ELIGIBLE, id="no-findings"),
        pytest.param(("pass", "note"), Status.ELIGIBLE, id="pass-and-note"),
        pytest.param(("pass", "check"), Status.MAY_QUALIFY, id="a-check"),
        pytest.param(("check", "fail", "pass"), Status.NOT_ELIGIBLE, id="a-fail-wins"),
    ],
)
def test_status_of(outcomes: tuple[str, ...], expected: Status) -> None:
    assert status_of(tuple(f(o) for o in outcomes)) is expected


def test_strictness_order_and_values() -> None:
    assert [s.value for s in Status] == ["eligible", "may_qualify", "not_eligible"]
    assert (
        Status.ELIGIBLE.strictness < Status.MAY_QUALIFY.strictness < Status.NOT_ELIGIBLE.strictness
    )
