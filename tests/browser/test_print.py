"""Printing: results and compare are handouts (a SHIP counselor prints them for the
person). What matters stays (the sample-data warning, the answers, the plans, who to
call); what only works on a screen goes (navigation, the sort form, buttons, check
boxes, "Change" links). A typical results page must stay short (see MAX_RESULTS_PAGES).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import DATE, JOURNEY, load_catalog


@pytest.fixture
def catalog(demo_geography: None) -> None:
    """The demo catalog as of 2026-11-22 (see test_journeys.load_catalog)."""
    load_catalog()


ANSWERS_DATED = {**dict(JOURNEY), **DATE}
RESULTS = f"/en/results/?{urlencode(ANSWERS_DATED)}"
TWO_PLANS = [("plan", "2026:H9001-001"), ("plan", "2026:H9006-001")]
COMPARE = f"/en/compare/?{urlencode([*ANSWERS_DATED.items(), *TWO_PLANS])}"
# The demo results for this person in Miami-Dade on 2026-11-22: 12 plan cards (6 plans
# in each of 2026 and 2027) in all three groups, the answers, Original Medicare, the help
# box. With the print stylesheet they take 3 pages, on US Letter and on A4, set in DejaVu
# Sans (Debian's fallback for Helvetica and Arial, and wider than both). The stylesheet
# before this one took 6 once its overflowing address was wrapped (4 only because Chromium
# shrank every page to fit that address). One page of slack, for the glossary definitions
# being added to the foot of pages and for font differences; more means the handout grew.
MAX_RESULTS_PAGES = 4
SCREEN_ONLY = [
    ".skip-link",
    ".site-header nav",
    ".sort-form",
    ".year-filter",
    "details.why",
    ".compare-pick",
    ".answer-row .change",
    ".change-answers > summary",
    "button",
    ".button",
]


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF from Chromium (each page object says /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def expect_screen_only_hidden(page: Page) -> None:
    for selector in SCREEN_ONLY:
        found = page.locator(selector)
        for index in range(found.count()):
            expect(found.nth(index), f"{selector} is printed").to_be_hidden()


def test_results_print(page: Page, catalog: None) -> None:
    page.goto(RESULTS)
    page.emulate_media(media="print")
    expect(page.locator(".banner-sample")).to_be_visible()
    expect(page.locator(".banner-sample")).to_contain_text("Sample data.")
    answers = page.locator(".your-answers")
    expect(answers).to_be_visible()
    # "Change your answers" is closed on screen; on paper every answer is printed.
    expect(page.locator(".change-answers")).not_to_have_attribute("open", "")
    expect(answers.locator(".answer-row")).to_have_count(len(JOURNEY))
    for index in range(len(JOURNEY)):
        expect(answers.locator(".answer-row").nth(index)).to_be_visible()
    expect(answers).to_contain_text("Miami-Dade County, Florida")
    # The address, to come back to the same results.
    expect(answers.locator(".print-only")).to_be_visible()
    expect(answers.locator(".print-only")).to_contain_text("/en/results/?zip=33125")
    expect(page.locator(".plan-card")).to_have_count(14)
    for index in range(14):
        expect(page.locator(".plan-card").nth(index)).to_be_visible()
    for group in ("eligible", "may_qualify", "not_eligible"):
        expect(page.locator(f"#group-{group}")).to_be_visible()
    help_box = page.locator(".help-box")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("SHIP")
    expect(help_box).to_contain_text("1-800-MEDICARE")
    expect(help_box).to_contain_text("1-800-633-4227")
    expect(page.locator(".original-medicare")).to_be_visible()
    expect_screen_only_hidden(page)
    # Nothing is wider than the paper (long addresses wrap).
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    pdf = page.pdf(format="Letter")
    pages = pdf_pages(pdf)
    print(f"results print: {pages} page(s) of US Letter, {len(pdf)} bytes")
    assert 1 <= pages <= MAX_RESULTS_PAGES, f"the printed results take {pages} pages"


def test_compare_print(page: Page, catalog: None) -> None:
    page.goto(COMPARE)
    page.emulate_media(media="print")
    expect(page.locator(".banner-sample")).to_be_visible()
    columns = page.locator('.compare-table thead th[scope="col"]')
    expect(columns.locator("a")).to_have_text(
        ["Sample Sunshine Complete (FIDE)", "Sample Everglades PACE"]
    )
    for index in range(2):
        expect(columns.nth(index)).to_be_visible()
    expect(page.locator('.compare-table th[scope="row"]').first).to_be_visible()
    footer = page.locator(".site-footer")
    expect(footer).to_be_visible()
    expect(footer).to_contain_text("1-877-839-2675")  # the SHIP locator
    expect(footer).to_contain_text("1-800-633-4227")  # 1-800-MEDICARE
    expect(page.locator(".back-link")).to_be_hidden()
    expect_screen_only_hidden(page)
    pdf = page.pdf(format="Letter")
    print(f"compare print: {pdf_pages(pdf)} page(s) of US Letter")
    assert pdf_pages(pdf) >= 1
