"""What happens to a member's plan on January 1: the words the results, plan and API
pages share, from what the CMS Plan Crosswalk or an admin recorded (plans/next_year.py).

Nothing here guesses: with no crosswalk and no admin decision the answer is "unknown",
and the page says to read the plan's letter about next year or ask the SHIP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from finder.eligibility.windows import AEP_CLOSES, AEP_OPENS, nonrenewal_period
from finder.results import ResultsContext
from plans.models import Plan
from plans.next_year import NextPlan, NextYearKind

Change = Literal["renews", "renews_smaller_area", "moves", "ends", "leaves_area", "unknown"]

# The rule behind each answer (finder/eligibility/citations.py).
CITATIONS: dict[Change, tuple[str, ...]] = {
    "renews": (),
    "renews_smaller_area": ("nonrenewal_sep",),
    "moves": ("aep",),
    "ends": ("nonrenewal_sep", "aep"),
    "leaves_area": ("nonrenewal_sep", "aep"),
    "unknown": (),
}


@dataclass(frozen=True)
class NextYearNotice:
    plan: Plan
    change: Change
    next_plan: NextPlan | None
    on: date  # the day the page is about

    @property
    def ends_on(self) -> date:
        return date(self.plan.plan_year, 12, 31)

    @property
    def january_first(self) -> date:
        return date(self.plan.plan_year + 1, 1, 1)

    @property
    def special_period(self) -> tuple[date, date] | None:
        """The non-renewal period, for members whose plan ends or leaves their area."""
        if self.change not in ("ends", "leaves_area", "renews_smaller_area"):
            return None
        return nonrenewal_period(self.plan.plan_year)

    @property
    def special_period_opens(self) -> date | None:
        period = self.special_period
        return period[0] if period else None

    @property
    def special_period_closes(self) -> date | None:
        period = self.special_period
        return period[1] if period else None

    @property
    def aep_open(self) -> bool:
        """Whether the Annual Enrollment Period for next year is open on ``on``."""
        year = self.plan.plan_year
        return date(year, *AEP_OPENS) <= self.on <= date(year, *AEP_CLOSES)

    @property
    def aep_closes(self) -> date:
        return date(self.plan.plan_year, *AEP_CLOSES)

    @property
    def citations(self) -> tuple[str, ...]:
        return CITATIONS[self.change]

    def as_json(self) -> dict[str, Any]:
        period = self.special_period
        next_plan = self.next_plan
        return {
            "cms_id": self.plan.cms_id,
            "plan_year": self.plan.plan_year,
            "name": self.plan.name,
            "next_year": {
                "change": self.change,
                "next_plan": None
                if next_plan is None
                else {
                    "cms_id": next_plan.cms_id,
                    "plan_year": next_plan.plan_year,
                    "name": next_plan.name or None,
                },
                "special_period": None
                if period is None
                else {"opens": period[0].isoformat(), "closes": period[1].isoformat()},
                "citations": list(self.citations),
            },
        }


def next_year_notice(plan: Plan, *, on: date, county_fips: str | None = None) -> NextYearNotice:
    """What happens to ``plan``'s members on January 1 of the next year, as seen on ``on``
    by a member living in ``county_fips`` (when known): a plan that goes on without that
    county leaves this member, who then gets the same special period as for a plan that
    ends (42 CFR 422.62(b)(1): "discontinued the plan in the area in which the individual
    resides")."""
    info = plan.next_year_change_info()
    change: Change
    if info.kind is NextYearKind.RENEWS:
        change = "renews"
    elif info.kind is NextYearKind.RENEWS_SMALLER_AREA:
        change = "renews_smaller_area"
        successor = info.next_plan.plan if info.next_plan else None
        if county_fips and successor is not None:
            serves = successor.service_areas.filter(county_id=county_fips).exists()
            change = "renews" if serves else "leaves_area"
    elif info.kind is NextYearKind.MOVES:
        change = "moves"
    elif info.kind is NextYearKind.ENDS:
        change = "ends"
    else:
        change = "unknown"
    return NextYearNotice(plan=plan, change=change, next_plan=info.next_plan, on=on)


def current_plan_notice(context: ResultsContext) -> NextYearNotice | None:
    """What happens on January 1 to the plan the person said they are in now (one of
    this year's plans of their county), or None when they named none."""
    wanted = context.answers.current_plan
    on = context.answers.date
    for plan in context.catalog.plans.values():
        if plan.cms_id == wanted and plan.plan_year == on.year:
            return next_year_notice(plan, on=on, county_fips=context.place.county.fips)
    return None
