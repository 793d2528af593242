"""Glossary terms linked where they appear, with their definitions on the same page.

The pattern (no JavaScript needed, valid HTML, works for screen readers):

- In running text (hints, "why we ask", results explanations, articles) the first use of
  a term on a page becomes a link to ``#glossary-<slug>``, and the link is described by
  the definition (``aria-describedby``), so a screen reader reads it without moving.
- The definitions of the terms linked on a page are printed once, at the end of the
  page's main content (``{% glossary_definitions %}``), each with that id. Following the
  link is a jump within the page; the Back button returns.
- Inside a radio button's ``<label>`` interactive content is not allowed, so a choice
  that names a term gets a ``<details>`` after its label instead: "What "QMB" means",
  which opens in place (``CHOICE_TERMS``).

Only published national terms in the page's language are used; a term that is not
published is left as plain text, so no link can point at a missing definition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import get_language

from finder import facts
from plans.content import glossary_phrases
from plans.models import GlossaryTerm

# Which glossary term explains a wizard choice (question name → choice value → slug).
CHOICE_TERMS: Mapping[str, Mapping[str, str]] = {
    "medicare": {"a_only": "medicare-part-a", "b_only": "medicare-part-b"},
    "coverage": {
        "original": "original-medicare",
        "ma": "medicare-advantage",
        "dsnp": "dsnp",
        "pace": "pace",
    },
    "medicaid": {
        "full": "full-benefit-dual",
        "qmb_plus": "qmb-plus",
        "slmb_plus": "slmb-plus",
        "fbde": "fbde",
        "msp": "medicare-savings-program",
        "qmb": "qmb",
        "slmb": "slmb",
        "qi": "qi",
        "qdwi": "qdwi",
    },
}

ANCHOR_PREFIX = "glossary-"
_TAG = re.compile(r"(<[^>]*>)")


def anchor(slug: str) -> str:
    return f"{ANCHOR_PREFIX}{slug}"


@cache
def _pattern(language: str) -> re.Pattern[str] | None:
    """One regex of every phrase, longest first, matched as whole words on escaped text."""
    phrases = sorted(glossary_phrases(language), key=len, reverse=True)
    if not phrases:
        return None
    alternatives = "|".join(re.escape(str(escape(p))) for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


type _Match = tuple[int, int, str]  # start, end, slug of a phrase in a piece of text


@cache
def _slugs(language: str) -> dict[str, str]:
    """Escaped phrase → slug, as the phrases appear in escaped HTML."""
    return {str(escape(p)): s for p, s in glossary_phrases(language).items()}


@lru_cache(maxsize=8192)
def _phrases_in(
    language: str, html: str
) -> tuple[tuple[tuple[str, tuple[_Match, ...]], ...], frozenset[str]] | None:
    """The pieces of ``html`` (tags and text) with the phrases found in each piece of text
    outside links, and every slug found: one regex pass per distinct text per process,
    not one per render. What is linked then depends only on the page (first use)."""
    pattern = _pattern(language)
    if pattern is None:
        return None
    slugs = _slugs(language)
    pieces: list[tuple[str, tuple[_Match, ...]]] = []
    found: set[str] = set()
    in_link = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            if re.match(r"<a[\s>]", piece):
                in_link += 1
            elif piece.startswith("</a"):
                in_link = max(0, in_link - 1)
            pieces.append((piece, ()))
            continue
        if in_link or not piece:
            pieces.append((piece, ()))
            continue
        matches = tuple((m.start(), m.end(), slugs[m.group(0)]) for m in pattern.finditer(piece))
        found.update(slug for _start, _end, slug in matches)
        pieces.append((piece, matches))
    return tuple(pieces), frozenset(found)


@dataclass
class PageGlossary:
    """The glossary of one page being rendered: which terms were linked, in order."""

    language: str
    terms: dict[str, GlossaryTerm]
    linked: dict[str, GlossaryTerm] = field(default_factory=dict)
    printed: set[str] = field(default_factory=set)
    sections: int = 0  # definition lists printed so far (their headings need unique ids)

    def link(self, slug: str, html_text: str) -> str:
        """``html_text`` (already escaped) as a link to the term, the first time the term
        is used on the page; plain afterwards, or when the term is not published."""
        term = self.terms.get(slug)
        if term is None or slug in self.linked:
            return html_text
        self.linked[slug] = term
        return (
            f'<a class="term" href="#{anchor(slug)}" '
            f'aria-describedby="{anchor(slug)}-def">{html_text}</a>'
        )

    def link_phrases(self, html: str) -> str:
        """Link the first use of each known phrase in escaped HTML. Text inside tags and
        inside existing links is left alone, and two term links never touch (they would
        read as one)."""
        found = _phrases_in(self.language, str(html))
        if found is None:
            return html
        pieces, slugs = found
        # Most calls find only terms already linked on the page (the same few sentences
        # recur on every plan card): the text is then returned as it is.
        if not any(s in self.terms and s not in self.linked for s in slugs):
            return html
        return "".join(
            self._link_text(piece, matches) if matches else piece for piece, matches in pieces
        )

    def _link_text(self, text: str, matches: tuple[_Match, ...]) -> str:
        out: list[str] = []
        position = 0
        last_link_end = -1
        for start, end, slug in matches:
            between = text[last_link_end:start] if last_link_end >= 0 else "x"
            if slug in self.linked or slug not in self.terms or not between.strip():
                continue
            out.append(text[position:start])
            out.append(self.link(slug, text[start:end]))
            position = last_link_end = end
        out.append(text[position:])
        return "".join(out)

    def unprinted(self) -> list[GlossaryTerm]:
        """Terms linked on the page whose definitions are not printed yet (marks them)."""
        terms = [t for s, t in self.linked.items() if s not in self.printed]
        self.printed.update(t.slug for t in terms)
        return terms


_REQUEST_ATTRIBUTE = "_icf_page_glossary"


def published_terms(language: str) -> dict[str, GlossaryTerm]:
    """The national terms published in one language, read once per catalog version."""
    return facts.cached(
        "glossary",
        (language,),
        lambda: {
            t.slug: t
            for t in GlossaryTerm.objects.published().for_language(language).for_state(None)
        },
    )


def linked_so_far(request: HttpRequest | None) -> PageGlossary | None:
    """The page's glossary if a term was looked up on this page yet, else None: pages
    that link no term never query the glossary."""
    return getattr(request, _REQUEST_ATTRIBUTE, None) if request is not None else None


def page_glossary(request: HttpRequest | None) -> PageGlossary | None:
    """The page's glossary, kept on the request so that every template and include of
    the page shares it (one query per page). None outside a request."""
    if request is None:
        return None
    language = get_language() or "en"
    cached: PageGlossary | None = getattr(request, _REQUEST_ATTRIBUTE, None)
    if cached is None or cached.language != language:
        cached = PageGlossary(language=language, terms=published_terms(language))
        setattr(request, _REQUEST_ATTRIBUTE, cached)
    return cached
