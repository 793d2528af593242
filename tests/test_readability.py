"""Plain language, measured: every English article and every wizard question reads at
grade 8 or below (Flesch-Kincaid), and the Spanish articles' Fernández Huerta scores are
reported.

Glossary terms and acronyms (QMB, D-SNP, Medicare Savings Program, …) are replaced by a
one-syllable placeholder before scoring: they are explained in the glossary on the same
page, and a formula that counts syllables would otherwise punish every article for
naming the programs it is about. Each list item and heading counts as its own sentence,
as a reader meets it.

No database: the articles are read from their files (fixtures/content/articles/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pytest
from django.utils import translation
from textstat.textstat import textstatistics

from finder.questions import QUESTIONS, Question
from finder.safe_markdown import plain_text
from plans.content import ArticleSource, read_articles, read_glossary

MAX_GRADE = 8.0
PLACEHOLDER = "term"
# Words shaped like acronyms: QMB, SLMBs, D-SNP, C-SNPs, 1-800-MEDICARE, CFR.
_ACRONYM = re.compile(r"(?<![\w-])(?:[0-9]+-[0-9]+-)?[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*s?(?![\w-])")


@cache
def _terms(language: str) -> tuple[str, ...]:
    """Glossary words of one language: each term, its parts and its phrases, longest
    first so that "Medicare Savings Program" goes before "Medicare"."""
    words: set[str] = set()
    for term in read_glossary():
        if term.language != language:
            continue
        words.update(term.phrases)
        words.add(term.term)
        head, _sep, rest = term.term.partition(" (")
        words.add(head)
        if rest:
            words.add(rest.rstrip(")"))
    return tuple(sorted((w for w in words if w), key=len, reverse=True))


@cache
def _term_pattern(language: str) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in _terms(language))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def without_terms(text: str, language: str = "en") -> str:
    """The text with glossary terms and acronyms replaced by the placeholder."""
    text = _term_pattern(language).sub(PLACEHOLDER, text)
    return _ACRONYM.sub(lambda m: PLACEHOLDER if len(m.group(0)) > 1 else m.group(0), text)


def as_sentences(units: Iterable[str]) -> str:
    """One sentence per unit: a unit without end punctuation gets a period."""
    out = []
    for unit in units:
        unit = unit.strip()
        if unit:
            out.append(unit if unit[-1] in ".!?:;" else f"{unit}.")
    return " ".join(out)


def _english() -> textstatistics:
    scorer = textstatistics()
    scorer.set_lang("en_US")
    return scorer


def _spanish() -> textstatistics:
    scorer = textstatistics()
    scorer.set_lang("es")
    return scorer


def article_text(article: ArticleSource) -> str:
    units = [article.title, article.summary, *plain_text(article.body)]
    return without_terms(as_sentences(units), article.language)


def fk_grade(text: str) -> float:
    return float(_english().flesch_kincaid_grade(text))


def fernandez_huerta(text: str) -> float:
    return float(_spanish().fernandez_huerta(text))


ARTICLES = read_articles()
ENGLISH = [a for a in ARTICLES if a.language == "en"]
SPANISH = [a for a in ARTICLES if a.language == "es"]


def test_there_are_articles_in_both_languages() -> None:
    assert ENGLISH and len(ENGLISH) == len(SPANISH)


@pytest.mark.parametrize("article", ENGLISH, ids=[a.slug for a in ENGLISH])
def test_english_article_is_grade_8_or_below(article: ArticleSource) -> None:
    grade = fk_grade(article_text(article))
    assert grade <= MAX_GRADE, (
        f"{article.path.name} reads at grade {grade:.1f} (Flesch-Kincaid, glossary terms "
        f"excluded); rewrite it in shorter sentences and words until it is {MAX_GRADE:g} "
        "or below."
    )


def test_report_scores(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints every article's score: Flesch-Kincaid grade (English; lower is easier) and
    Fernández Huerta (Spanish; 0-100, higher is easier, 70+ is easy to read)."""
    lines = ["", "Readability (glossary terms excluded; raw = with them, for reference):"]
    for article in ENGLISH:
        raw = as_sentences([article.title, article.summary, *plain_text(article.body)])
        lines.append(
            f"  en  {article.slug:40} FK grade {fk_grade(article_text(article)):5.1f}"
            f"  (raw {fk_grade(raw):4.1f})"
        )
    for article in SPANISH:
        score = fernandez_huerta(article_text(article))
        lines.append(f"  es  {article.slug:40} Fernández Huerta {score:5.1f}")
    with capsys.disabled():
        print("\n".join(lines))


def question_text(question: Question) -> str:
    with translation.override("en"):
        units = [str(question.legend), str(question.hint), str(question.why)]
        for choice in question.choices:
            units.append(str(choice.label))
            if choice.hint:
                units.append(str(choice.hint))
    return without_terms(as_sentences(units), "en")


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_wizard_question_is_grade_8_or_below(question: Question) -> None:
    grade = fk_grade(question_text(question))
    assert grade <= MAX_GRADE, (
        f"The {question.name} question (legend, hint, why we ask, choices) reads at grade "
        f"{grade:.1f}; keep it at {MAX_GRADE:g} or below."
    )


def test_placeholder_replaces_terms_and_acronyms() -> None:
    text = without_terms("Medicare Savings Programs and QMB help. A D-SNP is a plan.")
    assert text == "term and term help. A term is a plan."
