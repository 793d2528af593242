"""The end of a plan year: from December 1 nobody can join this year's plans (coverage
starts on the first of a month after the request, 42 CFR 422.68 and 423.38(c)(35); the
Annual Enrollment Period starts coverage January 1, 422.62(a)(2)), so they are "ending",
never "you can likely join", and the year filter defaults to next year's plans."""

from __future__ import annotations

from datetime import date

import pytest

from finder.eligibility import Status, decide_all, default_plan_year, when_to_join
from finder.eligibility.windows import can_still_start_coverage

from .builders import ALIGNED, answers, decide_one, dsnp, pace, state

CO = dsnp(integration_level="CO")
HIDE = dsnp(aligned_medicaid_plan_id=ALIGNED.id)


@pytest.mark.parametrize(
    ("on", "plan_year", "expected"),
    [
        pytest.param(date(2026, 6, 15), 2026, True, id="june"),
        pytest.param(date(2026, 11, 30), 2026, True, id="nov-30-starts-dec-1"),
        pytest.param(date(2026, 12, 1), 2026, False, id="dec-1-would-start-jan-1"),
        pytest.param(date(2026, 12, 31), 2026, False, id="dec-31"),
        pytest.param(date(2026, 12, 4), 2027, True, id="next-year-in-december"),
    ],
)
def test_can_still_start_coverage(on: date, plan_year: int, expected: bool) -> None:
    assert can_still_start_coverage(on, plan_year) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(date(2026, 6, 15), None, id="june-one-year-in-view"),
        pytest.param(date(2026, 10, 15), None, id="oct-both-years-joinable"),
        pytest.param(date(2026, 11, 30), None, id="nov-30-both-years-joinable"),
        pytest.param(date(2026, 12, 1), 2027, id="dec-1-next-year"),
        pytest.param(date(2026, 12, 4), 2027, id="dec-4-next-year"),
        pytest.param(date(2026, 12, 31), 2027, id="dec-31-next-year"),
        pytest.param(date(2027, 1, 1), None, id="jan-1-one-year"),
    ],
)
def test_default_plan_year(on: date, expected: int | None) -> None:
    assert default_plan_year(on) == expected


@pytest.mark.parametrize(
    ("plan", "medicaid", "on", "ending", "can_join_now", "coverage_starts"),
    [
        # This year's plan in December: no period can start coverage before it ends.
        pytest.param(HIDE, "qmb_plus", date(2026, 12, 4), True, False, None, id="hide-dec"),
        pytest.param(CO, "qmb_plus", date(2026, 12, 4), True, False, None, id="co-dec"),
        pytest.param(pace(), "qmb_plus", date(2026, 12, 4), True, False, None, id="pace-dec"),
        # The same plans in June: the monthly period, coverage the first of next month.
        pytest.param(
            HIDE, "qmb_plus", date(2026, 6, 15), False, True, date(2026, 7, 1), id="hide-june"
        ),
        # A coordination-only plan in June for a full dual: only "ask your SHIP".
        pytest.param(CO, "qmb_plus", date(2026, 6, 15), False, False, None, id="co-june-ship"),
        # Not sure of full Medicaid: a period with a condition is not "can join now".
        pytest.param(
            HIDE, "not_sure", date(2026, 6, 15), False, False, date(2026, 7, 1), id="not-sure"
        ),
        # Next year's plan in December: the Annual Enrollment Period is over (Dec 7), but a
        # full dual's monthly period starts coverage January 1.
        pytest.param(
            dsnp(plan_year=2027, aligned_medicaid_plan_id=ALIGNED.id),
            "qmb_plus",
            date(2026, 12, 15),
            False,
            True,
            date(2027, 1, 1),
            id="next-year-hide-dec-15",
        ),
    ],
)
def test_decision_says_whether_and_when(
    plan: object,
    medicaid: str,
    on: date,
    ending: bool,
    can_join_now: bool,
    coverage_starts: date | None,
) -> None:
    decision = decide_one(answers(medicaid=medicaid, date=on), plan)  # type: ignore[arg-type]
    assert decision.ending is ending
    assert decision.can_join_now is can_join_now
    assert decision.coverage_starts == coverage_starts
    if ending:
        assert decision.ends_on == date(decision.plan_year, 12, 31)


def test_a_ruled_out_plan_cannot_be_joined_now() -> None:
    decision = decide_one(answers(date=date(2026, 6, 15)), dsnp(sanctioned=True))
    assert decision.status is Status.NOT_ELIGIBLE
    assert decision.can_join_now is False
    assert decision.coverage_starts is None


@pytest.mark.parametrize("on", [date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 31)])
def test_december_puts_this_years_plans_in_ending_never_in_eligible(on: date) -> None:
    plans = [
        dsnp(id="a", plan_year=2026),
        dsnp(id="b", plan_year=2027),
        dsnp(id="c", plan_year=2026, integration_level="CO"),
        pace(id="d", plan_year=2026),
    ]
    results = decide_all(answers(date=on), plans, state())
    assert {d.plan_id for d in results.ending} == {"a", "c", "d"}
    joinable = results.eligible + results.may_qualify + results.not_eligible
    assert {d.plan_year for d in joinable} == {2027}
    assert results.count == 4


def test_june_has_no_ending_plans() -> None:
    results = decide_all(answers(date=date(2026, 6, 15)), [dsnp(id="a")], state())
    assert results.ending == ()
    assert [d.plan_id for d in results.eligible] == ["a"]


def test_when_to_join_for_a_plan_page() -> None:
    ending = when_to_join(answers(date=date(2026, 12, 4)), HIDE)
    assert ending.ending and ending.ends_on == date(2026, 12, 31)
    june = when_to_join(answers(date=date(2026, 6, 15)), HIDE)
    assert not june.ending
    assert june.window is not None and june.window.effective == date(2026, 7, 1)
