"""A tiny, safe renderer for the Markdown subset the articles use.

Supported: paragraphs (separated by blank lines), headings (``##`` and ``###``; a single
``#`` becomes ``##`` because the page title is the only ``<h1>``), bulleted lists
(``-`` or ``*``), numbered lists (``1.``), links ``[text](target)`` and bold
``**text**``. Everything else is text: it is escaped, so raw HTML in a file shows as
written and can never run. Link targets are limited to https/http, mailto, tel, site
paths (``/en/…``) and the names a ``resolve`` callback knows (``learn:slug``).

Written here rather than added as a dependency: the subset is small, the escaping rule
("everything is text unless it is one of these five things") is easy to read and test,
and the usual libraries allow raw HTML by default, which would need a sanitizer too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A filter over already-escaped text (for example one that links glossary terms).
TextFilter = Callable[[str], str]
# Maps a link target that is not a plain URL (``learn:pace``) to a URL, or None.
Resolver = Callable[[str], str | None]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,3}[.)]\s+(.*)$")
# A link target may hold balanced parentheses, as eCFR anchors do: #p-422.50(a)(3)(i).
_INLINE = re.compile(
    r"\[(?P<text>[^\[\]]+)\]\((?P<target>(?:[^()\s]|\([^()\s]*\))+)\)|\*\*(?P<bold>.+?)\*\*"
)
_SAFE_URL = re.compile(r"^(?:https?://[^\s\"'<>]+|mailto:[^\s\"'<>]+|tel:[0-9+\-]+|/(?!/)\S*)$")


@dataclass
class _Block:
    kind: str  # "h2", "h3", "p", "ul", "ol"
    lines: list[str] = field(default_factory=list)  # paragraph lines, or one item each


def _url(target: str, resolve: Resolver | None) -> str | None:
    if _SAFE_URL.match(target):
        return target
    if resolve is not None and re.match(r"^[a-z]+:[a-z0-9-]+(#[a-z0-9-]+)?$", target):
        return resolve(target)
    return None


def render_inline(
    text: str, *, resolve: Resolver | None = None, text_filter: TextFilter | None = None
) -> SafeString:
    """One line of text with links and bold; everything else escaped."""
    out: list[str] = []
    position = 0

    def plain(segment: str) -> str:
        escaped = str(escape(segment))
        return text_filter(escaped) if text_filter else escaped

    for match in _INLINE.finditer(text):
        out.append(plain(text[position : match.start()]))
        if match.group("bold") is not None:
            out.append(f"<strong>{plain(match.group('bold'))}</strong>")
        else:
            label = escape(match.group("text"))
            url = _url(match.group("target"), resolve)
            if url is None:
                out.append(str(label))  # an unsafe or unknown target: keep only the words
            else:
                external = ' rel="noopener noreferrer"' if url.startswith("http") else ""
                out.append(f'<a href="{escape(url)}"{external}>{label}</a>')
        position = match.end()
    out.append(plain(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if heading:
            level = "h2" if len(heading.group(1)) <= 2 else "h3"
            blocks.append(_Block(level, [heading.group(2)]))
            current = None
        elif bullet or numbered:
            kind = "ul" if bullet else "ol"
            item = (bullet or numbered).group(1)  # type: ignore[union-attr]
            if current is None or current.kind != kind:
                current = _Block(kind)
                blocks.append(current)
            current.lines.append(item)
        elif current is not None and current.kind in ("ul", "ol"):
            current.lines[-1] += " " + line.strip()  # a list item continues
        elif current is not None and current.kind == "p":
            current.lines.append(line.strip())
        else:
            current = _Block("p", [line.strip()])
            blocks.append(current)
    return blocks


def render(
    text: str, *, resolve: Resolver | None = None, text_filter: TextFilter | None = None
) -> SafeString:
    """The whole body as HTML. ``text_filter`` runs on paragraph and list text only:
    never on headings, so no link lands inside a heading."""
    html: list[str] = []
    for block in _blocks(text):
        if block.kind in ("h2", "h3"):
            html.append(
                f"<{block.kind}>{render_inline(block.lines[0], resolve=resolve)}</{block.kind}>"
            )
        elif block.kind == "p":
            inner = render_inline(" ".join(block.lines), resolve=resolve, text_filter=text_filter)
            html.append(f"<p>{inner}</p>")
        else:
            items = "".join(
                f"<li>{render_inline(item, resolve=resolve, text_filter=text_filter)}</li>"
                for item in block.lines
            )
            html.append(f"<{block.kind}>{items}</{block.kind}>")
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped pieces only


def plain_text(text: str) -> list[str]:
    """The body as plain sentences, one per block or list item, markup removed: what a
    reader reads (used to measure readability)."""
    units: list[str] = []
    for block in _blocks(text):
        for line in block.lines if block.kind in ("ul", "ol") else [" ".join(block.lines)]:
            words = _INLINE.sub(lambda m: m.group("text") or m.group("bold") or "", line)
            units.append(words.strip())
    return units
