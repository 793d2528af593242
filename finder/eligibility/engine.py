"""Put the rules and the periods together: one decision per plan, the results page."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from finder.eligibility.answers import PARTIAL_CATEGORIES, Answers, is_full_benefit
from finder.eligibility.facts import PlanFacts, StateFacts
from finder.eligibility.original_medicare import original_medicare_option
from finder.eligibility.outcomes import (
    Decision,
    EnrollmentWindow,
    Finding,
    Joining,
    Message,
    Results,
    Status,
    status_of,
)
from finder.eligibility.rules import RULES, Context, StateIndex
from finder.eligibility.windows import windows_for

_PLAN_YEAR_OVER = _(
    "There is no time left to join this plan before its year ends. Look at next year's "
    "plans instead."
)
_NO_PREMIUM = _("No monthly premium ($0).")
_ASK_SHIP = _("Ask your SHIP whether another period lets you join sooner.")
# People who get Extra Help automatically (DOMAIN.md): every full-benefit dual and QMB,
# SLMB and QI enrollees. "msp" could be QDWI, which does not, so it gets the plain wording.
_EXTRA_HELP_AUTOMATIC = PARTIAL_CATEGORIES - {"qdwi"}

type _WindowKey = tuple[str, bool, int, str | None]


def decide(answers: Answers, plan: PlanFacts, state: StateFacts) -> Decision:
    """The plan's status for the person, with every reason and the periods to join."""
    return _decide(answers, plan, StateIndex.of(state), {})


def when_to_join(answers: Answers, plan: PlanFacts) -> Joining:
    """The periods for one plan from the answers given (missing ones are "not sure"),
    without deciding the person's status: for pages about a plan rather than a person."""
    windows = windows_for(answers, plan)
    return Joining(
        window=windows[0] if windows else None, windows=windows, plan_year=plan.plan_year
    )


def decide_all(answers: Answers, plans: Iterable[PlanFacts], state: StateFacts) -> Results:
    """Decisions for the plans of the person's county, grouped by status.

    A plan whose service area does not include ``answers.county`` is dropped: it never
    appears (with no county, no plan can be placed, so none appears). The caller passes
    the plans of ``plan_years_in_view(answers.date)``; the order within each group is the
    order given.
    """
    index = StateIndex.of(state)
    windows_cache: dict[_WindowKey, tuple[EnrollmentWindow, ...]] = {}
    eligible: list[Decision] = []
    may_qualify: list[Decision] = []
    not_eligible: list[Decision] = []
    ending: list[Decision] = []
    county = answers.county
    for plan in plans:
        if county is None or county not in plan.service_area:
            continue
        decision = _decide(answers, plan, index, windows_cache)
        if decision.ending:
            ending.append(decision)
        elif decision.status is Status.ELIGIBLE:
            eligible.append(decision)
        elif decision.status is Status.MAY_QUALIFY:
            may_qualify.append(decision)
        else:
            not_eligible.append(decision)
    return Results(
        eligible=tuple(eligible),
        may_qualify=tuple(may_qualify),
        not_eligible=tuple(not_eligible),
        original_medicare=original_medicare_option(answers, state),
        on=answers.date,
        ending=tuple(ending),
    )


def _decide(
    answers: Answers,
    plan: PlanFacts,
    index: StateIndex,
    windows_cache: dict[_WindowKey, tuple[EnrollmentWindow, ...]],
) -> Decision:
    context = Context(answers=answers, plan=plan, index=index)
    findings: tuple[Finding, ...] = ()
    for rule in RULES:
        findings += rule(context)
    status = status_of(findings)
    # Periods depend only on the answers, the plan's kind, whether it is integrated, its
    # year and its aligned Medicaid plan: one computation serves every plan alike.
    key: _WindowKey = (
        plan.kind,
        plan.is_integrated,
        plan.plan_year,
        plan.aligned_medicaid_plan_id,
    )
    windows = windows_cache.get(key)
    if windows is None:
        windows = windows_for(answers, plan)
        windows_cache[key] = windows
    window = windows[0] if windows else None
    return Decision(
        plan_id=plan.id,
        status=status,
        findings=findings,
        next_steps=_next_steps(findings, window),
        window=window,
        windows=windows,
        premium_text=premium_text(answers, plan, index.state),
        plan_year=plan.plan_year,
    )


def _next_steps(
    findings: tuple[Finding, ...], window: EnrollmentWindow | None
) -> tuple[Message, ...]:
    steps: list[Message] = []
    seen: set[int] = set()
    for finding in findings:
        step = finding.next_step
        # Shared steps are module-level constants: the same object means the same words.
        if step is not None and finding.outcome != "pass" and id(step) not in seen:
            seen.add(id(step))
            steps.append(step)
    if window is None:
        steps.append(_PLAN_YEAR_OVER)
    elif window.code == "ask_ship":
        steps.append(_ASK_SHIP)
    return tuple(steps)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def premium_text(answers: Answers, plan: PlanFacts, state: StateFacts) -> Message | None:
    """The monthly premium in words: what a person with Extra Help pays first, the full
    premium second. Extra Help is named only where it exists (not in the territories), and
    said to be automatic only for people who get it automatically."""
    if plan.premium is None:
        return None
    with_help = plan.premium_with_extra_help
    if plan.kind != "dsnp" or not state.has_extra_help or with_help is None:
        return _premium_words(plan.premium, None, automatic=False)
    medicaid = answers.medicaid
    automatic = is_full_benefit(medicaid) or medicaid in _EXTRA_HELP_AUTOMATIC
    return _premium_words(plan.premium, with_help, automatic=automatic)


@lru_cache(maxsize=1024)
def _premium_words(premium: Decimal, with_help: Decimal | None, *, automatic: bool) -> Message:
    # Cached like the rules' words: the lazy message is resolved only when rendered.
    if premium == 0:
        return _NO_PREMIUM
    if with_help is None or with_help >= premium:
        return format_lazy(_("Monthly premium: {premium}."), premium=_money(premium))
    if automatic:
        return format_lazy(
            _(
                "With Extra Help, which you get automatically, you would pay {with_help} a "
                "month. The full premium is {premium}."
            ),
            premium=_money(premium),
            with_help=_money(with_help),
        )
    return format_lazy(
        _("With full Extra Help you would pay {with_help} a month. The full premium is {premium}."),
        premium=_money(premium),
        with_help=_money(with_help),
    )
