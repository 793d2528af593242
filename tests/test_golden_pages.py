"""Golden output: the full HTML of a results, plan, compare and question page, byte for
byte, in English and Spanish, on fixed dates, from a fresh render (no page cache).

They pin what a page says so that work on speed or structure cannot change it by
accident. A change that is meant to change a page regenerates the files with
``UPDATE_GOLDEN=1 scripts/run-tests tests/test_golden_pages.py`` and the diff of
``tests/golden/`` is read in review like any other change.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.test import Client

from plans.content import load_content

# Database ids appear in pages (anchors, compare boxes) and the neutral order starts from
# them: start every sequence afresh so the same catalog gives the same ids on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

GOLDEN = Path(__file__).with_name("golden")
MIAMI = (
    "zip=33125&county=12086&medicare=ab&coverage=original&medicaid=full&medicaid_plan=none"
    "&medicaid_change=no&age=65plus&care_needs=no&nursing_home=no"
)
# (name, path and query, the day the page is seen). The dates: a day in the second
# plan year's Annual Enrollment Period, the first days of December (the old plan year can
# no longer be joined), and a day in June (one plan year in view).
PAGES = [
    ("results-2026-11-22", f"/results/?{MIAMI}&date=2026-11-22", datetime.date(2026, 11, 22)),
    ("results-2026-12-04", f"/results/?{MIAMI}&date=2026-12-04", datetime.date(2026, 12, 4)),
    (
        "results-2026-12-04-all-years",
        f"/results/?{MIAMI}&date=2026-12-04&year=all",
        datetime.date(2026, 12, 4),
    ),
    ("results-2027-06-15", f"/results/?{MIAMI}&date=2027-06-15", datetime.date(2027, 6, 15)),
    (
        "results-counselor-2026-11-22",
        f"/results/?{MIAMI}&date=2026-11-22&counselor=1",
        datetime.date(2026, 11, 22),
    ),
    (
        "results-la-2026-11-22",
        "/results/?zip=90012&county=06037&medicare=ab&coverage=ma"
        "&medicaid=qmb&medicaid_change=not_sure&age=55-59&care_needs=yes&nursing_home=no"
        "&date=2026-11-22",
        datetime.date(2026, 11, 22),
    ),
    (
        "question-medicaid",
        "/find/medicaid/?zip=33125&county=12086&medicare=ab&coverage=original",
        datetime.date(2026, 11, 22),
    ),
    ("question-county", "/find/county/?zip=33125", datetime.date(2026, 11, 22)),
]


def _plan_pages() -> list[tuple[str, str, datetime.date]]:
    """Every published demo plan's page is pinned too (a few kinds: D-SNP levels, PACE)."""
    from plans.models import Plan

    pages = []
    for plan in Plan.objects.published().order_by("plan_year", "contract_id", "pbp", "segment"):
        pages.append(
            (
                f"plan-{plan.plan_year}-{plan.cms_id}",
                f"/plans/{plan.plan_year}/{plan.cms_id}/?{MIAMI}",
                datetime.date(2026, 11, 22),
            )
        )
    return pages


def _normalise(html: str) -> str:
    # Hashed static file names change with any CSS or JS edit; they are not page output.
    return re.sub(
        r"/static/([\w/.-]+?)\.[0-9a-f]{12}\.(css|js|svg|png|ico)", r"/static/\1.\2", html
    )


def _check(name: str, html: str) -> None:
    path = GOLDEN / f"{name}.html"
    html = _normalise(html)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        return
    assert path.exists(), f"No golden file {path.name}: run with UPDATE_GOLDEN=1 and review it."
    expected = path.read_text(encoding="utf-8")
    if html != expected:
        # Show where it first differs rather than two pages of HTML.
        pairs = enumerate(zip(html, expected, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(html), len(expected)))
        pytest.fail(
            f"{path.name} differs at character {at}:\n"
            f"got:      {html[max(0, at - 200) : at + 200]!r}\n"
            f"expected: {expected[max(0, at - 200) : at + 200]!r}"
        )


@pytest.fixture
def golden_catalog(demo_catalog: None, settings) -> None:  # type: ignore[no-untyped-def]
    load_content()
    settings.PAGE_CACHE = False


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("name", "url", "day"), PAGES, ids=[p[0] for p in PAGES])
def test_page_output_is_unchanged(
    golden_catalog: None,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    name: str,
    url: str,
    day: datetime.date,
) -> None:
    monkeypatch.setattr("finder.views._today", lambda: day)
    response = client.get(f"/{language}{url}")
    assert response.status_code == 200, response.content[:500]
    _check(f"{name}.{language}", response.content.decode())


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_pages_are_unchanged(
    golden_catalog: None, client: Client, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    pages = _plan_pages()
    assert len(pages) >= 10
    for name, url, day in pages:
        monkeypatch.setattr("finder.views._today", lambda day=day: day)
        response = client.get(f"/{language}{url}")
        assert response.status_code == 200, url
        _check(f"{name}.{language}", response.content.decode())
