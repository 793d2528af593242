"""Education pages: articles, the glossary and the language taglines.

Function-based GET views like the rest of the public side (no session, cookie or CSRF
token). National content shows everywhere; a state's own published articles and terms
join it when the ``state`` query parameter names that state (``?state=FL``), and replace
a national one with the same slug. The slug is the same in both languages, so the
language switch (which keeps the path and query) lands on the same article.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from finder import facts
from finder.glossary import anchor, page_glossary
from finder.safe_markdown import Resolver, render_inline
from finder.safe_markdown import render as render_markdown
from plans.models import Article, GlossaryTerm, LanguageTagline, State

# --- Topics of the article index -----------------------------------------------------
# Presentation only, so it lives here and not in the content files or the database: an
# article whose slug is not listed (a state's own, say) shows under "More articles".


@dataclass(frozen=True)
class Topic:
    key: str
    title: str | Promise
    slugs: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "basics",
        _("The basics"),
        ("dual-eligibility", "savings-programs-and-extra-help", "original-medicare-and-medicaid"),
    ),
    Topic(
        "plans",
        _("Kinds of plans"),
        (
            "what-is-a-dsnp",
            "how-integrated",
            "aligned-enrollment",
            "pace",
            "other-plan-types",
            "medicare-medicaid-plans-ended",
        ),
    ),
    Topic(
        "changing", _("When and how you can change"), ("when-you-can-change", "default-enrollment")
    ),
    Topic(
        "rights",
        _("Your rights and free help"),
        ("your-rights", "look-alikes-and-sales-pressure", "free-help"),
    ),
)
OTHER_TOPIC = Topic("more", _("More articles"), ())

# Scripts written right to left (BCP 47 primary subtags).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def text_direction(language_code: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag, from its primary subtag."""
    return "rtl" if language_code.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


# --- Taglines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tagline:
    language_code: str
    language_name: str
    text: str
    direction: str


def taglines_for(state: State | str | None, *, exclude_language: str = "") -> list[Tagline]:
    """A state's own published taglines if it has any, else the national list. The page's
    own language is left out (a Spanish page needs no Spanish tagline). Read once per
    catalog version (finder/facts.py)."""
    code = state.code if isinstance(state, State) else state
    return facts.cached(
        "taglines",
        (code or "", exclude_language),
        lambda: _read_taglines(state, exclude_language=exclude_language),
    )


def _read_taglines(state: State | str | None, *, exclude_language: str) -> list[Tagline]:
    rows: list[LanguageTagline] = []
    if state is not None:
        rows = list(LanguageTagline.objects.published().filter(state=state))
    if not rows:
        rows = list(LanguageTagline.objects.published().filter(state__isnull=True))
    primary = exclude_language.split("-")[0]
    return [
        Tagline(t.language_code, t.language_name, t.text, text_direction(t.language_code))
        for t in rows
        if t.language_code.split("-")[0] != primary
    ]


# --- Helpers ---------------------------------------------------------------------------


def _language() -> str:
    return get_language() or "en"


def _state_from(request: HttpRequest) -> State | None:
    """The state named by ``?state=``; anything else (unknown, malformed) means none."""
    code = request.GET.get("state", "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        return None
    return State.objects.filter(code=code).first()


def _state_query(state: State | None) -> str:
    return f"?state={state.code}" if state else ""


def _prefer_state[T: (Article, GlossaryTerm)](rows: Iterable[T]) -> dict[str, T]:
    """One row per slug: the state's own where it has one, else the national one."""
    chosen: dict[str, T] = {}
    for row in rows:
        if row.slug not in chosen or row.state_id is not None:
            chosen[row.slug] = row
    return chosen


def _resolver(state: State | None) -> Resolver:
    """Turn ``learn:slug`` and ``glossary:slug`` link targets into this site's URLs."""

    def resolve(target: str) -> str | None:
        kind, _sep, name = target.partition(":")
        if kind == "learn":
            return reverse("learn-article", args=[name]) + _state_query(state)
        if kind == "glossary":
            return reverse("glossary") + _state_query(state) + f"#{anchor(name)}"
        return None

    return resolve


def source_lines(text: str, state: State | None = None) -> list[SafeString]:
    """The ``sources`` field (one citation per line) as safe HTML lines."""
    resolve = _resolver(state)
    return [
        render_inline(line.strip(), resolve=resolve) for line in text.splitlines() if line.strip()
    ]


def _sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case (ó sorts with o)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- Views -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    articles: list[Article]


@require_safe
def learn_index(request: HttpRequest) -> HttpResponse:
    state = _state_from(request)
    articles = _prefer_state(
        Article.objects.published()
        .for_language(_language())
        .for_state(state)
        .only("slug", "title", "summary", "state_id", "language")
    )
    groups: list[TopicGroup] = []
    placed: set[str] = set()
    for topic in TOPICS:
        found = [articles[slug] for slug in topic.slugs if slug in articles]
        placed.update(topic.slugs)
        if found:
            groups.append(TopicGroup(topic, found))
    rest = sorted(
        (a for slug, a in articles.items() if slug not in placed), key=lambda a: _sort_key(a.title)
    )
    if rest:
        groups.append(TopicGroup(OTHER_TOPIC, rest))
    return render(
        request,
        "finder/education/index.html",
        {"groups": groups, "state": state, "state_query": _state_query(state)},
    )


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    state = _state_from(request)
    rows = _prefer_state(
        Article.objects.published()
        .for_language(_language())
        .for_state(state)
        .filter(slug=slug)
        .select_related("state")
    )
    found = rows.get(slug)
    if found is None:
        raise Http404("No such published article")
    glossary = page_glossary(request)
    body = render_markdown(
        found.body,
        resolve=_resolver(state),
        text_filter=glossary.link_phrases if glossary else None,
    )
    return render(
        request,
        "finder/education/article.html",
        {
            "article": found,
            "body": body,
            "sources": source_lines(found.sources, state),
            "state": state,
            "state_query": _state_query(state),
        },
    )


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    state = _state_from(request)
    terms = sorted(
        _prefer_state(
            GlossaryTerm.objects.published().for_language(_language()).for_state(state)
        ).values(),
        key=lambda t: _sort_key(t.term),
    )
    entries = [(t, source_lines(t.sources, state)) for t in terms]
    return render(
        request,
        "finder/education/glossary.html",
        {"entries": entries, "state": state, "state_query": _state_query(state)},
    )
