"""Template tags for the glossary and the language taglines (see finder/glossary.py).

{% load education %}
{% glossary "qmb" %}QMB{% endglossary %}          one term, linked on first use
{% glossary_links %}{% translate "…" %}{% endglossary_links %}
                                                  link known phrases in the text
{% glossary_text question.hint %}                 the same for a value
{% choice_term "medicaid" "qmb" %}                <details> beside a radio choice
{% glossary_definitions %}                        definitions of the terms linked
{% language_taglines state %}                     free interpreter help, per state
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from finder import facts
from finder.education import taglines_for
from finder.glossary import CHOICE_TERMS, PageGlossary, linked_so_far, page_glossary
from plans.models import State

register = template.Library()


def _glossary(context: template.Context) -> PageGlossary | None:
    return page_glossary(context.get("request"))


class GlossaryNode(template.Node):
    def __init__(self, slug: FilterExpression, nodelist: template.NodeList) -> None:
        self.slug = slug
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        text = self.nodelist.render(context)
        glossary = _glossary(context)
        if glossary is None:
            return text
        return mark_safe(glossary.link(str(self.slug.resolve(context)), text))  # noqa: S308


@register.tag("glossary")
def do_glossary(parser: Parser, token: Token) -> GlossaryNode:
    """``{% glossary "slug" %}words{% endglossary %}``: the words link to the term's
    definition on this page (first use only)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('Usage: {% glossary "slug" %}words{% endglossary %}')
    nodelist = parser.parse(("endglossary",))
    parser.delete_first_token()
    return GlossaryNode(parser.compile_filter(bits[1]), nodelist)


class GlossaryLinksNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        glossary = _glossary(context)
        if glossary is None:
            return html
        return mark_safe(glossary.link_phrases(html))  # noqa: S308 - input is rendered HTML


@register.tag("glossary_links")
def do_glossary_links(parser: Parser, token: Token) -> GlossaryLinksNode:
    """``{% glossary_links %}…{% endglossary_links %}``: link the glossary phrases in the
    rendered text. Works on translated text, so existing messages need no change."""
    nodelist = parser.parse(("endglossary_links",))
    parser.delete_first_token()
    return GlossaryLinksNode(nodelist)


@register.simple_tag(takes_context=True)
def glossary_text(context: template.Context, value: Any) -> SafeString:
    """A value (escaped unless already safe) with its glossary phrases linked."""
    html = str(conditional_escape(value))
    glossary = _glossary(context)
    return mark_safe(glossary.link_phrases(html) if glossary else html)  # noqa: S308


@register.simple_tag(takes_context=True)
def glossary_definitions(context: template.Context) -> str:
    """The definitions of the terms linked so far on this page and not printed yet."""
    glossary = linked_so_far(context.get("request"))
    if glossary is None:
        return ""
    terms = glossary.unprinted()
    if not terms:
        return ""
    glossary.sections += 1
    section = glossary.sections
    # The same few lists recur page after page (a question's terms, a results page's):
    # rendered once per list of terms, place on the page, language and catalog version.
    return facts.cached(
        "glossary-definitions-html",
        (glossary.language, get_script_prefix(), section, *(t.slug for t in terms)),
        lambda: render_to_string(
            "finder/education/_glossary_definitions.html",
            {"terms": terms, "section": section},
        ),
    )


@register.simple_tag(takes_context=True)
def choice_term(context: template.Context, question: str, value: str) -> str:
    """A ``<details>`` explaining the term a radio choice names, placed after its label
    (a link inside a ``<label>`` would be invalid HTML)."""
    slug = CHOICE_TERMS.get(question, {}).get(value)
    glossary = _glossary(context)
    if slug is None or glossary is None or slug not in glossary.terms:
        return ""
    term = glossary.terms[slug]
    # The same few on every question page: rendered once per term, language and version.
    return facts.cached(
        "choice-term-html",
        (glossary.language, slug, question, value),
        lambda: render_to_string(
            "finder/education/_choice_term.html",
            {"term": term, "question": question, "value": value},
        ),
    )


@register.simple_tag
def language_taglines(state: Any = None) -> SafeString:
    """Free interpreter help in other languages: the state's own published list where it
    has one, else the national list; the page's own language is left out. Rendered once
    per state, language and catalog version: it is in the footer of every page."""
    language = get_language() or "en"
    code = state.code if isinstance(state, State) else state
    return facts.cached(
        "taglines-html",
        (code or "", language),
        lambda: render_to_string(
            "finder/education/_taglines.html",
            {"taglines": taglines_for(state, exclude_language=language)},
        ),
    )
