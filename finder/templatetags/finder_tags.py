"""Template helpers for the public pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from finder.cards import writer_for

register = template.Library()


@register.simple_tag(takes_context=True)
def switch_language_url(context: template.Context, language: str) -> str:
    """The current page in another language, keeping the answers in the query string."""
    request: HttpRequest = context["request"]
    url = translate_url(request.path, language)
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
