"""Regression: end-stage renal disease (ESRD) never excludes anyone.

42 CFR 422.50(a)(2) limits the old MA bar to "coverage before January 1, 2021". The
finder asks no ESRD question, and no rule, message or next step may present kidney
failure or dialysis as a reason to leave a plan out. This test runs every rule over a
wide grid of answers and plans and reads every word it produces.
"""

from __future__ import annotations

import itertools
import re

import pytest

from finder.eligibility import CITATIONS, PARAMETERS, decide_all, original_medicare_option
from finder.eligibility import rules as rules_module

from .builders import answers, dsnp, eae_dsnp, pace, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []

ESRD_WORDS = re.compile(r"\b(ESRD|end[- ]stage|renal|kidney|dialysis)\b", re.IGNORECASE)


def test_there_is_no_esrd_question() -> None:
    assert not any(ESRD_WORDS.search(name) for name in PARAMETERS)


def test_no_output_mentions_esrd() -> None:
    plans = [
        dsnp(),
        dsnp(id="co", integration_level="CO", sanctioned=True, age_min=21, age_max=64),
        eae_dsnp(id="eae", plan_year=2027),
        pace(id="pace", pace_waiting_list=True),
    ]
    texts: list[str] = []
    for medicare, medicaid, age, where in itertools.product(
        ("ab", "a_only", "neither", "not_sure"),
        ("qmb_plus", "full", "qmb", "msp", "none", "not_sure"),
        ("21-54", "65plus", "not_sure"),
        (state(), puerto_rico()),
    ):
        person = answers(medicare=medicare, medicaid=medicaid, age=age, medicaid_plan="none")
        results = decide_all(person, plans, where)
        for decision in results.all():
            for finding in decision.findings:
                texts += [str(finding.message), str(finding.next_step or "")]
            texts += [str(step) for step in decision.next_steps]
            texts += [str(w.label) + str(w.condition or "") for w in decision.windows]
        option = original_medicare_option(person, where)
        texts += [str(option.title), str(option.summary), *(str(p) for p in option.points)]
    assert texts
    assert [t for t in texts if ESRD_WORDS.search(t)] == []


def test_esrd_is_documented_only_as_not_a_bar() -> None:
    # The rules module says why there is no ESRD rule; the citation says what was read.
    assert "422.50(a)(2)" in (rules_module.__doc__ or "")
    assert "before January 1, 2021" in CITATIONS["ma_esrd"].note
    assert CITATIONS["ma_esrd"].verified
