"""Dual categories a D-SNP enrolls (state contract, 42 CFR 422.107(c)); EAE = full only."""

from __future__ import annotations

import pytest

from finder.eligibility import Status

from .builders import answers, decide_one, dsnp, eae_dsnp, finding, outcome, puerto_rico, state

pytestmark: list[pytest.MarkDecorator] = []

FULL = frozenset({"qmb_plus", "slmb_plus", "fbde"})
PARTIAL = frozenset({"qmb", "slmb", "qi", "qdwi"})
ALL = FULL | PARTIAL


@pytest.mark.parametrize(
    ("medicaid", "categories", "expected", "words"),
    [
        pytest.param("qmb_plus", FULL, "pass", None, id="exact-full-category"),
        pytest.param("qmb", ALL, "pass", None, id="exact-partial-category"),
        pytest.param(
            "fbde",
            frozenset({"qmb_plus", "slmb_plus"}),
            "check",
            "QMB Plus",
            id="other-full-category-names-groups",
        ),
        pytest.param("full", FULL, "pass", None, id="full-any-vs-all-full"),
        pytest.param(
            "full", frozenset({"qmb_plus"}), "check", "QMB Plus", id="full-any-vs-some-full"
        ),
        pytest.param(
            "full", PARTIAL, "check", "Medicare Savings Program", id="full-vs-partial-only-plan"
        ),
        pytest.param("msp", ALL, "pass", None, id="msp-vs-all"),
        pytest.param("msp", frozenset({"qmb"}), "check", "QMB only", id="msp-vs-some-partial"),
        pytest.param(
            "msp", FULL, "check", "only for people with full Medicaid", id="msp-vs-full-only"
        ),
        pytest.param(
            "slmb",
            FULL,
            "check",
            "only for people with full Medicaid",
            id="partial-vs-full-only-plan",
        ),
        pytest.param("none", ALL, "check", "Medicare Savings Program", id="no-medicaid"),
        pytest.param("not_sure", FULL, "check", "QMB Plus", id="not-sure-lists-groups"),
        pytest.param("full", frozenset(), "check", "don't know", id="plan-lists-no-groups"),
    ],
)
def test_dual_category(
    medicaid: str, categories: frozenset[str], expected: str, words: str | None
) -> None:
    decision = decide_one(answers(medicaid=medicaid), dsnp(dual_categories=categories))
    found = finding(decision, "dual_category")
    assert found is not None and found.outcome == expected
    assert decision.status is not Status.NOT_ELIGIBLE  # people often don't know their group
    if words:
        assert words in str(found.message)
        assert found.next_step is not None and found.who_can_help is not None


def test_plan_without_own_list_uses_the_state_default() -> None:
    partial_state = state(dsnp_default_categories=PARTIAL)
    qi = answers(medicaid="qi")
    assert outcome(decide_one(qi, dsnp(), partial_state), "dual_category") == "pass"
    assert outcome(decide_one(qi, dsnp(), state()), "dual_category") == "check"


def test_no_medicaid_message_points_to_the_state_medicaid_agency() -> None:
    found = finding(decide_one(answers(medicaid="none")), "dual_category")
    assert found is not None
    assert "only for people who get help from Medicaid" in str(found.message)
    assert found.who_can_help == "medicaid"


@pytest.mark.parametrize(
    "medicaid",
    [pytest.param(m, id=m) for m in ("qmb", "slmb", "qi", "qdwi", "msp")],
)
def test_partial_dual_vs_exclusively_aligned_plan_is_a_check_for_full_medicaid(
    medicaid: str,
) -> None:
    # Even if a (mis-entered) list names partial groups, EAE means full-benefit only.
    plan = eae_dsnp(dual_categories=ALL)
    decision = decide_one(answers(medicaid=medicaid), plan)
    found = finding(decision, "dual_category")
    assert found is not None and found.outcome == "check"
    assert "only for people with full Medicaid" in str(found.message)
    assert "aligned_enrollment" in found.citations
    assert decision.status is Status.MAY_QUALIFY


def test_territories_are_not_promised_a_savings_program() -> None:
    found = finding(
        decide_one(
            answers(medicaid="none"), where=puerto_rico(has_medicare_savings_programs=False)
        ),
        "dual_category",
    )
    assert found is not None and "Savings Program" not in str(found.message)
