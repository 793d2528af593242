"""When the person can join a plan (CMS-4205-F periods, since Jan 1, 2025).

A plan covers only its plan year, so a period is offered for a plan only when the
coverage it starts (its effective date) falls in that plan year. From October 1 to
December 31 two plan years are in view: this year's plans for changes effective next
month, next year's for the Annual Enrollment Period - and a monthly join in December is
effective January 1, that is, in next year's plan.

A period is "yes" (the answers say it applies), "maybe" (it applies if an answer the
person was not sure of turns out a certain way: shown with that condition) or "no".
"Not sure" therefore never shows fewer periods than a definite answer would.

Periods and their sources (see citations.py for what was verified):

- full-benefit duals in, or joining, the plan's affiliated Medicaid plan, into a FIDE
  SNP, HIDE SNP or AIP: any month, effective the first of the next month (integrated care
  SEP, 42 CFR 423.38(c)(35));
- Annual Enrollment Period: Oct 15 - Dec 7, effective Jan 1 (42 CFR 422.62(a)(2));
- Initial Coverage Election Period when just getting Medicare (42 CFR 422.62(a)(1));
- MA Open Enrollment Period: Jan 1 - Mar 31 for people in an MA plan, effective the first
  of the next month (42 CFR 422.62(a)(3));
- after Medicaid or Extra Help starts, ends or changes: within 3 months (42 CFR
  423.38(c)(9));
- living in a nursing home: open while there and 2 months after (42 CFR 422.62(a)(4));
- PACE: any month, effective the first of the next month (42 CFR 460.158);
- otherwise "ask your SHIP": another period may apply.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from datetime import date
from typing import Final, Literal

from django.utils.translation import gettext_lazy as _

from finder.eligibility.answers import NOT_SURE, Answers, is_full_benefit
from finder.eligibility.facts import PlanFacts
from finder.eligibility.outcomes import EnrollmentWindow, Message

Applies = Literal["yes", "maybe", "no"]

AEP_OPENS: Final = (10, 15)
AEP_CLOSES: Final = (12, 7)
OEP_CLOSES: Final = (3, 31)
# From October on, next year's plans are in view for the Annual Enrollment Period.
SECOND_PLAN_YEAR_FROM_MONTH: Final = 10


def first_of_next_month(day: date) -> date:
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def last_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def plan_years_in_view(on: date) -> tuple[int, ...]:
    """The plan years a person can choose among on ``on``.

    From October 1 to December 31: (this year, next year) - this year's plans for changes
    effective next month, next year's plans for the Annual Enrollment Period. Otherwise
    this year only.
    """
    if on.month >= SECOND_PLAN_YEAR_FROM_MONTH:
        return (on.year, on.year + 1)
    return (on.year,)


def can_still_start_coverage(on: date, plan_year: int) -> bool:
    """Whether any period could still start coverage in ``plan_year``: coverage starts
    on the first of a month after the request, so from December 1 none can in this
    year's plans (the last request that starts coverage this year is made in November)."""
    return first_of_next_month(on).year <= plan_year


def default_plan_year(on: date) -> int | None:
    """The plan year shown unless the person chooses: None (every year in view) while
    each of them can still be joined; from December 1, only next year's plans, because
    this year's can no longer be joined (they stay one link away for their members)."""
    years = plan_years_in_view(on)
    joinable = [year for year in years if can_still_start_coverage(on, year)]
    if len(years) > 1 and len(joinable) == 1:
        return joinable[0]
    return None


def nonrenewal_period(plan_year: int) -> tuple[date, date]:
    """The special election period of members of a plan that ends with its plan year
    (42 CFR 422.62(b)(1): the plan is not renewed, or leaves the member's area): CMS
    runs it from December 8 to the last day of February; a choice starts coverage the
    first of the next month (so one made in December starts January 1). Before December
    8 the same members use the Annual Enrollment Period."""
    return date(plan_year, 12, 8), last_of_month(date(plan_year + 1, 2, 1))


# --- Labels and conditions (lazy: resolved in the reader's language) ----------------

_LABELS: Final[dict[str, Message]] = {
    "integrated_monthly": _("Monthly period for people with full Medicaid"),
    "medicaid_change": _(
        "Period after your Medicaid or Extra Help started, ended or changed: within 3 months "
        "of the change or of the letter about it, whichever is later"
    ),
    "nursing_home": _(
        "Period for people who live in a nursing home, and for 2 months after they leave"
    ),
    "icep": _("Your Initial Coverage Election Period, when you first get Medicare"),
    "ma_oep": _("Medicare Advantage Open Enrollment Period, January 1 to March 31 (one change)"),
    "aep": _("Annual Enrollment Period, October 15 to December 7"),
    "pace_monthly": _("Any month: PACE takes new members all year"),
    "ask_ship": _(
        "Another period may let you join sooner. Your SHIP (free Medicare counseling) can tell you."
    ),
}
_CONDITIONS: Final[dict[str, Message]] = {
    "integrated_monthly": _(
        "Only if you have full Medicaid and are in, or are joining, the same company's "
        "Medicaid plan."
    ),
    "medicaid_change": _(
        "Only if your Medicaid or Extra Help started, ended or changed in the last 3 months."
    ),
    "nursing_home": _(
        "Only if you live in a nursing home or a similar care home, or left one in the last "
        "2 months."
    ),
    "icep": _("Only if you are just getting Medicare Part A and Part B."),
    "ma_oep": _("Only if you are in a Medicare Advantage plan now."),
}
_CITATIONS: Final[dict[str, tuple[str, ...]]] = {
    "integrated_monthly": ("integrated_care_sep", "integration_levels", "aip_definition"),
    "medicaid_change": ("medicaid_change_sep",),
    "nursing_home": ("oepi",),
    "icep": ("icep",),
    "ma_oep": ("ma_oep",),
    "aep": ("aep",),
    "pace_monthly": ("pace_effective_date",),
    "ask_ship": ("special_election_periods",),
}


def _window(
    code: str, opens: date, closes: date | None, effective: date, open_now: bool
) -> EnrollmentWindow:
    return EnrollmentWindow(
        code=code,
        label=_LABELS[code],
        opens=opens,
        closes=closes,
        effective=effective,
        citations=_CITATIONS[code],
        open_now=open_now,
    )


# --- One builder per kind of period: the window valid for the plan year, or None -----


def _monthly(code: str, on: date, plan_year: int) -> EnrollmentWindow | None:
    """Any month whose "first of next month" falls in the plan year: Dec of the year
    before through Nov of the plan year."""
    first_month = date(plan_year - 1, 12, 1)
    last_month = date(plan_year, 11, 1)
    if on < first_month:
        return _window(code, first_month, last_of_month(first_month), date(plan_year, 1, 1), False)
    if on <= last_of_month(last_month):
        return _window(code, on.replace(day=1), last_of_month(on), first_of_next_month(on), True)
    return None


def _aep(on: date, plan_year: int) -> EnrollmentWindow | None:
    opens = date(plan_year - 1, *AEP_OPENS)
    closes = date(plan_year - 1, *AEP_CLOSES)
    if on > closes:
        return None
    return _window("aep", opens, closes, date(plan_year, 1, 1), opens <= on)


def _ma_oep(on: date, plan_year: int) -> EnrollmentWindow | None:
    opens = date(plan_year, 1, 1)
    closes = date(plan_year, *OEP_CLOSES)
    if on > closes:
        return None
    if on < opens:
        return _window("ma_oep", opens, closes, first_of_next_month(opens), False)
    return _window("ma_oep", opens, closes, first_of_next_month(on), True)


def _event(code: str, on: date, plan_year: int) -> EnrollmentWindow | None:
    """A period opened by an event (a Medicaid change, a nursing-home stay, new Medicare):
    open now with no end we can compute; coverage from the first of next month."""
    effective = first_of_next_month(on)
    if effective.year != plan_year:
        return None
    return _window(code, on, None, effective, True)


def _yes_maybe(answer: str, yes: bool) -> Applies:
    if yes:
        return "yes"
    return "maybe" if answer == NOT_SURE else "no"


Candidate = tuple[str, Applies, Callable[[date, int], EnrollmentWindow | None]]


def _integrated_sep_applies(answers: Answers, plan: PlanFacts) -> Applies:
    """The integrated care SEP (42 CFR 423.38(c)(35), CMS-4205-F) is for full-benefit
    duals who are in, or are joining, the plan's affiliated Medicaid plan: CMS finalized
    it "with a narrower scope so that dually eligible individuals may use the SEP to enroll
    in a FIDE SNP, HIDE SNP, or AIP if they are enrolled in or in the process of enrolling
    in the sponsor's affiliated Medicaid managed care plan". Joining both at once is
    normal, so anyone who may have full Medicaid sees it, with that condition, unless the
    answers say they are already in the plan's own Medicaid plan."""
    medicaid = answers.medicaid
    if medicaid != NOT_SURE and not is_full_benefit(medicaid):
        return "no"
    in_aligned_plan = (
        plan.aligned_medicaid_plan_id is not None
        and answers.medicaid_plan == plan.aligned_medicaid_plan_id
    )
    return "yes" if is_full_benefit(medicaid) and in_aligned_plan else "maybe"


def _candidates(answers: Answers, plan: PlanFacts) -> tuple[Candidate, ...]:
    if plan.kind == "pace":
        return (("pace_monthly", "yes", lambda on, y: _monthly("pace_monthly", on, y)),)
    candidates: list[Candidate] = []
    if plan.is_integrated:
        # California's coordination-only AIPs count: the AIP flag, not the level, decides.
        candidates.append(
            (
                "integrated_monthly",
                _integrated_sep_applies(answers, plan),
                lambda on, y: _monthly("integrated_monthly", on, y),
            )
        )
    candidates += [
        (
            "medicaid_change",
            _yes_maybe(answers.medicaid_change, answers.medicaid_change == "yes"),
            lambda on, y: _event("medicaid_change", on, y),
        ),
        (
            "nursing_home",
            _yes_maybe(answers.nursing_home, answers.nursing_home == "yes"),
            lambda on, y: _event("nursing_home", on, y),
        ),
        (
            "icep",
            _yes_maybe(answers.coverage, answers.coverage == "new"),
            lambda on, y: _event("icep", on, y),
        ),
        (
            "ma_oep",
            _yes_maybe(answers.coverage, answers.coverage in ("ma", "dsnp")),
            _ma_oep,
        ),
        ("aep", "yes", _aep),
    ]
    return tuple(candidates)


# Among periods starting coverage on the same day, name first the one that can be used
# again: the MA Open Enrollment Period allows one change only, so a person should not be
# steered into spending it when a monthly period does the same.
_REUSABLE_FIRST: Final[Mapping[str, int]] = {
    "integrated_monthly": 0,
    "pace_monthly": 0,
    "nursing_home": 1,
    "medicaid_change": 2,
    "icep": 3,
    "aep": 4,
    "ma_oep": 5,
}


def _order(window: EnrollmentWindow) -> tuple[int, date, int, date]:
    """Open now without a condition, open now with one, the next period that will open,
    "ask your SHIP", then upcoming periods with a condition."""
    if window.code == "ask_ship":
        group = 3
    elif window.open_now:
        group = 0 if window.condition is None else 1
    else:
        group = 2 if window.condition is None else 4
    return (group, window.effective, _REUSABLE_FIRST.get(window.code, 9), window.opens)


def windows_for(answers: Answers, plan: PlanFacts) -> tuple[EnrollmentWindow, ...]:
    """Every period in which the person could join this plan, best first.

    Empty when no period can start coverage within the plan's year (for example this
    year's plan in late December: see next year's plan instead).
    """
    on = answers.date
    found: list[EnrollmentWindow] = []
    for code, applies, build in _candidates(answers, plan):
        if applies == "no":
            continue
        window = build(on, plan.plan_year)
        if window is None:
            continue
        if applies == "maybe":
            window = EnrollmentWindow(
                code=window.code,
                label=window.label,
                opens=window.opens,
                closes=window.closes,
                effective=window.effective,
                citations=window.citations,
                open_now=window.open_now,
                condition=_CONDITIONS[code],
            )
        found.append(window)
    certain = [w.effective for w in found if w.open_now and w.condition is None]
    if certain:
        # A period open now for sure: others matter only if they would start coverage
        # sooner (none can today, but an event period could if the rules change).
        soonest = min(certain)
        found = [w for w in found if (w.open_now and w.condition is None) or w.effective < soonest]
    elif plan.kind == "dsnp" and first_of_next_month(on).year == plan.plan_year:
        found.append(_window("ask_ship", on, None, first_of_next_month(on), False))
    found.sort(key=_order)
    return tuple(found)
