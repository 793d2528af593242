"""Read an admin form from its HTML, as a browser would submit it, to post it back."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client

# Fields of the admin's other forms on the page (actions, logout), never the item's own.
NOT_ITEM_FIELDS = {"csrfmiddlewaretoken", "action", "_selected_action", "select_across", "index"}


class _FormReader(HTMLParser):
    """Collects the fields of the page's item form (``id="<model>_form"``), or of every
    form when the page has none (the history revert form has the same id)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {}
        self.in_item_form = False
        self.saw_item_form = False
        self.select: str | None = None
        self.select_multiple = False
        self.first_option: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            self.in_item_form = (a.get("id") or "").endswith("_form")
            self.saw_item_form = self.saw_item_form or self.in_item_form
            return
        if not self.in_item_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.setdefault(name, []).append(a.get("value") or "on")
                return
            self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.select_multiple = "multiple" in a
            self.first_option = None
            self.select_chosen = False
            self.fields.setdefault(name, [])
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.fields[self.select].append(value)
                self.select_chosen = True
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_item_form = False
        elif tag == "select" and self.select:
            # A single select with nothing marked submits its first option.
            if not self.select_chosen and not self.select_multiple and self.first_option:
                self.fields[self.select].append(self.first_option)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, text: str) -> None:
        if self.textarea and self.in_item_form:
            self.fields[self.textarea][0] += text


def read_form(html: str) -> dict[str, Any]:
    reader = _FormReader()
    reader.feed(html)
    # Textareas start with a newline that browsers drop.
    fields = {
        name: [v[1:] if v.startswith("\n") else v for v in values]
        for name, values in reader.fields.items()
    }
    return {
        name: values if len(values) != 1 else values[0]
        for name, values in fields.items()
        if name not in NOT_ITEM_FIELDS and not name.startswith("CHANGE_FORM-")
    }


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The item form at ``url`` as the browser would submit it (without the button)."""
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    return read_form(page.content.decode())
