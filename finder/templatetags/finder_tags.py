"""Template helpers for the public pages.

{% catalog_fragment "name" [vary_on ...] %}…{% endcatalog_fragment %}
    the enclosed part rendered once per language, catalog version, day and deployment
    (finder/facts.py), and for each value of the ``vary_on`` expressions given
{% answer_fragment "name" vary_on ... [slots name ...] %}…{% endanswer_fragment %}
    the same for a part that shows answers and links glossary terms: kept also per
    glossary state it starts from, which it then brings up to date as if rendered; each
    slot is a text value printed inside with {{ name }} only, put in on every use
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.base import FilterExpression, Parser, Token
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from finder import facts
from finder.cards import writer_for
from finder.glossary import PageGlossary, linked_so_far, page_glossary

register = template.Library()


class CatalogFragmentNode(template.Node):
    # A kept part holds no {% block %} (refused when parsed): a template extending the
    # page's layout need not look for blocks inside it, on every render.
    child_nodelists = ()

    def __init__(
        self, name: str, vary_on: list[FilterExpression], nodelist: template.NodeList
    ) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist
        # answer_fragment only: text values printed with {{ name }} and nothing else,
        # kept as markers and put in on every use (the same bytes {{ name }} prints).
        self.slots: tuple[str, ...] = ()

    def render(self, context: template.Context) -> SafeString:
        if context.get("request") is None:
            # Not a page (no context processors ran): nothing to share with one.
            return mark_safe(self.nodelist.render(context))  # noqa: S308
        return facts.cached(
            "fragment",
            self.key(context),
            lambda: mark_safe(self.nodelist.render(context)),  # noqa: S308
        )

    def key(self, context: template.Context, *state: object) -> tuple[object, ...]:
        origin = getattr(self, "origin", None)
        return (
            getattr(origin, "template_name", "") or "",
            self.name,
            get_language() or "",
            # {% url %} inside: the prefix a deployment under a sub-path adds to links.
            facts.script_prefix(),
            *state,
            *(str(value.resolve(context)) for value in self.vary_on),
        )


@register.tag("catalog_fragment")
def do_catalog_fragment(parser: Parser, token: Token) -> CatalogFragmentNode:
    """The same HTML for everyone reading a page in one language: the layout's head,
    header and footer, fixed help text. Render the part once per language, catalog
    version, day and deployment instead of on every request (most of the fixed cost of
    a page, scripts/bench-http). What is inside may read only the language, the catalog
    (through finder/facts.py) and the ``vary_on`` values given: never the request, the
    answers or the page's glossary."""
    return _parse_fragment(parser, token, CatalogFragmentNode, least=2)


def _parse_fragment[N: CatalogFragmentNode](
    parser: Parser, token: Token, node: type[N], *, least: int
) -> N:
    bits = token.split_contents()
    tag = bits[0]
    if len(bits) < least or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f'Usage: {{% {tag} "name" vary_on ... %}}…{{% end{tag} %}}'
            + (" (at least one vary_on)" if least > 2 else "")
        )
    slots: list[str] = []
    if "slots" in bits[2:]:
        at = bits.index("slots", 2)
        bits, slots = bits[:at], bits[at + 1 :]
        if node is not AnswerFragmentNode or not slots or len(bits) < least:
            raise template.TemplateSyntaxError(
                f'Usage: {{% answer_fragment "name" vary_on ... slots name ... %}} ({tag})'
            )
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type((BlockNode, ExtendsNode)):
        raise template.TemplateSyntaxError(
            f"{{% {tag} %}} cannot hold {{% block %}} or {{% extends %}}"
        )
    made = node(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
    made.slots = tuple(slots)
    return made


@dataclass(frozen=True)
class _Kept:
    """A rendered answer fragment and what rendering it did to the page's glossary."""

    html: SafeString
    started_glossary: bool
    linked: tuple[str, ...]
    printed: tuple[str, ...]
    sections: int


def _glossary_state(glossary: PageGlossary | None) -> tuple[object, ...]:
    if glossary is None:
        return ("none",)
    # The order of the linked terms is the order of the definitions printed later.
    return (glossary.language, *glossary.linked, "|", *sorted(glossary.printed), glossary.sections)


class AnswerFragmentNode(CatalogFragmentNode):
    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        if request is None:
            return mark_safe(self.nodelist.render(context))  # noqa: S308
        before = linked_so_far(request)
        parts = self.key(context, *_glossary_state(before), "\x1e")
        built = False

        def build() -> _Kept:
            nonlocal built
            built = True
            known = dict(before.linked) if before is not None else {}
            printed = set(before.printed) if before is not None else set()
            sections = before.sections if before is not None else 0
            with context.push({name: _marker(i) for i, name in enumerate(self.slots)}):
                html = mark_safe(self.nodelist.render(context))  # noqa: S308
            after = linked_so_far(request)
            if after is None:
                return _Kept(html, False, (), (), 0)
            return _Kept(
                html,
                started_glossary=before is None,
                linked=tuple(slug for slug in after.linked if slug not in known),
                printed=tuple(sorted(after.printed - printed)),
                sections=after.sections - sections,
            )

        kept = facts.cached("answer-fragment", parts, build)
        if not built:
            _replay(request, kept)
        if not self.slots:
            return kept.html
        values = []
        for name in self.slots:
            value = context.get(name, "")
            if not isinstance(value, str):
                raise TypeError(f"answer_fragment slot {name!r} must be text, not {value!r}")
            values.append(str(conditional_escape(value)))
        # One pass: a value is never searched for markers itself.
        html = _MARKER.sub(lambda found: _slot_value(values, found), kept.html)
        return mark_safe(html)  # noqa: S308 - slot values escaped as {{ }} escapes them


_MARKER = re.compile("\ue000([0-9]+)\ue001")


def _slot_value(values: list[str], found: re.Match[str]) -> str:
    slot = int(found.group(1))
    return values[slot] if slot < len(values) else found.group(0)


def _marker(slot: int) -> str:
    # Private-use characters: nothing escapes or changes them, and no answer holds them
    # (the query string is percent-encoded).
    return f"\ue000{slot}\ue001"


def _replay(request: HttpRequest, kept: _Kept) -> None:
    """Leave the page's glossary as rendering the fragment would have."""
    if not (kept.started_glossary or kept.linked or kept.printed or kept.sections):
        return
    glossary = page_glossary(request)
    if glossary is None:
        return
    for slug in kept.linked:
        glossary.linked[slug] = glossary.terms[slug]
    glossary.printed.update(kept.printed)
    glossary.sections += kept.sections


@register.tag("answer_fragment")
def do_answer_fragment(parser: Parser, token: Token) -> AnswerFragmentNode:
    """A part of a page that depends on some answers and on the glossary: rendered once
    per language, catalog version, day and deployment, for each value of the ``vary_on``
    expressions and each glossary state it starts from (the terms linked and printed
    before it on the page). Every value the enclosed part reads, other than the language
    and the catalog, must be among ``vary_on``: never the request or the query string.
    tests/test_answer_fragments.py renders many pages with and without the kept parts."""
    return _parse_fragment(parser, token, AnswerFragmentNode, least=3)


@lru_cache(maxsize=4096)
def _translated(path: str, language: str, script_prefix: str, urlconf: str) -> str:
    # translate_url resolves the path and reverses it again (a tenth of a simple page's
    # time); its answer depends only on these arguments, and the paths that reach a
    # page are few (the query string is added afterwards).
    return translate_url(path, language)


@register.simple_tag(takes_context=True)
def switch_language_url(context: template.Context, language: str) -> str:
    """The current page in another language, keeping the answers in the query string."""
    request: HttpRequest = context["request"]
    url = _translated(
        request.path, language, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@register.filter
def get_item(mapping: object, key: str) -> object:
    """``mapping[key]`` in a template, or None."""
    getter = getattr(mapping, "get", None)
    return getter(key) if getter else None


@register.filter
def money(amount: object) -> str:
    """Dollars the way US Medicare materials write them in both languages: $1,234.50."""
    try:
        return f"${Decimal(str(amount)):,.2f}"
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def local_name(state: object) -> str:
    """A state's name in the page's language (Spanish names where the catalog has one)."""
    name_es = getattr(state, "name_es", "")
    return name_es if get_language() == "es" and name_es else str(getattr(state, "name", state))


@register.simple_tag
def answer_rows(summary: list[tuple[str, Any, Any]], change_links: dict[str, str]) -> SafeString:
    """The results page's list of answers, a row each with its "Change" link (a template
    loop here was a sixth of the page's time: "Change" translated once, not per row)."""
    change = conditional_escape(_("Change"))
    return mark_safe(  # noqa: S308 - every value escaped here
        "\n      "
        + "".join(
            f'\n      <div class="answer-row"><dt>{conditional_escape(title)}</dt>'
            f"<dd>{conditional_escape(label)}</dd>"
            f'<dd class="change"><a href="{conditional_escape(change_links.get(name))}">'
            f'{change}<span class="visually-hidden"> {conditional_escape(title)}</span></a>'
            "</dd></div>\n      "
            for name, title, label in summary
        )
        + "\n    "
    )


@register.simple_tag(takes_context=True)
def result_groups(context: template.Context, groups: list[Any]) -> SafeString:
    """The results page's status groups with their cards (finder/cards.py), with ``query``
    and ``counselor`` from the page: ``{% result_groups groups %}``."""
    return mark_safe(writer_for(context).groups(groups))  # noqa: S308 - escaped in cards.py


@register.simple_tag(takes_context=True)
def when_to_join(context: template.Context, joining: Any) -> SafeString:
    """The "when you can join" line of a Decision or Joining (finder/cards.py)."""
    return mark_safe(writer_for(context).when_to_join(joining))  # noqa: S308 - escaped in cards.py
