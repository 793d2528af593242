"""The Spanish catalog is complete: every entry translated, none fuzzy, placeholders kept.

Reads locale/es/LC_MESSAGES/django.po with the standard library only (no database),
so a string added to a template or module without a Spanish translation fails here
after `makemessages` has put it in the catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
# printf-style (python-format): %(name)s, %s, %d, %.2f ...; "%%" is a literal percent sign.
_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
# str.format-style (python-brace-format): {name}, {0}, {name!r:>10}; "{{" and "}}" are literal.
_BRACE = re.compile(r"\{([^{}]*)\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    plurals: dict[int, str] = field(default_factory=dict)

    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(text: str) -> list[Entry]:
    """Active (not obsolete) entries of a .po file, header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start(number: int) -> Entry:
        nonlocal current, target
        # A comment, msgctxt or msgid after a msgstr begins the next entry.
        if current is not None and target is not None and target[0] == "msgstr":
            entries.append(current)
            current, target = None, None
        if current is None:
            current = Entry(line=number)
        return current

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # obsolete entries are not compiled
            continue
        if line.startswith("#"):
            entry = start(number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            entry = start(number) if keyword in ("msgctxt", "msgid") else current
            if entry is None:
                raise ValueError(f"{PO_FILE.name}:{number}: {keyword} before msgid")
            target = (keyword, int(index) if index is not None else None)
            _append(entry, target, _unquote(quoted), start=True)
            continue
        if line.startswith('"') and current is not None and target is not None:
            _append(current, target, _unquote(line), start=False)
            continue
        raise ValueError(f"{PO_FILE.name}:{number}: cannot read {raw!r}")
    if current is not None:
        entries.append(current)
    return entries


def _append(entry: Entry, target: tuple[str, int | None], value: str, *, start: bool) -> None:
    keyword, index = target
    if keyword == "msgstr" and index is not None:
        entry.plurals[index] = value if start else entry.plurals[index] + value
    elif keyword == "msgstr":
        entry.msgstr = value if start else entry.msgstr + value
    elif keyword == "msgid":
        entry.msgid = value if start else entry.msgid + value
    elif keyword == "msgid_plural":
        entry.msgid_plural = value if start else (entry.msgid_plural or "") + value
    else:
        entry.msgctxt = value if start else (entry.msgctxt or "") + value


def placeholders(text: str) -> Counter[str]:
    """Every format placeholder in a string, counted (order-free)."""
    found: Counter[str] = Counter()
    for match in _PERCENT.finditer(text):
        if match.group(0) != "%%":
            found[match.group(0)] += 1
    unescaped = text.replace("{{", "").replace("}}", "")
    for match in _BRACE.finditer(unescaped):
        found["{" + match.group(1) + "}"] += 1
    return found


def _nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr)
    assert match, "The header has no Plural-Forms line with nplurals."
    return int(match.group(1))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_FILE.is_file(), f"{PO_FILE} is missing"
    parsed = parse_po(PO_FILE.read_text(encoding="utf-8"))
    assert parsed and parsed[0].msgid == "", "The catalog has no header entry."
    return parsed


def test_the_catalog_has_messages(entries: list[Entry]) -> None:
    assert len(entries) > 100, f"Only {len(entries) - 1} messages: is this the real catalog?"


def test_header_is_spanish_and_not_fuzzy(entries: list[Entry]) -> None:
    header = entries[0]
    assert "fuzzy" not in header.flags, "The header is marked fuzzy."
    assert "Language: es\n" in header.msgstr
    assert "charset=UTF-8" in header.msgstr


def test_every_entry_is_translated(entries: list[Entry]) -> None:
    nplurals = _nplurals(entries[0])
    problems = []
    for entry in entries[1:]:
        if entry.msgid_plural is None:
            if not entry.msgstr.strip():
                problems.append(f"untranslated: {entry.label()}")
            continue
        forms = sorted(entry.plurals)
        if forms != list(range(nplurals)):
            problems.append(f"has plural forms {forms}, needs 0..{nplurals - 1}: {entry.label()}")
        for index in forms:
            if not entry.plurals[index].strip():
                problems.append(f"empty msgstr[{index}]: {entry.label()}")
    assert not problems, f"{len(problems)} untranslated entries:\n" + "\n".join(problems)


def test_no_entry_is_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [entry.label() for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (check and remove the flag):\n" + "\n".join(
        fuzzy
    )


def test_placeholders_are_kept(entries: list[Entry]) -> None:
    problems = []
    for entry in entries[1:]:
        expected = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            expected |= placeholders(entry.msgid_plural)
            translations = {f"msgstr[{i}]": text for i, text in sorted(entry.plurals.items())}
        else:
            translations = {"msgstr": entry.msgstr}
        for name, text in translations.items():
            if not text:
                continue  # reported as untranslated
            got = placeholders(text)
            missing = sorted((expected - got).elements())
            extra = sorted((got - expected).elements())
            if missing or extra:
                problems.append(f"{name} missing {missing} extra {extra}: {entry.label()}")
    assert not problems, f"{len(problems)} entries lose or add placeholders:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plan year %(year)s", {"%(year)s": 1}),
        ("100%% sure, %s and %d", {"%s": 1, "%d": 1}),
        ("{plans} or {last}", {"{plans}": 1, "{last}": 1}),
        ("{{literal}} {premium}", {"{premium}": 1}),
        ("No placeholder here.", {}),
    ],
)
def test_placeholder_finder(text: str, expected: dict[str, int]) -> None:
    assert placeholders(text) == Counter(expected)


def test_parser_reads_plurals_flags_and_continuations() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        "#: a.py:1\n#, fuzzy, python-format\n"
        'msgid "One %(n)s"\nmsgid_plural "Many %(n)s"\n'
        'msgstr[0] "Uno %(n)s"\nmsgstr[1] ""\n\n'
        '#~ msgid "old"\n#~ msgstr "viejo"\n\n'
        'msgid ""\n"Say \\"hi\\""\nmsgstr "Diga \\"hola\\""\n'
    )
    header, plural, quoted = parse_po(sample)
    assert header.msgstr == "Language: es\n"
    assert plural.flags == {"fuzzy", "python-format"}
    assert plural.plurals == {0: "Uno %(n)s", 1: ""}
    assert (quoted.msgid, quoted.msgstr) == ('Say "hi"', 'Diga "hola"')
