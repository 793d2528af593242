"""Impartial wording: the education content (articles, glossary, taglines) and every
template under templates/finder name no plan sponsor and never rank plans.

Sponsor names may appear on pages only as plan data from the database (a plan's name,
its organization), never in text we write. The names come from three places: the demo
catalog (its parents and organizations), CMS's MA contract directory ("Parent
Organization" and "Organization Marketing Name"), and a fixed list of the largest
Medicare Advantage sponsors' brand words, so the test bites without the CMS file too.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "fixtures" / "content"
TEMPLATES = ROOT / "templates" / "finder"
DEMO_CATALOG = ROOT / "fixtures" / "demo_catalog.json"
CONTRACT_DIRECTORY = Path("cms_contracts") / "MA_Contract_directory_2026_02.csv"

# The largest Medicare Advantage sponsors' brand words (parents and their MA brands).
BRANDS = (
    "UnitedHealthcare", "UnitedHealth", "Optum", "Humana", "Aetna", "CVS", "CVS Health",
    "Elevance", "Anthem", "Wellpoint", "Amerigroup", "Simply Healthcare", "Centene",
    "Wellcare", "Health Net", "Ambetter", "Molina", "Cigna", "HealthSpring", "Kaiser",
    "Kaiser Permanente", "Blue Cross", "Blue Shield", "BCBS", "Highmark", "Florida Blue",
    "Independence Blue Cross", "Devoted Health", "Alignment Health", "Clover Health",
    "SCAN Health Plan", "Oscar Health", "CareSource", "Healthfirst", "EmblemHealth",
    "AmeriHealth", "Bright Health", "UPMC Health Plan", "Sunshine Health", "Fidelis Care",
)  # fmt: skip
# Ranking words: no plan is "recommended" or "best" here (English and Spanish).
RANKING = re.compile(
    r"\b(?:recommended|best[- ]plans?|top[- ]rated|top[- ]ranked|#1 plan|"
    r"recomendad[oa]s?|(?:el |los )?mejor(?:es)? plan(?:es)?|mejor calificad[oa]s?)\b",
    re.IGNORECASE,
)


def checked_files() -> list[Path]:
    files = sorted((CONTENT / "articles").glob("*.md"))
    files += [CONTENT / "glossary.toml", CONTENT / "taglines.toml"]
    files += sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))
    return files


def demo_catalog_names() -> set[str]:
    data = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    names = set(data["parents"])
    for organization in data["organizations"]:
        names.update({organization["legal_name"], organization["marketing_name"]})
    return {n.strip() for n in names if n and n.strip()}


def contract_directory_names(shared: Path) -> set[str]:
    path = shared / CONTRACT_DIRECTORY
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    names = set()
    for row in rows:
        for column in ("Parent Organization", "Organization Marketing Name"):
            value = (row.get(column) or "").strip()
            if value:
                names.add(value)
    return names


def _where(file: Path) -> str:
    try:
        return str(file.relative_to(ROOT))
    except ValueError:
        return file.name


def sponsor_mentions(names: Iterable[str], files: Iterable[Path]) -> list[str]:
    """Every whole-word, case-insensitive mention of a name, as "file: name"."""
    wanted = sorted({n for n in names if len(n) >= 3}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile(
        r"(?<![\w])(?:" + "|".join(re.escape(n) for n in wanted) + r")(?![\w])", re.IGNORECASE
    )
    found = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{_where(file)}:{line}: {match.group(0)!r}")
    return found


def test_the_checked_files_exist() -> None:
    files = checked_files()
    assert any(f.suffix == ".md" for f in files)
    assert any(f.name == "results.html" for f in files)
    assert any(f.parent.name == "education" for f in files)


def test_no_demo_catalog_sponsor_or_big_brand_is_named() -> None:
    mentions = sponsor_mentions(demo_catalog_names() | set(BRANDS), checked_files())
    assert not mentions, "Sponsor names in our own text:\n" + "\n".join(mentions)


def test_no_sponsor_from_the_cms_contract_directory_is_named(shared_data: Path) -> None:
    if not (shared_data / CONTRACT_DIRECTORY).is_file():
        pytest.fail(f"{CONTRACT_DIRECTORY} is missing from {shared_data}.")
    names = contract_directory_names(shared_data)
    assert len(names) > 100  # the file was read, not an empty shell
    mentions = sponsor_mentions(names, checked_files())
    assert not mentions, "Sponsor names in our own text:\n" + "\n".join(mentions)


def test_no_ranking_words() -> None:
    found = []
    for file in checked_files():
        text = file.read_text(encoding="utf-8")
        for match in RANKING.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{_where(file)}:{line}: {match.group(0)!r}")
    assert not found, "Ranking words:\n" + "\n".join(found)


def test_the_checks_catch_what_they_should(tmp_path: Path) -> None:
    sample = tmp_path / "sample.md"
    sample.write_text("Call humana today. The best plan! Top-rated. Plan recomendado.\n")
    assert sponsor_mentions({"Humana"}, [sample]) == ["sample.md:1: 'humana'"]
    assert RANKING.findall(sample.read_text()) == ["best plan", "Top-rated", "recomendado"]
    # Whole words only: "Medica" (a sponsor's name) is not found inside "Medicaid".
    medicaid = tmp_path / "medicaid.md"
    medicaid.write_text("Medicaid pays.\n")
    assert sponsor_mentions({"Medica"}, [medicaid]) == []
