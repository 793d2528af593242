"""Template helpers for the public pages.

{% catalog_fragment "name" [vary_on ...] %}…{% endcatalog_fragment %}
    the enclosed part rendered once per language, catalog version, day and deployment
    (finder/facts.py), and for each value of the ``vary_on`` expressions given
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.base import FilterExpression, Parser, Token
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from finder import facts
from finder.cards import writer_for

register = template.Library()


class CatalogFragmentNode(template.Node):
    def __init__(
        self, name: str, vary_on: list[FilterExpression], nodelist: template.NodeList
    ) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        if context.get("request") is None:
            # Not a page (no context processors ran): nothing to share with one.
            return mark_safe(self.nodelist.render(context))  # noqa: S308
        origin = getattr(self, "origin", None)
        parts = (
            getattr(origin, "template_name", "") or "",
            self.name,
            get_language() or "",
            # {% url %} inside: the prefix a deployment under a sub-path adds to links.
            get_script_prefix(),
            *(str(value.resolve(context)) for value in self.vary_on),
        )
        return facts.cached(
            "fragment",
            parts,
            lambda: mark_safe(self.nodelist.render(context)),  # noqa: S308
        )


@register.tag("catalog_fragment")
def do_catalog_fragment(parser: Parser, token: Token) -> CatalogFragmentNode:
    """The same HTML for everyone reading a page in one language: the layout's head,
    header and footer, fixed help text. Render the part once per language, catalog
    version, day and deployment instead of on every request (most of the fixed cost of
    a page, scripts/bench-http). What is inside may read only the language, the catalog
    (through finder/facts.py) and the ``vary_on`` values given: never the request, the
    answers or the page's glossary."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            'Usage: {% catalog_fragment "name" [vary_on ...] %}…{% endcatalog_fragment %}'
        )
    nodelist = parser.parse(("endcatalog_fragment",))
    parser.delete_first_token()
    return CatalogFragmentNode(
        bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )


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
def without_counselor(query: str) -> str:
    return "&".join(part for part in query.split("&") if part and part != "counselor=1")


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


@register.simple_tag(takes_context=True)
def plan_card(context: template.Context, row: Any) -> SafeString:
    """A results card (finder/cards.py): ``{% plan_card row %}`` with ``query`` and
    ``counselor`` from the page."""
    writer = writer_for(context)
    return mark_safe(writer.card(row.decision, row.plan, row.rating))  # noqa: S308 - escaped in cards.py


@register.simple_tag(takes_context=True)
def when_to_join(context: template.Context, joining: Any) -> SafeString:
    """The "when you can join" line of a Decision or Joining (finder/cards.py)."""
    return mark_safe(writer_for(context).when_to_join(joining))  # noqa: S308 - escaped in cards.py
