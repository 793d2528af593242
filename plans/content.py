"""Reference content kept as files in the repository and loaded into the database.

``fixtures/content/`` holds the national educational articles (one Markdown file per
article per language, with a TOML header), the glossary (one TOML file, English and
Spanish side by side) and the language-access taglines (one TOML file). The format is
described in ``docs/content-format.md``.

Files are the source of truth for national content: reviewers change a file, and
``manage.py load_content`` brings the database in line. Loading is idempotent (a second
run changes nothing) and runs in one transaction, so a bad file changes nothing. State
content is entered in the admin and is never touched here.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from plans.models import Article, GlossaryTerm, LanguageTagline, PublicationStatus

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(settings.BASE_DIR) / "fixtures" / "content"
LANGUAGES = ("en", "es")
FRONT_MATTER = "+++"
ARTICLE_KEYS = frozenset({"slug", "language", "title", "summary", "last_reviewed", "sources"})
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(Exception):
    """A content file is malformed; the message names the file (and line where known)."""


# --- What the files hold -------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSource:
    slug: str
    language: str
    title: str
    summary: str
    last_reviewed: date
    sources: tuple[str, ...]
    body: str
    path: Path


@dataclass(frozen=True)
class GlossarySource:
    slug: str
    language: str
    term: str
    definition: str
    # Phrases that link to this term where they appear in the wizard, results and
    # articles, written exactly as they appear (matching is case-sensitive).
    phrases: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: date


@dataclass(frozen=True)
class TaglineSource:
    language_code: str
    language_name: str
    text: str
    sort_order: int
    last_reviewed: date
    source: str


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def _text(value: Any, where: str, key: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be a non-empty string.")
    text = " ".join(value.split())
    if max_length is not None and len(text) > max_length:
        raise ContentError(f"{where}: '{key}' is longer than {max_length} characters.")
    return text


def _date(value: Any, where: str, key: str = "last_reviewed") -> date:
    # TOML has a date type: `last_reviewed = 2026-11-23` arrives as a date, not a string.
    if not isinstance(value, date):
        raise ContentError(f"{where}: '{key}' must be a date written as 2026-11-23.")
    return value


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: '{key}' must be a list of non-empty strings.")
    return tuple(" ".join(v.split()) for v in value)


def _slug(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ContentError(f"{where}: slug {value!r} must be lowercase words joined by hyphens.")
    return value


def _toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{where}: {error}") from error


# --- Articles --------------------------------------------------------------------------


def parse_article(text: str, *, path: Path) -> ArticleSource:
    """One article file: a TOML header between ``+++`` lines, then the Markdown body."""
    where = _relative(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise ContentError(f"{where}: line 1 must be '{FRONT_MATTER}' (the header's start).")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FRONT_MATTER)
    except StopIteration:
        raise ContentError(f"{where}: the header has no closing '{FRONT_MATTER}' line.") from None
    header = _toml("\n".join(lines[1:end]), where)
    unknown = set(header) - ARTICLE_KEYS
    missing = ARTICLE_KEYS - set(header)
    if unknown:
        raise ContentError(f"{where}: unknown header keys: {', '.join(sorted(unknown))}.")
    if missing:
        raise ContentError(f"{where}: missing header keys: {', '.join(sorted(missing))}.")
    slug = _slug(header["slug"], where)
    language = header["language"]
    if language not in LANGUAGES:
        raise ContentError(f"{where}: language must be one of {', '.join(LANGUAGES)}.")
    if path.name != f"{slug}.{language}.md":
        raise ContentError(f"{where}: the file must be named {slug}.{language}.md.")
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        raise ContentError(f"{where}: the article has no body.")
    sources = _strings(header["sources"], where, "sources")
    if not sources:
        raise ContentError(f"{where}: every article names at least one source.")
    return ArticleSource(
        slug=slug,
        language=language,
        title=_text(header["title"], where, "title", max_length=200),
        summary=_text(header["summary"], where, "summary", max_length=400),
        last_reviewed=_date(header["last_reviewed"], where),
        sources=sources,
        body=body,
        path=path,
    )


def read_articles(directory: Path | None = None) -> list[ArticleSource]:
    """Every article file, checked: each slug in every language, no slug twice."""
    folder = directory or CONTENT_DIR / "articles"
    articles = [
        parse_article(path.read_text(encoding="utf-8"), path=path)
        for path in sorted(folder.glob("*.md"))
    ]
    by_slug: dict[str, set[str]] = {}
    for article in articles:
        by_slug.setdefault(article.slug, set()).add(article.language)
    for slug, languages in sorted(by_slug.items()):
        if languages != set(LANGUAGES):
            missing = ", ".join(sorted(set(LANGUAGES) - languages))
            raise ContentError(f"{_relative(folder)}: article '{slug}' has no {missing} file.")
    return articles


# --- Glossary --------------------------------------------------------------------------


def read_glossary(path: Path | None = None) -> list[GlossarySource]:
    """The glossary file: one ``[[term]]`` table per term, with ``en`` and ``es`` parts."""
    file = path or CONTENT_DIR / "glossary.toml"
    where = _relative(file)
    data = _toml(file.read_text(encoding="utf-8"), where)
    default_reviewed = data.get("last_reviewed")
    entries = data.get("term")
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{where}: no [[term]] tables.")
    terms: list[GlossarySource] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        here = f"{where}, term {number}"
        slug = _slug(entry.get("slug"), here)
        here = f"{where}, term '{slug}'"
        if slug in seen:
            raise ContentError(f"{here}: the slug is used twice.")
        seen.add(slug)
        unknown = set(entry) - {"slug", "sources", "last_reviewed", *LANGUAGES}
        if unknown:
            raise ContentError(f"{here}: unknown keys: {', '.join(sorted(unknown))}.")
        sources = _strings(entry.get("sources", []), here, "sources")
        reviewed = _date(entry.get("last_reviewed", default_reviewed), here)
        for language in LANGUAGES:
            part = entry.get(language)
            if not isinstance(part, dict):
                raise ContentError(f"{here}: no [term.{language}] part.")
            extra = set(part) - {"term", "definition", "phrases"}
            if extra:
                raise ContentError(f"{here} ({language}): unknown keys: {', '.join(extra)}.")
            terms.append(
                GlossarySource(
                    slug=slug,
                    language=language,
                    term=_text(part.get("term"), here, f"{language}.term", max_length=120),
                    definition=_text(part.get("definition"), here, f"{language}.definition"),
                    phrases=_strings(part.get("phrases", []), here, f"{language}.phrases"),
                    sources=sources,
                    last_reviewed=reviewed,
                )
            )
    _check_phrases(terms, where)
    return terms


def _check_phrases(terms: Iterable[GlossarySource], where: str) -> None:
    """A phrase may lead to one term only, or links would depend on file order."""
    owner: dict[tuple[str, str], str] = {}
    for term in terms:
        for phrase in term.phrases:
            key = (term.language, phrase)
            if key in owner and owner[key] != term.slug:
                raise ContentError(
                    f"{where}: the {term.language} phrase {phrase!r} belongs to both "
                    f"'{owner[key]}' and '{term.slug}'."
                )
            owner[key] = term.slug


@cache
def glossary_phrases(language: str) -> Mapping[str, str]:
    """Phrase → glossary slug for one language, read once per process.

    The phrases live beside the definitions in the glossary file (writers keep them
    together); the definitions shown on pages come from the database, so an admin's
    edit of a definition shows at once, and a term that is not published is not linked.
    A missing or broken file must not break every page: terms are then simply not
    linked (the loader's tests catch a broken file long before a deployment).
    """
    try:
        terms = read_glossary()
    except (OSError, ContentError):
        logger.exception("The glossary file could not be read; no terms are linked.")
        return {}
    return {
        phrase: term.slug for term in terms if term.language == language for phrase in term.phrases
    }


# --- Taglines --------------------------------------------------------------------------


def read_taglines(path: Path | None = None) -> list[TaglineSource]:
    file = path or CONTENT_DIR / "taglines.toml"
    where = _relative(file)
    data = _toml(file.read_text(encoding="utf-8"), where)
    reviewed = _date(data.get("last_reviewed"), where)
    source = _text(data.get("source"), where, "source", max_length=300)
    rows = data.get("tagline")
    if not isinstance(rows, list) or not rows:
        raise ContentError(f"{where}: no [[tagline]] tables.")
    taglines: list[TaglineSource] = []
    for number, row in enumerate(rows, start=1):
        here = f"{where}, tagline {number}"
        unknown = set(row) - {"language_code", "language_name", "text"}
        if unknown:
            raise ContentError(f"{here}: unknown keys: {', '.join(sorted(unknown))}.")
        code = _text(row.get("language_code"), here, "language_code", max_length=12)
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
            raise ContentError(f"{here}: {code!r} is not a BCP 47 language tag like vi or zh-Hant.")
        taglines.append(
            TaglineSource(
                language_code=code,
                language_name=_text(row.get("language_name"), here, "language_name", max_length=60),
                text=_text(row.get("text"), here, "text"),
                sort_order=number,
                last_reviewed=reviewed,
                source=source,
            )
        )
    codes = [t.language_code for t in taglines]
    if len(set(codes)) != len(codes):
        raise ContentError(f"{where}: a language code is listed twice.")
    return taglines


# --- Loading -----------------------------------------------------------------------------


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    # National rows in the database that no file describes (kept unless pruned).
    not_in_files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.removed} removed"
        )
        if self.not_in_files:
            text += f"; not in the files (kept): {', '.join(self.not_in_files)}"
        return text


@dataclass
class ContentReport:
    articles: Counts = field(default_factory=Counts)
    glossary: Counts = field(default_factory=Counts)
    taglines: Counts = field(default_factory=Counts)


def _published(last_reviewed: date, source: str) -> dict[str, Any]:
    return {
        "status": PublicationStatus.PUBLISHED,
        "is_sample": False,
        "last_reviewed": last_reviewed,
        "source": source,
    }


def _upsert(
    model: type[models.Model], keys: Mapping[str, Any], values: Mapping[str, Any], counts: Counts
) -> None:
    """Create or update one national row through ``full_clean``; count what happened."""
    row = model._default_manager.filter(state__isnull=True, **keys).first()
    if row is None:
        row = model(state=None, **keys, **values)
        counts.added += 1
    elif all(getattr(row, name) == value for name, value in values.items()):
        counts.unchanged += 1
        return
    else:
        for name, value in values.items():
            setattr(row, name, value)
        counts.changed += 1
    try:
        row.full_clean()
    except ValidationError as error:
        raise ContentError(f"{model.__name__} {dict(keys)}: {error.messages}") from error
    row.save()


def _leftovers(
    model: type[models.Model],
    wanted: set[tuple[str, ...]],
    key_fields: tuple[str, ...],
    counts: Counts,
    *,
    prune: bool,
) -> None:
    national = model._default_manager.filter(state__isnull=True)
    for row in national:
        key = tuple(getattr(row, name) for name in key_fields)
        if key in wanted:
            continue
        if prune:
            row.delete()
            counts.removed += 1
        else:
            counts.not_in_files.append("/".join(key))


@transaction.atomic
def load_content(*, directory: Path | None = None, prune: bool = False) -> ContentReport:
    """Bring national articles, glossary terms and taglines in line with the files.

    Every row is national (no state), published, not sample data, with its sources and
    last-reviewed date. Rows the files no longer describe are kept (an admin may have
    added them) unless ``prune`` is set.
    """
    folder = directory or CONTENT_DIR
    # Parse everything first: a bad file stops the load before anything is written.
    articles = read_articles(folder / "articles")
    terms = read_glossary(folder / "glossary.toml")
    taglines = read_taglines(folder / "taglines.toml")

    report = ContentReport()
    for article in articles:
        _upsert(
            Article,
            {"slug": article.slug, "language": article.language},
            {
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "sources": "\n".join(article.sources),
                **_published(article.last_reviewed, _relative(article.path)),
            },
            report.articles,
        )
    _leftovers(
        Article,
        {(a.slug, a.language) for a in articles},
        ("slug", "language"),
        report.articles,
        prune=prune,
    )

    glossary_source = _relative(folder / "glossary.toml")
    for term in terms:
        _upsert(
            GlossaryTerm,
            {"slug": term.slug, "language": term.language},
            {
                "term": term.term,
                "definition": term.definition,
                "sources": "\n".join(term.sources),
                **_published(term.last_reviewed, glossary_source),
            },
            report.glossary,
        )
    _leftovers(
        GlossaryTerm,
        {(t.slug, t.language) for t in terms},
        ("slug", "language"),
        report.glossary,
        prune=prune,
    )

    for tagline in taglines:
        _upsert(
            LanguageTagline,
            {"language_code": tagline.language_code},
            {
                "language_name": tagline.language_name,
                "text": tagline.text,
                "sort_order": tagline.sort_order,
                **_published(tagline.last_reviewed, tagline.source),
            },
            report.taglines,
        )
    _leftovers(
        LanguageTagline,
        {(t.language_code,) for t in taglines},
        ("language_code",),
        report.taglines,
        prune=prune,
    )
    return report
