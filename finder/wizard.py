"""The wizard's steps: which apply, which comes next, and what is wrong with an answer.

Answers live only in the query string (names and values of docs/answers.md). Each step
is a GET form carrying the earlier answers along; nothing is stored. A tampered value
sends the person back to that step with a plain message, never to an error page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from finder import facts
from finder.catalog import newest_per_code
from finder.eligibility import PARAMETERS, parse_answers, plan_years_in_view
from finder.eligibility.answers import PARTIAL_ANSWERS
from finder.location import Place, resolve_place
from finder.questions import BY_NAME, QUESTIONS, Question
from plans.models import County, MedicaidPlan, Plan, PlanKind

STEPS: tuple[str, ...] = tuple(q.name for q in QUESTIONS)
# Steps shown only when they can change an answer.
CONDITIONAL = frozenset({"current_plan", "medicaid_plan", "care_needs"})
# Who is asked which plan they are in now: people who said they are in a D-SNP or PACE,
# or are not sure how they get Medicare.
_MAY_BE_MEMBERS = frozenset({"dsnp", "pace", "not_sure"})
# Flags that travel with the answers but are not answers.
CARRIED = ("counselor",)
_UNDER_55 = frozenset({"under18", "18-20", "21-54"})

_CHOOSE = _("Please choose an answer. If you don't know, choose \"I'm not sure\".")
_ZIP_FORMAT = _("Enter your 5-digit ZIP code, for example 33125.")

type Errors = dict[str, str | Promise]


def answers_from(query: Mapping[str, list[str]] | object) -> dict[str, str]:
    """The known answers of a query string: one value each (the last), blanks dropped."""
    getlist = getattr(query, "getlist", None)
    found: dict[str, str] = {}
    for name in (*PARAMETERS, *CARRIED):
        values = getlist(name) if getlist else []
        if values and values[-1].strip():
            found[name] = values[-1].strip()
    return found


def query_string(answers: Mapping[str, str], *, drop: tuple[str, ...] = ()) -> str:
    """Answers in the fixed order of the vocabulary, so equal answers give equal URLs."""
    ordered = [(n, answers[n]) for n in (*PARAMETERS, *CARRIED) if n in answers and n not in drop]
    return urlencode(ordered)


@dataclass(frozen=True)
class WizardState:
    """What the wizard knows about the place, to tell which steps apply."""

    place: Place | None
    medicaid_plans: tuple[MedicaidPlan, ...]
    has_pace: bool
    state_counties: tuple[County, ...]
    # This year's published D-SNPs and PACE plans of the county, for "your plan now".
    current_plans: tuple[Plan, ...] = ()

    def applies(self, step: str, answers: Mapping[str, str]) -> bool | None:
        """Whether a step applies; None while it cannot be known yet (no county)."""
        if step not in CONDITIONAL:
            return True
        if self.place is None:
            return None
        if step == "current_plan":
            if not self.current_plans:
                return False
            coverage = answers.get("coverage")
            return None if coverage is None else coverage in _MAY_BE_MEMBERS
        if step == "medicaid_plan":
            if not self.medicaid_plans:
                return False
            medicaid = answers.get("medicaid")
            if medicaid is None:
                return None
            return medicaid != "none" and medicaid not in PARTIAL_ANSWERS
        if not self.has_pace:
            return False
        age = answers.get("age")
        return None if age is None else age not in _UNDER_55

    def steps(self, answers: Mapping[str, str]) -> list[str]:
        return [s for s in STEPS if self.applies(s, answers) is not False]

    def count_is_estimate(self, answers: Mapping[str, str]) -> bool:
        return any(self.applies(s, answers) is None for s in STEPS)


def wizard_state(answers: Mapping[str, str], today: date) -> WizardState:
    """Look up the place and what it offers; a bad ZIP or county just means 'not known yet'."""
    parsed = parse_answers(
        {k: v for k, v in answers.items() if k in ("zip", "county")}, today=today, require=()
    )
    place: Place | None = None
    if not isinstance(parsed, dict) and (parsed.zip or parsed.county):
        resolved = resolve_place(parsed.zip, parsed.county)
        if isinstance(resolved, dict) and parsed.zip:
            # The county does not fit the ZIP: offer the ZIP's own counties to choose from.
            resolved = resolve_place(parsed.zip, None)
        place = None if isinstance(resolved, dict) else resolved
    if place is None:
        return WizardState(place=None, medicaid_plans=(), has_pace=False, state_counties=())
    years = plan_years_in_view(_answer_date(answers, today))
    medicaid_plans, has_pace, state_counties, current_plans = facts.cached(
        "wizard", (place.county.fips, *years), lambda: _county_facts(place.county, years)
    )
    return WizardState(
        place=place,
        medicaid_plans=medicaid_plans,
        has_pace=has_pace,
        state_counties=state_counties,
        current_plans=current_plans,
    )


def _county_facts(
    county: County, years: Sequence[int]
) -> tuple[tuple[MedicaidPlan, ...], bool, tuple[County, ...], tuple[Plan, ...]]:
    """What the questions need to know of a county: read once per catalog version."""
    medicaid_plans = newest_per_code(
        MedicaidPlan.objects.published().filter(plan_year__in=years).serving(county)
    )
    # One query for both: whether PACE serves here, and the plans a member may be in now.
    plans = list(
        Plan.objects.published()
        .for_year_in(years)
        .available_in(county)
        .only("pk", "kind", "plan_year", "contract_id", "pbp", "segment", "name")
        .order_by("name", "contract_id", "pbp", "segment")
    )
    has_pace = any(p.kind == PlanKind.PACE for p in plans)
    # A member's plan now is one of this year's (the first year in view).
    current_plans = tuple(p for p in plans if p.plan_year == years[0])
    # Only counties some ZIP reaches: Connecticut's planning regions are loaded for importers
    # but no ZIP points to them, and a person must not see both forms of the same place.
    state_counties = tuple(
        County.objects.filter(state_id=county.state_id, zip_codes__isnull=False)
        .distinct()
        .order_by("name")
    )
    return medicaid_plans, has_pace, state_counties, current_plans


def _answer_date(answers: Mapping[str, str], today: date) -> date:
    parsed = parse_answers({"date": answers.get("date", "")}, today=today, require=())
    return today if isinstance(parsed, dict) else parsed.date


def check_step(step: str, answers: Mapping[str, str], state: WizardState, today: date) -> Errors:
    """What is wrong with the answer to one step (empty when it is fine)."""
    value = answers.get(step)
    question: Question = BY_NAME[step]
    if step == "zip":
        if value is None:
            return {"zip": _ZIP_FORMAT}
        parsed = parse_answers({"zip": value}, today=today, require=())
        if isinstance(parsed, dict):
            return {"zip": _ZIP_FORMAT}
        resolved = resolve_place(value, None)
        return resolved if isinstance(resolved, dict) else {}
    if step == "county":
        if value is None:
            return {"county": _("Please choose your county.")}
        parsed = parse_answers(
            {"zip": answers.get("zip", ""), "county": value}, today=today, require=()
        )
        if isinstance(parsed, dict):
            return dict(parsed)  # type: ignore[arg-type]
        resolved = resolve_place(parsed.zip, parsed.county)
        return resolved if isinstance(resolved, dict) else {}
    if value is None:
        # Optional: a person who skips it is asked nothing more about their plan.
        return {} if step == "current_plan" else {step: _CHOOSE}
    if step == "current_plan":
        ids = {p.cms_id for p in state.current_plans} | {"none", "not_sure"}
        return {} if value in ids else {step: _("Please choose your plan from the list.")}
    if step == "medicaid_plan":
        codes = {p.code for p in state.medicaid_plans} | {"none", "not_sure"}
        return (
            {} if value in codes else {step: _("Please choose your Medicaid plan from the list.")}
        )
    if value not in {c.value for c in question.choices}:
        return {step: _("This is not one of the answers. Please choose again.")}
    return {}


def first_problem(
    answers: Mapping[str, str], state: WizardState, today: date, *, until: str | None = None
) -> tuple[str, Errors] | None:
    """The first applicable step, up to ``until``, that is unanswered or wrong."""
    for step in state.steps(answers):
        errors = check_step(step, answers, state, today)
        if errors:
            return step, errors
        if step == until:
            break
    return None


def next_step(step: str, answers: Mapping[str, str], state: WizardState) -> str | None:
    """The step after ``step`` that applies, or None when the results come next."""
    steps = state.steps(answers)
    later = STEPS[STEPS.index(step) + 1 :]
    return next((s for s in later if s in steps), None)


def previous_step(
    step: str,
    answers: Mapping[str, str],
    state: WizardState,
    *,
    steps: list[str] | None = None,
) -> str | None:
    """The step before ``step`` that applies; ``steps``: ``state.steps(answers)`` when the
    caller has it already."""
    if steps is None:
        steps = state.steps(answers)
    earlier = STEPS[: STEPS.index(step)]
    return next((s for s in reversed(earlier) if s in steps), None)
