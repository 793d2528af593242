"""Every citation id any rule or period names exists in CITATIONS, every entry is used,
and docs/citations.md lists every id with its paragraph."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.conf import settings

from finder.eligibility import CITATIONS, decide_all, original_medicare_option
from finder.transition import CITATIONS as TRANSITION_CITATIONS

from .builders import ALIGNED, OTHER_MEDICAID, answers, dsnp, eae_dsnp, pace, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []

DOCS = Path(settings.BASE_DIR) / "docs" / "citations.md"


def used_ids() -> set[str]:
    """Citation ids named by findings, periods and the Original Medicare option over a grid
    that reaches every rule branch."""
    plans = [
        dsnp(id="hide", age_min=21, age_max=64, requires_nursing_home_level_of_care=True),
        dsnp(
            id="co",
            integration_level="CO",
            sanctioned=True,
            plan_year=2027,
            parent_id=ALIGNED.parent_id,
        ),
        eae_dsnp(id="eae"),
        pace(
            id="pace",
            pace_waiting_list=True,
            sanctioned=True,
            service_area={"06037": frozenset({"90012"})},
        ),
    ]
    ids: set[str] = set()
    for medicare, medicaid, medicaid_plan, coverage, change, home, on, where in itertools.product(
        ("ab", "a_only", "not_sure"),
        ("qmb_plus", "full", "qmb", "qdwi", "msp", "none", "not_sure"),
        ("none", OTHER_MEDICAID.id),
        ("ma", "new", "original"),
        ("yes", "not_sure"),
        ("yes", "not_sure"),
        (answers().date, answers().date.replace(month=2), answers().date.replace(month=12)),
        (state(medicaid_plan_lock_in=True), puerto_rico()),
    ):
        person = answers(
            medicare=medicare,
            medicaid=medicaid,
            medicaid_plan=medicaid_plan,
            coverage=coverage,
            medicaid_change=change,
            nursing_home=home,
            date=on,
            zip=None,
        )
        results = decide_all(person, plans, where)
        for decision in results.all():
            for finding in decision.findings:
                ids.update(finding.citations)
            for window in decision.windows:
                ids.update(window.citations)
        ids.update(original_medicare_option(person, where).citations)
    # What a member hears about their plan's next year (finder/transition.py).
    ids.update(cid for cited in TRANSITION_CITATIONS.values() for cid in cited)
    return ids


def test_every_cited_id_exists() -> None:
    assert used_ids() - set(CITATIONS) == set()


# Cited in rules.py's docstring and the docs to say why there is no rule at all.
DOCUMENTS_AN_ABSENCE = {"ma_esrd"}


def test_every_citation_is_used() -> None:
    assert set(CITATIONS) - used_ids() == DOCUMENTS_AN_ABSENCE


def test_citations_are_complete_records() -> None:
    for key, citation in CITATIONS.items():
        assert citation.id == key
        assert citation.title and citation.source and citation.note
        assert citation.url.startswith("https://")


def test_docs_list_every_citation_with_its_paragraph() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key, citation in CITATIONS.items():
        rows = [line for line in text.splitlines() if line.startswith(f"| `{key}` |")]
        assert rows, f"docs/citations.md does not list {key}"
        assert citation.source in rows[0], f"docs/citations.md: {key} should cite {citation.source}"
        if citation.verified:
            assert "| verified |" in rows[0], key
        else:
            assert "| not verified |" in rows[0], key


def test_every_unverified_citation_says_why() -> None:
    for key, citation in CITATIONS.items():
        if not citation.verified:
            assert "Unverified because" in citation.note, key


# Paragraphs corrected or narrowed against the regulation text (docs/citations.md).
@pytest.mark.parametrize(
    ("key", "source", "anchor"),
    [
        ("dsnp_state_contract", "42 CFR 422.107(c)(2)", "#p-422.107(c)(2)"),
        ("ma_sanction", "42 CFR 422.750(a)(1)", "#p-422.750(a)(1)"),
        ("pace_enrollment_suspension", "42 CFR 460.42(a)", "#p-460.42(a)"),
    ],
)
def test_corrected_paragraphs(key: str, source: str, anchor: str) -> None:
    citation = CITATIONS[key]
    assert citation.source == source
    assert citation.url.endswith(anchor)
    assert citation.verified
