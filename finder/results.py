"""From a query string to decisions: shared by the results page and the JSON API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from finder.catalog import CountyCatalog, for_county
from finder.contacts import StateHelp, help_for_state
from finder.eligibility import (
    NOT_SURE,
    Answers,
    Results,
    decide_all,
    parse_answers,
    plan_years_in_view,
)
from finder.facts import has_sample_rows
from finder.location import Place, resolve_place

type Errors = dict[str, str | Promise]


@dataclass(frozen=True)
class ResultsContext:
    answers: Answers
    place: Place
    catalog: CountyCatalog
    results: Results
    plan_years: tuple[int, ...]
    help: StateHelp
    data_as_of: date | None
    sample_data: bool


def check_medicaid_plan(answers: Answers, catalog: CountyCatalog) -> Errors:
    if answers.medicaid_plan in ("none", NOT_SURE):
        return {}
    if answers.medicaid_plan in {p.code for p in catalog.medicaid_plans}:
        return {}
    return {"medicaid_plan": _("Please choose your Medicaid plan from the list.")}


def build(
    params: Mapping[str, str], *, today: date, require: Iterable[str] = ("county",)
) -> ResultsContext | Errors:
    """Every answer checked (formats, then the database), then one decision per plan."""
    parsed = parse_answers(params, today=today, require=require)
    if isinstance(parsed, dict):
        return dict(parsed)  # type: ignore[arg-type]
    place = resolve_place(parsed.zip, parsed.county)
    if isinstance(place, dict):
        return place
    answers = replace(parsed, county=place.county.fips)
    plan_years = plan_years_in_view(answers.date)
    catalog = for_county(place.county, plan_years)
    errors = check_medicaid_plan(answers, catalog)
    if errors:
        return errors
    results = decide_all(answers, catalog.plan_facts, catalog.state_facts)
    reviewed = [p.last_reviewed for p in catalog.plans.values() if p.last_reviewed]
    return ResultsContext(
        answers=answers,
        place=place,
        catalog=catalog,
        results=results,
        plan_years=plan_years,
        help=help_for_state(catalog.state),
        data_as_of=max(reviewed, default=None),
        sample_data=has_sample_rows(),
    )
