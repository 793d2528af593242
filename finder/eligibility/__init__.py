"""The eligibility engine: which integrated plans a dual can join, when, and why.

Pure functions over plain data: no ORM, no request, no views or templates. The only
Django imports allowed here are ``gettext_lazy``/``pgettext_lazy`` and ``format_lazy``,
so every message is translatable and resolved when a page renders it.

Public API::

    parse_answers(params, *, today, require=("county",)) -> Answers | dict[str, Message]
    decide(answers, plan, state) -> Decision
    decide_all(answers, plans, state) -> Results
    original_medicare_option(answers, state) -> OriginalMedicareOption
    plan_years_in_view(on) -> tuple[int, ...]
    default_plan_year(on) -> int | None
    when_to_join(answers, plan) -> Joining

The rules and their citations: ``rules.py``, ``windows.py``, ``citations.py`` and
docs/citations.md; the answers vocabulary: ``answers.py`` and docs/answers.md.
"""

from __future__ import annotations

from finder.eligibility.answers import (
    AGE_BANDS,
    NOT_SURE,
    PARAMETERS,
    Answers,
    ParsedAnswers,
    is_full_benefit,
    is_partial_benefit,
    is_unknown_benefit,
    parse_answers,
)
from finder.eligibility.citations import CITATIONS, Citation
from finder.eligibility.engine import decide, decide_all, premium_text, when_to_join
from finder.eligibility.facts import MedicaidPlanFacts, PlanFacts, StateFacts
from finder.eligibility.original_medicare import original_medicare_option
from finder.eligibility.outcomes import (
    HELPERS,
    Decision,
    EnrollmentWindow,
    Finding,
    Helper,
    Joining,
    Message,
    OriginalMedicareOption,
    Outcome,
    Results,
    Status,
)
from finder.eligibility.windows import default_plan_year, plan_years_in_view, windows_for

__all__ = [
    "AGE_BANDS",
    "CITATIONS",
    "HELPERS",
    "NOT_SURE",
    "PARAMETERS",
    "Answers",
    "Citation",
    "Decision",
    "EnrollmentWindow",
    "Finding",
    "Helper",
    "Joining",
    "MedicaidPlanFacts",
    "Message",
    "OriginalMedicareOption",
    "Outcome",
    "ParsedAnswers",
    "PlanFacts",
    "Results",
    "StateFacts",
    "Status",
    "decide",
    "decide_all",
    "default_plan_year",
    "is_full_benefit",
    "is_partial_benefit",
    "is_unknown_benefit",
    "original_medicare_option",
    "parse_answers",
    "plan_years_in_view",
    "premium_text",
    "when_to_join",
    "windows_for",
]
