"""Public pages. Function-based, one per URL, GET only: no session, cookie or CSRF token.

htmx only enhances: every form and link works as plain HTML. For htmx requests the
swappable region of the same template is rendered (``"page.html#partial"``).
"""

from __future__ import annotations

import hashlib
import html
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from finder import compare_table, facts, handout
from finder import results as results_module
from finder.catalog import plan_facts
from finder.eligibility import (
    CITATIONS,
    Answers,
    Decision,
    Finding,
    Joining,
    Status,
    default_plan_year,
    parse_answers,
    when_to_join,
)
from finder.location import Place
from finder.quality import plan_quality
from finder.questions import BY_NAME, QUESTIONS
from finder.repeated import REPEATED, repeated, repeated_message
from finder.results import ResultsContext
from finder.transition import NextYearNotice, current_plan_notice, next_year_notice
from finder.wizard import (
    STEPS,
    WizardState,
    answers_from,
    check_step,
    first_problem,
    next_step,
    previous_step,
    query_string,
    wizard_state,
)
from plans.models import CardTerm, ContractRating, DualCategory, Plan, PlanKind


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def hidden_inputs(fields: Iterable[tuple[str, str]], *, after: str = "") -> SafeString:
    """Hidden form fields, escaped as ``format_html`` escapes (``html.escape``, which is
    what Django's ``escape`` calls): a page writes one per answer, and format_html's
    per-field formatting was a tenth of a question page's view."""
    return mark_safe(  # noqa: S308 - every value escaped here
        "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">{after}'
            for name, value in fields
        )
    )


def _today() -> date:
    return facts.today()


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "finder/start.html", {"first_step": STEPS[0]})


# --- The wizard -----------------------------------------------------------------


def page_path(name: str, *args: str) -> str:
    """``reverse(name, args=args)`` for the wizard's few pages: the answer depends only on
    the language (the URL's prefix), the script prefix and the URL configuration."""
    return _reversed(name, args, get_language() or "", facts.script_prefix(), get_urlconf() or "")


@lru_cache(maxsize=256)
def _reversed(name: str, args: tuple[str, ...], language: str, prefix: str, urlconf: str) -> str:
    return reverse(name, args=args or None)


def step_url(step: str, answers: Mapping[str, str], *, back_to_results: bool = False) -> str:
    query = query_string(answers)
    if back_to_results:
        query = f"{query}&return=results" if query else "return=results"
    url = page_path("step", step)
    return f"{url}?{query}" if query else url


def results_url(answers: Mapping[str, str]) -> str:
    query = query_string(answers)
    return f"{page_path('results')}?{query}"


# The questions whose text or choices depend on the place (the county list, the ZIP's
# counties, the state's card terms, its Medicaid plans, the county's plans now).
PLACE_STEPS = frozenset({"county", "medicaid", "medicaid_plan", "current_plan"})


def _place_key(step: str, place: Place, selected_county: str, answers: Mapping[str, str]) -> str:
    """What a place-dependent question shows of the place, as a key of its kept part."""
    if step == "medicaid":
        return f"state:{place.county.state_id}"  # the state's card terms
    if step == "county":
        # The ZIP, the counties it reaches, the one chosen, and the state's county list.
        return "\x1f".join(
            (
                place.zip_code or "",
                ",".join(c.fips for c in place.zip_counties),
                selected_county,
                str(place.county.state_id),
            )
        )
    # The county's Medicaid plans, or its plans of the year in view on the answers' date.
    return f"county:{place.county.fips}\x1f{answers.get('date', '')}"


def _render_step(
    request: HtmxHttpRequest,
    step: str,
    answers: dict[str, str],
    state: WizardState,
    errors: Mapping[str, Any],
    *,
    return_to_results: bool = False,
    status: int = 200,
) -> HttpResponse:
    steps = state.steps(answers)
    number = steps.index(step) + 1 if step in steps else 1
    previous = previous_step(step, answers, state, steps=steps)
    context = {
        "question": BY_NAME[step],
        "step": step,
        "number": number,
        "total": len(steps),
        "total_is_estimate": state.count_is_estimate(answers),
        "answers": answers,
        # The earlier answers as hidden fields (written here, not in a template loop).
        "carried_inputs": hidden_inputs(
            ((k, v) for k, v in answers.items() if k != step), after="\n    "
        ),
        "value": answers.get(step, ""),
        "errors": errors,
        "error": next(iter(errors.values()), None) if errors else None,
        "back_url": step_url(previous, answers) if previous else page_path("start"),
        "return_to_results": return_to_results,
        "state": state,
        "counselor": answers.get("counselor") == "1",
        # Only the county question names the ZIP's counties.
        "zip_county_names": get_text_list(
            [c.name for c in state.place.zip_counties] if state.place else [], _("or")
        )
        if step == "county"
        else "",
        "selected_county": answers.get("county")
        or (state.place.county.fips if state.place else ""),
    }
    # The question's own part of the page is kept per step, answer, error and what it
    # shows of the place (answer_fragment in step.html): as little as that step shows, so
    # that people in other ZIP codes share it.
    if step in PLACE_STEPS and state.place is not None:
        context["place_key"] = _place_key(step, state.place, context["selected_county"], answers)
    if step == "medicaid" and state.place is not None:
        state_id = state.place.county.state_id
        context["card_terms"] = facts.cached(
            "card-terms", (state_id,), lambda: list(CardTerm.objects.filter(state_id=state_id))
        )
    template = "finder/step.html#wizard" if request.htmx else "finder/step.html"
    response = render(request, template, context, status=status)
    if request.htmx:
        response["HX-Push-Url"] = step_url(step, answers)
    return response


def _refuse_repeated(request: HtmxHttpRequest, today: date) -> HttpResponse | None:
    """A link that repeats a parameter: the first repeated question again, without either
    value and with a plain message; a plain 400 page when it is not an answer."""
    twice = repeated(request.GET)
    if not twice:
        return None
    answers = {k: v for k, v in answers_from(request.GET).items() if k not in twice}
    state = wizard_state(answers, today)
    question = next((s for s in STEPS if s in twice), None)
    if question is None or state.applies(question, answers) is False:
        return render(
            request,
            "finder/bad_link.html",
            {"errors": {n: repeated_message(n) for n in twice}, "retry_url": None},
            status=400,
        )
    return _render_step(
        request,
        question,
        answers,
        state,
        {question: REPEATED},
        status=200 if request.htmx else 400,
    )


@require_safe
def step(request: HtmxHttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such question")
    today = _today()
    if refused := _refuse_repeated(request, today):
        return refused
    answers = answers_from(request.GET)
    state = wizard_state(answers, today)
    previous = previous_step(step, answers, state)
    # Earlier answers must be usable before this question makes sense.
    problem = first_problem(answers, state, today, until=previous) if previous else None
    if problem is not None:
        return HttpResponseRedirect(step_url(problem[0], answers))
    if state.applies(step, answers) is False:
        following = next_step(step, answers, state)
        return HttpResponseRedirect(
            step_url(following, answers) if following else results_url(answers)
        )
    errors = check_step(step, answers, state, today) if step in answers else {}
    return _render_step(
        request,
        step,
        answers,
        state,
        errors,
        return_to_results=request.GET.get("return") == "results",
    )


@require_safe
def wizard_next(request: HtmxHttpRequest) -> HttpResponse:
    """Where each question's form goes: check the answer, then show what comes next."""
    today = _today()
    if refused := _refuse_repeated(request, today):
        return refused
    answers = answers_from(request.GET)
    current = request.GET.get("from", "")
    if current not in STEPS:
        return HttpResponseRedirect(step_url(STEPS[0], answers))
    if current == "zip" and "county" in answers:
        # A new ZIP: the person confirms the county again, unless it still fits.
        state = wizard_state({k: v for k, v in answers.items() if k != "county"}, today)
        if state.place is None or answers["county"] not in {
            c.fips for c in (*state.place.zip_counties, *state.state_counties)
        }:
            answers.pop("county")
    state = wizard_state(answers, today)
    return_to_results = request.GET.get("return") == "results"
    problem = first_problem(answers, state, today, until=current)
    if problem is not None:
        return _render_step(
            request, problem[0], answers, state, problem[1], return_to_results=return_to_results
        )
    following: str | None
    if current == "zip":
        following = "county"  # always confirm the county a ZIP suggests
    elif return_to_results:
        remaining = first_problem(answers, state, today)
        following = remaining[0] if remaining else None
    else:
        following = next_step(current, answers, state)
    if following is None:
        url = results_url(answers)
        return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
    if request.htmx:
        return _render_step(
            request, following, answers, state, {}, return_to_results=return_to_results
        )
    return HttpResponseRedirect(step_url(following, answers, back_to_results=return_to_results))


# --- Results --------------------------------------------------------------------


SORTS = ("shuffle", "stars", "cost")
ENDING = "ending"
# The year filter's value for "every plan year in view", when the default is one year.
ALL_YEARS = "all"


@dataclass(frozen=True)
class PlanRow:
    decision: Decision
    plan: Plan
    rating: ContractRating | None
    cost: Decimal | None

    @property
    def open_findings(self) -> list[Finding]:
        """The reasons a person needs to read: every rule that did not simply pass."""
        return [f for f in self.decision.findings if f.outcome != "pass"]


@dataclass(frozen=True)
class KindGroup:
    kind: str
    rows: list[PlanRow]


@dataclass(frozen=True)
class StatusGroup:
    status: str
    kinds: list[KindGroup]
    count: int


def _gets_extra_help(context: ResultsContext) -> bool:
    return context.catalog.state_facts.has_extra_help and context.answers.medicaid not in (
        "none",
        "not_sure",
        "qdwi",
    )


def neutral_order(rows: list[PlanRow], seed_text: str, sort: str) -> list[PlanRow]:
    """A stable shuffle seeded by the results URL, never the sponsor's name; or the
    person's chosen order (stars, then cost), with the shuffle breaking ties."""
    if not rows:
        return []
    seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big")
    shuffled = sorted(rows, key=lambda r: r.plan.pk)
    random.Random(seed).shuffle(shuffled)
    if sort == "stars":
        return sorted(shuffled, key=lambda r: -(r.rating.overall or 0) if r.rating else 1)
    if sort == "cost":
        return sorted(shuffled, key=lambda r: (r.cost is None, r.cost or 0))
    return shuffled


def _ratings(plans: Mapping[str, Plan]) -> dict[str, ContractRating]:
    contracts = sorted({p.contract_id for p in plans.values()})
    return facts.cached("ratings", tuple(contracts), lambda: _read_ratings(contracts))


def _read_ratings(contracts: list[str]) -> dict[str, ContractRating]:
    newest: dict[str, ContractRating] = {}
    for rating in ContractRating.objects.filter(contract_id__in=contracts).order_by("star_year"):
        newest[rating.contract_id] = rating
    return newest


def _status_groups(
    context: ResultsContext, sort: str, seed: str, year: int | None
) -> list[StatusGroup]:
    plans = context.catalog.plans
    ratings = _ratings(plans)
    extra_help = _gets_extra_help(context)
    groups = []
    for status, decisions in (
        (Status.ELIGIBLE.value, context.results.eligible),
        (Status.MAY_QUALIFY.value, context.results.may_qualify),
        (Status.NOT_ELIGIBLE.value, context.results.not_eligible),
        # Below every plan one can join or is left out of: plans nobody can join any more.
        (ENDING, context.results.ending),
    ):
        rows = []
        for decision in decisions:
            plan = plans[decision.plan_id]
            if year is not None and plan.plan_year != year:
                continue
            cost = plan.premium_with_extra_help if extra_help else plan.premium
            rows.append(PlanRow(decision, plan, ratings.get(plan.contract_id), cost))
        ordered = neutral_order(rows, seed, sort)
        kinds = [
            KindGroup(kind, [r for r in ordered if r.plan.kind == kind])
            for kind in (PlanKind.DSNP, PlanKind.PACE)
        ]
        groups.append(StatusGroup(status, [k for k in kinds if k.rows], count=len(rows)))
    return groups


# Stands for a question's name in the one reversed step URL (see _change_links).
_STEP_SLOT = "step-slot"


def _change_links(query: str) -> dict[str, str]:
    """Each question's "Change" link back to these results (``step_url`` with
    ``back_to_results``), from one URL reversal rather than one per question."""
    prefix = reverse("step", args=[_STEP_SLOT])
    suffix = f"?{query}&return=results" if query else "?return=results"
    return {name: prefix.replace(_STEP_SLOT, name, 1) + suffix for name in STEPS}


def without_counselor(query: str) -> str:
    return "&".join(part for part in query.split("&") if part and part != "counselor=1")


def _step_of(errors: Mapping[str, Any]) -> str | None:
    return next((s for s in STEPS if s in errors), None)


@require_safe
def results(request: HtmxHttpRequest) -> HttpResponse:
    if refused := _refuse_repeated(request, _today()):
        return refused
    answers = answers_from(request.GET)
    outcome = results_module.build(answers, today=_today())
    if not isinstance(outcome, ResultsContext):
        broken = _step_of(outcome)
        if broken is not None:
            return HttpResponseRedirect(step_url(broken, answers))
        return render(
            request,
            "finder/bad_link.html",
            {"errors": outcome, "retry_url": results_url({**answers, "date": ""})},
            status=400,
        )
    sort = request.GET.get("sort", "shuffle")
    if sort not in SORTS:
        sort = "shuffle"
    seed = query_string(answers)
    default_year = default_plan_year(outcome.answers.date)
    year_text = request.GET.get("year", "")
    if year_text.isdigit() and int(year_text) in outcome.plan_years:
        year: int | None = int(year_text)
    elif year_text == ALL_YEARS:
        year = None
    else:
        year = default_year
    groups = _status_groups(outcome, sort, seed, year)
    option = outcome.results.original_medicare
    context = {
        "ctx": outcome,
        "answers": answers,
        # The answers as hidden fields, for the two forms of the page.
        "hidden_answers": hidden_inputs(answers.items()),
        "groups": groups,
        "shown": sum(g.count for g in groups),
        "eligible_shown": groups[0].count,
        "ending_shown": groups[-1].count,
        "ending_on": date(outcome.plan_years[0], 12, 31),
        "year": year,
        "default_year": default_year,
        "sort": sort,
        "sorts": SORTS,
        "query": seed,
        # Reversed once: the page links to itself from the year filter, the sort form and
        # the view switch.
        "results_path": (results_path := page_path("results")),
        # The link between the standard and the counselor view (kept in a slot of the
        # page's last section).
        "view_switch_url": (
            f"{results_path}?{without_counselor(seed)}"
            if answers.get("counselor") == "1"
            else f"{results_path}?{seed}&counselor=1"
        ),
        "counselor": answers.get("counselor") == "1",
        "summary": _answer_summary(answers, outcome),
        "short_summary": _short_summary(answers, outcome),
        "citations": CITATIONS,
        "change_links": _change_links(seed),
        "current_notice": current_plan_notice(outcome),
        # Its section is kept per wording (answer_fragment in results.html): the words
        # in this language are what it shows.
        "original_medicare_key": "\x1f".join(
            (str(option.title), str(option.summary), *map(str, option.points), "\x1e")
            + option.citations
        ),
    }
    template = "finder/results.html#results" if request.htmx else "finder/results.html"
    return render(request, template, context)


# A handout lists the plans a counselor and the person talked about; every plan of one
# county's results fits (the demo's Miami-Dade has 12), a longer list is a tampered link.
MAX_HANDOUT_PLANS = 40


@require_safe
def results_print(request: HtmxHttpRequest) -> HttpResponse:
    """A one-page summary to print, from the URL alone: the picked plans of these results,
    the Original Medicare option, the answers, the SHIP and a link (and QR code) to reopen
    the results. It asks for nothing and keeps nothing."""
    answers = answers_from(request.GET)
    outcome = results_module.build(answers, today=_today())
    if not isinstance(outcome, ResultsContext):
        broken = _step_of(outcome)
        if broken is not None:
            return HttpResponseRedirect(step_url(broken, answers))
        return render(
            request,
            "finder/bad_link.html",
            {"errors": outcome, "retry_url": results_url({**answers, "date": ""})},
            status=400,
        )
    wanted = list(dict.fromkeys(p for p in request.GET.getlist("plan") if p))
    picked = handout.pick_rows(outcome, wanted[: MAX_HANDOUT_PLANS + 1])
    back_url = results_url({**answers, "counselor": "1"})
    if isinstance(picked, str) or len(wanted) > MAX_HANDOUT_PLANS:
        message = picked if isinstance(picked, str) else _("This link names too many plans.")
        return render(
            request,
            "finder/bad_link.html",
            {"errors": {"plan": message}, "results_url": back_url},
            status=400,
        )
    extra_help = _gets_extra_help(outcome)
    ratings = _ratings({d.plan_id: outcome.catalog.plans[d.plan_id] for d, _s in picked})
    rows = []
    for decision, status in picked:
        plan = outcome.catalog.plans[decision.plan_id]
        cost = plan.premium_with_extra_help if extra_help else plan.premium
        rows.append((status, PlanRow(decision, plan, ratings.get(plan.contract_id), cost)))
    # The person's own link: the standard view, whoever printed it.
    person = {k: v for k, v in answers.items() if k != "counselor"}
    reopen = request.build_absolute_uri(results_url(person))
    return render(
        request,
        "finder/results_print.html",
        {
            "ctx": outcome,
            "answers": answers,
            "rows": rows,
            "kinds_to_join": handout.kinds_to_join(rows),
            "summary": _answer_summary(answers, outcome),
            "reopen_url": reopen,
            "reopen_qr": handout.qr_svg(reopen),
            "back_url": back_url,
            "counselor": True,
            "query": query_string(person),
        },
    )


def _short_summary(answers: Mapping[str, str], ctx: ResultsContext) -> list[str]:
    """The answers that decide the most, in a few words: "Full Medicaid · 65 or older ·
    Miami-Dade County". The full list is one click away."""
    parts = []
    for question in (BY_NAME["medicaid"], BY_NAME["age"]):
        value = answers.get(question.name)
        if value is None:
            continue
        label = next((str(c.label) for c in question.choices if c.value == value), value)
        # "I'm not sure" alone would not say about what.
        parts.append(f"{question.title}: {label}" if value == "not_sure" else label)
    parts.append(ctx.place.county.name)
    return parts


def _answer_summary(answers: Mapping[str, str], ctx: ResultsContext) -> list[tuple[str, str, str]]:
    """(step, question title, answer label) for the answers given, for the handout."""
    rows = []
    for question in QUESTIONS:
        value = answers.get(question.name)
        if value is None:
            continue
        if question.name == "county":
            label = f"{ctx.place.county.name}, {ctx.catalog.state.name}"
        elif question.name == "medicaid_plan":
            names = {p.code: p.name for p in ctx.catalog.medicaid_plans}
            label = names.get(value) or str(
                _("Fee-for-service Medicaid (no plan)") if value == "none" else _("I'm not sure")
            )
        else:
            label = _choice_label(get_language() or "", question.name, value)
        rows.append((question.name, _question_title(get_language() or "", question.name), label))
    return rows


# The words of a question and its choices in one language: the catalogs are loaded once per
# process, so each is translated once, not on every results page.
@lru_cache(maxsize=512)
def _choice_label(language: str, name: str, value: str) -> str:
    question = BY_NAME[name]
    return next((str(c.label) for c in question.choices if c.value == value), value)


@lru_cache(maxsize=64)
def _question_title(language: str, name: str) -> str:
    return str(BY_NAME[name].title)


# --- Plans, compare, counselor -----------------------------------------------------

_CATEGORY_LABELS = dict(DualCategory.choices)


@dataclass(frozen=True)
class PlanDescription:
    plan: Plan
    who_can_join: list[str]
    services: list[str]


def describe(plan: Plan) -> PlanDescription:
    """A plan's eligibility rules and Medicaid services as plain sentences."""
    who: list[str] = []
    if plan.kind == PlanKind.DSNP:
        if plan.dual_categories_from_state:
            who.append(_("People with Medicare and the kinds of Medicaid the state allows."))
        else:
            labels = [
                str(_CATEGORY_LABELS[c])
                for c in DualCategory.values
                if c in plan.own_dual_categories()
            ]
            who.append(_("People with Medicare and: %(kinds)s.") % {"kinds": "; ".join(labels)})
    if plan.age_min is not None and plan.age_max is not None:
        who.append(_("Ages %(low)s to %(high)s.") % {"low": plan.age_min, "high": plan.age_max})
    elif plan.age_min is not None:
        who.append(_("Age %(low)s or older.") % {"low": plan.age_min})
    elif plan.age_max is not None:
        who.append(_("Age %(high)s or younger.") % {"high": plan.age_max})
    if plan.age_max is not None and plan.age_limits_at_enrollment:
        who.append(_("The age limit applies when you join; members may stay after."))
    if plan.requires_nursing_home_level_of_care:
        who.append(_("The state must find that you need the level of care a nursing home gives."))
    if plan.pace_waiting_list:
        who.append(_("It has a waiting list."))
    services = [
        str(label)
        for flag, label in (
            (plan.covers_medicare_cost_sharing, _("Medicare costs (deductibles and copays)")),
            (plan.covers_ltss, _("long-term care and help at home")),
            (plan.covers_behavioral_health, _("mental health and substance use care")),
            (plan.covers_home_health, _("home health")),
            (plan.covers_medical_equipment, _("medical equipment")),
        )
        if flag
    ]
    return PlanDescription(plan=plan, who_can_join=who, services=services)


def _published_plan(plan_year: int, plan_id: str) -> Plan:
    # Kept per catalog version (finder/facts.py), like the results page's plans: the
    # plan and what its page reads (5 queries) change only when the catalog does.
    plan = facts.cached(
        "published-plan", (plan_year, plan_id), lambda: _read_published_plan(plan_year, plan_id)
    )
    if plan is None:
        raise Http404("No such published plan")
    return plan


def _read_published_plan(plan_year: int, plan_id: str) -> Plan | None:
    return (
        Plan.objects.published()
        .for_year(plan_year)
        .find_id(plan_id)
        .select_related("organization__parent", "aligned_medicaid_plan")
        .prefetch_related("service_areas__county__state", "supplemental_benefits")
        .first()
    )


def _page_answers(answers: Mapping[str, str]) -> Answers:
    """The answers as a plan or compare page reads them: an answer that is not valid is
    left out (it counts as "not sure", so no period is hidden); the date in view stays."""
    today = _today()
    parsed = parse_answers(answers, today=today, require=())
    if isinstance(parsed, dict):
        valid = {k: v for k, v in answers.items() if k not in parsed}
        parsed = parse_answers(valid, today=today, require=())
    assert not isinstance(parsed, dict)  # every remaining answer parsed once already
    return parsed


def _joining(person: Answers, plan: Plan) -> Joining:
    """When this person could join the plan, on the date in view."""
    return when_to_join(person, plan_facts(plan))


def _plan_next_year(plan: Plan, person: Answers) -> NextYearNotice | None:
    """For the plan page: what happens on January 1, once the crosswalk or an admin has
    said (nothing is shown while it is unknown)."""
    on, county = person.date, person.county
    notice = facts.cached(
        "plan-next-year",
        (plan.pk, on, county or ""),
        lambda: next_year_notice(plan, on=on, county_fips=county),
    )
    return None if notice.change == "unknown" else notice


@require_safe
def plan_detail(request: HttpRequest, plan_year: int, plan_id: str) -> HttpResponse:
    plan = _published_plan(plan_year, plan_id)
    answers = answers_from(request.GET)
    person = _page_answers(answers)
    ratings = _ratings({"x": plan})
    return render(
        request,
        "finder/plan.html",
        {
            "plan": plan,
            "description": describe(plan),
            "joining": _joining(person, plan),
            "next_year": _plan_next_year(plan, person),
            "citations": CITATIONS,
            "counselor": answers.get("counselor") == "1",
            "rating": ratings.get(plan.contract_id),
            # The measures and medians change only with the catalog (and the words with
            # the language): kept per version like the plan itself.
            "quality": facts.cached(
                "plan-quality",
                (plan.pk, get_language()),
                lambda: plan_quality([plan], ratings)[plan.pk],
            ),
            "answers": answers,
            "back_url": results_url(answers) if "county" in answers else None,
            "counties": sorted((a.county for a in plan.service_areas.all()), key=lambda c: c.name),
            "zip_limits": [a for a in plan.service_areas.all() if a.zip_codes],
        },
    )


MAX_COMPARE = 3


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    answers = answers_from(request.GET)
    person = _page_answers(answers)
    wanted = [p for p in request.GET.getlist("plan") if p][: MAX_COMPARE + 1]
    plans: list[Plan] = []
    problems: list[str] = []
    for item in wanted[:MAX_COMPARE]:
        year_text, _sep, plan_id = item.partition(":")
        if not year_text.isdigit() or not plan_id:
            problems.append(item[:40])
            continue
        try:
            plans.append(_published_plan(int(year_text), plan_id))
        except Http404:
            problems.append(item[:40])
    ratings = _ratings({str(p.pk): p for p in plans})
    qualities = plan_quality(plans, ratings)
    return render(
        request,
        "finder/compare.html",
        {
            "plans": plans,
            "descriptions": [describe(plan) for plan in plans],
            "joinings": [_joining(person, plan) for plan in plans],
            "benefit_rows": compare_table.benefit_rows(plans),
            "quality_rows": compare_table.quality_rows([qualities[p.pk] for p in plans]),
            "any_aligned": any(p.exclusively_aligned for p in plans),
            "any_carve_outs": any(p.carve_outs for p in plans),
            "quality_states": sorted({s for q in qualities.values() for s in q.states}),
            "too_many": len(wanted) > MAX_COMPARE,
            "problems": problems,
            "answers": answers,
            "back_url": results_url(answers) if "county" in answers else None,
        },
        status=200 if plans or not wanted else 400,
    )


@require_safe
def counselor(request: HttpRequest) -> HttpResponse:
    """One page with every question, for SHIP counselors; lookup by contract-PBP."""
    twice = repeated(request.GET)
    # A repeated answer is left blank, with the message beside its question.
    answers = {k: v for k, v in answers_from(request.GET).items() if k not in twice}
    lookup = "" if "plan_id" in twice else request.GET.get("plan_id", "").strip()[:20]
    found: list[Plan] = []
    if lookup:
        found = list(Plan.objects.published().find_id(lookup).select_related("organization")[:10])
    state = wizard_state(answers, _today())
    errors: Mapping[str, Any] = {n: REPEATED if n in STEPS else repeated_message(n) for n in twice}
    if request.GET.get("go") and not errors:
        outcome = results_module.build(answers, today=_today())
        if isinstance(outcome, ResultsContext):
            return HttpResponseRedirect(results_url({**answers, "counselor": "1"}))
        errors = outcome
    return render(
        request,
        "finder/counselor.html",
        {
            "questions": [q for q in QUESTIONS if q.choices],
            "answers": answers,
            "lookup": lookup,
            "found": found,
            "state": state,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
