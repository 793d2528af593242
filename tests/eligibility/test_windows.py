"""When the person can join (CMS-4205-F periods), per plan year."""

from __future__ import annotations

from datetime import date

import pytest

from finder.eligibility import EnrollmentWindow, PlanFacts, decide_all, plan_years_in_view
from finder.eligibility.answers import MEDICAID_VALUES
from finder.eligibility.windows import windows_for

from .builders import ALIGNED, OTHER_MEDICAID, answers, decide_one, dsnp, eae_dsnp, pace, state

pytestmark: list[pytest.MarkDecorator] = []

HIDE = dsnp()
CO = dsnp(integration_level="CO")
CA_CO_AIP = dsnp(integration_level="CO", is_aip=True)  # California-style
# The same plans with Sunrise Medi-Cal as their aligned Medicaid plan, which the answers'
# default Medicaid plan is: the integrated care SEP applies without a condition.
ALIGNED_HIDE = dsnp(aligned_medicaid_plan_id=ALIGNED.id)
ALIGNED_CA_CO_AIP = dsnp(integration_level="CO", is_aip=True, aligned_medicaid_plan_id=ALIGNED.id)


def best(medicaid: str, plan: PlanFacts, on: date, **more: str) -> EnrollmentWindow | None:
    return decide_one(answers(medicaid=medicaid, date=on, **more), plan).window


def summary(window: EnrollmentWindow | None) -> tuple[str, date, bool] | None:
    return None if window is None else (window.code, window.effective, window.open_now)


@pytest.mark.parametrize(
    ("on", "years"),
    [
        pytest.param(date(2026, 1, 1), (2026,), id="jan-1"),
        pytest.param(date(2026, 9, 30), (2026,), id="sep-30"),
        pytest.param(date(2026, 10, 1), (2026, 2027), id="oct-1-two-years"),
        pytest.param(date(2026, 12, 31), (2026, 2027), id="dec-31-two-years"),
    ],
)
def test_plan_years_in_view(on: date, years: tuple[int, ...]) -> None:
    assert plan_years_in_view(on) == years


JUL = date(2026, 7, 10)
OCT = date(2026, 10, 20)
DEC = date(2026, 12, 15)


@pytest.mark.parametrize(
    ("medicaid", "plan", "on", "expected"),
    [
        # Full-benefit duals: FIDE, HIDE or AIP in any month, effective the 1st of next month.
        pytest.param(
            "qmb_plus",
            HIDE,
            JUL,
            ("integrated_monthly", date(2026, 8, 1), True),
            id="full-dual-hide-july-monthly",
        ),
        pytest.param(
            "full",
            eae_dsnp(),
            JUL,
            ("integrated_monthly", date(2026, 8, 1), True),
            id="full-dual-fide-july-monthly",
        ),
        pytest.param(
            "fbde",
            CA_CO_AIP,
            JUL,
            ("integrated_monthly", date(2026, 8, 1), True),
            id="full-dual-california-co-aip-monthly",
        ),
        # Coordination-only, not an AIP: no monthly route.
        pytest.param(
            "full",
            CO,
            JUL,
            ("ask_ship", date(2026, 8, 1), False),
            id="full-dual-co-non-aip-july-ask-ship",
        ),
        # Partial duals have no monthly route into any D-SNP.
        pytest.param(
            "qmb",
            HIDE,
            JUL,
            ("ask_ship", date(2026, 8, 1), False),
            id="partial-dual-hide-july-ask-ship",
        ),
        pytest.param(
            "qmb",
            dsnp(plan_year=2027),
            OCT,
            ("aep", date(2027, 1, 1), True),
            id="partial-dual-next-year-plan-in-aep",
        ),
        pytest.param(
            "qmb",
            dsnp(plan_year=2027),
            JUL,
            ("aep", date(2027, 1, 1), False),
            id="partial-dual-next-year-plan-aep-upcoming",
        ),
        # October to December: this year's plan monthly, next year's plan in the AEP.
        pytest.param(
            "full",
            HIDE,
            OCT,
            ("integrated_monthly", date(2026, 11, 1), True),
            id="october-this-year-plan-monthly-effective-nov",
        ),
        pytest.param(
            "full",
            dsnp(plan_year=2027),
            OCT,
            ("aep", date(2027, 1, 1), True),
            id="october-next-year-plan-aep",
        ),
        # December 15: a monthly join is effective Jan 1, that is next year's plan.
        pytest.param("full", HIDE, DEC, None, id="dec-15-this-year-plan-no-time-left"),
        pytest.param(
            "full",
            dsnp(plan_year=2027),
            DEC,
            ("integrated_monthly", date(2027, 1, 1), True),
            id="dec-15-monthly-join-effective-jan-1-next-year-plan",
        ),
        pytest.param(
            "qmb",
            dsnp(plan_year=2027),
            DEC,
            ("ask_ship", date(2027, 1, 1), False),
            id="dec-15-partial-after-aep-ask-ship",
        ),
        # PACE: any month, effective the 1st of next month, within its plan year.
        pytest.param(
            "none", pace(), JUL, ("pace_monthly", date(2026, 8, 1), True), id="pace-any-month"
        ),
        pytest.param("none", pace(), DEC, None, id="pace-this-year-december-none"),
        pytest.param(
            "none",
            pace(plan_year=2027),
            DEC,
            ("pace_monthly", date(2027, 1, 1), True),
            id="pace-next-year-december",
        ),
        pytest.param("full", dsnp(plan_year=2025), JUL, None, id="past-plan-year-none"),
    ],
)
def test_best_window(
    medicaid: str, plan: PlanFacts, on: date, expected: tuple[str, date, bool] | None
) -> None:
    assert summary(best(medicaid, plan, on)) == expected


def test_aep_dates() -> None:
    window = best("qmb", dsnp(plan_year=2027), OCT)
    assert window is not None
    assert (window.opens, window.closes, window.effective) == (
        date(2026, 10, 15),
        date(2026, 12, 7),
        date(2027, 1, 1),
    )
    assert window.citations == ("aep",)


def test_monthly_window_dates_and_citation() -> None:
    window = best("full", ALIGNED_CA_CO_AIP, JUL)
    assert window is not None
    assert (window.opens, window.closes) == (date(2026, 7, 1), date(2026, 7, 31))
    assert window.citations[0] == "integrated_care_sep"
    assert window.condition is None


@pytest.mark.parametrize(
    ("more", "code"),
    [
        pytest.param({"medicaid_change": "yes"}, "medicaid_change", id="medicaid-change"),
        pytest.param({"nursing_home": "yes"}, "nursing_home", id="nursing-home"),
        pytest.param({"coverage": "new"}, "icep", id="new-to-medicare"),
    ],
)
def test_other_periods_open_now_for_partial_duals(more: dict[str, str], code: str) -> None:
    window = best("qmb", CO, JUL, **more)
    assert window is not None and window.code == code and window.open_now
    assert window.effective == date(2026, 8, 1) and window.closes is None
    assert window.condition is None


def test_ma_open_enrollment_period() -> None:
    window = best("qmb", CO, date(2026, 2, 10), coverage="ma")
    assert summary(window) == ("ma_oep", date(2026, 3, 1), True)
    assert best("qmb", CO, date(2026, 2, 10), coverage="original").code == "ask_ship"  # type: ignore[union-attr]


def test_not_sure_shows_the_period_with_its_condition() -> None:
    window = best("not_sure", HIDE, JUL)
    assert window is not None and window.code == "integrated_monthly" and window.open_now
    assert window.condition is not None and "full Medicaid" in str(window.condition)


def open_codes(medicaid: str, plan: PlanFacts, on: date) -> set[str]:
    return {
        w.code
        for w in windows_for(
            answers(
                medicaid=medicaid,
                date=on,
                coverage="not_sure",
                medicaid_change="not_sure",
                nursing_home="not_sure",
            ),
            plan,
        )
        if w.open_now and w.code != "ask_ship"
    }


@pytest.mark.parametrize(
    "plan",
    [HIDE, CO, CA_CO_AIP, eae_dsnp(), dsnp(plan_year=2027)],
    ids=["hide", "co", "ca-co-aip", "fide-eae", "next-year"],
)
@pytest.mark.parametrize("on", [date(2026, 2, 1), JUL, OCT, DEC], ids=["feb", "jul", "oct", "dec"])
def test_medicaid_not_sure_never_gets_fewer_periods(plan: PlanFacts, on: date) -> None:
    unsure = open_codes("not_sure", plan, on)
    for medicaid in MEDICAID_VALUES:
        assert open_codes(medicaid, plan, on) <= unsure, medicaid


def test_results_page_uses_each_plans_own_year() -> None:
    plans = [dsnp(id="this-year"), dsnp(id="next-year", plan_year=2027), pace(id="pace")]
    results = decide_all(answers(medicaid="full", date=DEC), plans, state())
    by_id = {d.plan_id: d for d in results.all()}
    assert by_id["this-year"].window is None
    assert any("no time left" in str(step) for step in by_id["this-year"].next_steps)
    assert summary(by_id["next-year"].window) == ("integrated_monthly", date(2027, 1, 1), True)
    assert by_id["pace"].window is None


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [
        pytest.param("ma", "integrated_monthly", id="in-ma-plan-monthly-named-before-oep"),
        pytest.param("original", "integrated_monthly", id="original-monthly"),
    ],
)
def test_reusable_period_is_named_before_the_one_time_oep(coverage: str, expected: str) -> None:
    # In March a full dual already in an MA plan could use the MA Open Enrollment Period
    # or the monthly integrated period; both start coverage April 1, but the OEP allows one
    # change only, so the monthly period is the one to name.
    window = best("fbde", ALIGNED_HIDE, date(2026, 3, 10), coverage=coverage)
    assert window is not None
    assert (window.code, window.effective) == (expected, date(2026, 4, 1))


# The integrated care SEP is for full-benefit duals in, or joining, the plan's affiliated
# Medicaid plan (42 CFR 423.38(c)(35), CMS-4205-F: "with a narrower scope ... if they are
# enrolled in or in the process of enrolling in the sponsor's affiliated Medicaid managed
# care plan"; citation "integrated_care_sep").
@pytest.mark.parametrize(
    ("medicaid", "medicaid_plan", "plan", "expected"),
    [
        pytest.param("qmb_plus", ALIGNED.id, ALIGNED_HIDE, "yes", id="full-in-aligned-plan"),
        pytest.param("fbde", "none", ALIGNED_HIDE, "maybe", id="full-fee-for-service"),
        pytest.param("full", OTHER_MEDICAID.id, ALIGNED_HIDE, "maybe", id="full-other-plan"),
        pytest.param("full", "not_sure", ALIGNED_HIDE, "maybe", id="full-plan-not-sure"),
        pytest.param("qmb_plus", ALIGNED.id, HIDE, "maybe", id="plan-without-aligned-plan"),
        pytest.param("not_sure", ALIGNED.id, ALIGNED_HIDE, "maybe", id="medicaid-not-sure"),
        pytest.param("qmb", ALIGNED.id, ALIGNED_HIDE, "no", id="partial-dual"),
        pytest.param("none", "none", ALIGNED_HIDE, "no", id="no-medicaid"),
    ],
)
def test_integrated_care_sep_needs_the_affiliated_medicaid_plan(
    medicaid: str, medicaid_plan: str, plan: PlanFacts, expected: str
) -> None:
    windows = windows_for(answers(medicaid=medicaid, medicaid_plan=medicaid_plan, date=JUL), plan)
    monthly = [w for w in windows if w.code == "integrated_monthly"]
    if expected == "no":
        assert monthly == []
        return
    assert len(monthly) == 1
    assert monthly[0].citations[0] == "integrated_care_sep"
    assert monthly[0].effective == date(2026, 8, 1)
    if expected == "yes":
        assert monthly[0].condition is None
    else:
        assert "the same company's Medicaid plan" in str(monthly[0].condition)
