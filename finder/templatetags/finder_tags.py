"""Template helpers for the public pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

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
