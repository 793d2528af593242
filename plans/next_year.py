"""What happens to a plan's members on January 1: one answer for the public pages.

It reads what the CMS Plan Crosswalk import (or an admin) recorded on the plan:
``next_year_change``, ``renews``, ``members_moved_to`` and the next plan's ID and name as
text. It never guesses: with no crosswalk and no admin decision the answer is
``unknown``. One query at most (next year's plan with the same ID, when the plan renews
and nothing names it); none when ``members_moved_to`` is already loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import NoReverseMatch, reverse

from plans.models import NextYearChange, Plan


class NextYearKind(StrEnum):
    RENEWS = "renews"  # the plan goes on; its members stay in it
    RENEWS_SMALLER_AREA = "renews_smaller_area"  # goes on, but leaves some counties
    MOVES = "moves"  # members are moved to another plan (or plans, by county)
    ENDS = "ends"  # the plan ends and names no plan for its members
    UNKNOWN = "unknown"  # no crosswalk yet, nothing decided


@dataclass(frozen=True)
class NextPlan:
    """A plan of the next year that takes the members, in the catalog or not."""

    plan_year: int
    cms_id: str
    name: str
    plan: Plan | None  # the catalog's row, when it has one
    url: str  # its public page, when it has one and it is published; else ""


@dataclass(frozen=True)
class NextYearInfo:
    kind: NextYearKind
    on: int  # the year whose January 1 this is about (the plan's year + 1)
    next_plans: tuple[NextPlan, ...]  # empty for ENDS and UNKNOWN

    @property
    def next_plan(self) -> NextPlan | None:
        """The one next plan, when there is exactly one."""
        return self.next_plans[0] if len(self.next_plans) == 1 else None


def _public_url(plan: Plan) -> str:
    if not plan.is_public():
        return ""
    try:
        return reverse("plan", kwargs={"plan_year": plan.plan_year, "plan_id": plan.cms_id})
    except NoReverseMatch:  # outside a language prefix (a shell without i18n active)
        return ""


def _from_catalog(plan: Plan) -> NextPlan:
    return NextPlan(plan.plan_year, plan.cms_id, plan.name, plan, _public_url(plan))


def _from_text(plan: Plan) -> tuple[NextPlan, ...]:
    """The next plans as the crosswalk named them, looked up in the catalog by ID."""
    ids = [i.strip() for i in plan.moved_to_id_text.split(",") if i.strip()]
    names = [n.strip() for n in plan.moved_to_name_text.split(";")]
    found = []
    for index, cms_id in enumerate(ids):
        row = (
            Plan.objects.filter(plan_year=plan.plan_year + 1, is_sample=plan.is_sample)
            .find_id(cms_id)
            .order_by("segment")
            .first()
        )
        if row is not None:
            found.append(_from_catalog(row))
        else:
            name = names[index] if index < len(names) else ""
            found.append(NextPlan(plan.plan_year + 1, cms_id, name, None, ""))
    return tuple(found)


def next_year_change_info(plan: Plan) -> NextYearInfo:
    """What happens to ``plan``'s members on January 1 of the next year."""
    on = plan.plan_year + 1
    change = plan.next_year_change
    if plan.members_moved_to_id is not None:
        return NextYearInfo(NextYearKind.MOVES, on, (_from_catalog(plan.members_moved_to),))
    if change == NextYearChange.CONSOLIDATED or (not plan.renews and plan.moved_to_id_text):
        next_plans = _from_text(plan)
        if next_plans:
            return NextYearInfo(NextYearKind.MOVES, on, next_plans)
    if not plan.renews:
        return NextYearInfo(NextYearKind.ENDS, on, ())
    if change in (NextYearChange.RENEWS, NextYearChange.RENEWS_SMALLER_AREA):
        same = Plan.objects.filter(
            plan_year=on,
            contract_id=plan.contract_id,
            pbp=plan.pbp,
            segment=plan.segment,
            is_sample=plan.is_sample,
        ).first()
        next_plans = (_from_catalog(same),) if same else _from_text(plan)
        kind = (
            NextYearKind.RENEWS
            if change == NextYearChange.RENEWS
            else NextYearKind.RENEWS_SMALLER_AREA
        )
        return NextYearInfo(kind, on, next_plans)
    return NextYearInfo(NextYearKind.UNKNOWN, on, ())
