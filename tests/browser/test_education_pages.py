"""The education pages in a real browser: axe-core finds nothing on the article index,
an article in English and Spanish, and the glossary in both languages; the glossary
links and "What … means" details on the Medicaid question pass axe and work without
JavaScript.

Live-server tests flush the database after each test, so each test loads the content
files itself (``content``)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from plans.content import load_content
from tests.browser.helpers import assert_no_axe_violations, save_screenshots

MEDICAID_STEP = "/en/find/medicaid/?" + urlencode(
    {"zip": "33125", "county": "12086", "medicare": "ab", "coverage": "original"}
)
RESULTS = "/en/results/?" + urlencode(
    {"zip": "33125", "county": "12086", "medicare": "ab", "medicaid": "full", "date": "2026-11-22"}
)
AT_MEDICAID_DEFINITION = re.compile(r"/en/find/medicaid/\?.*#glossary-medicaid$")


@pytest.fixture
def content(transactional_db: None) -> None:
    load_content()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/en/learn/", "the article index (en)"),
        ("/en/learn/your-rights/", "an article (en)"),
        ("/es/learn/your-rights/", "an article (es)"),
        ("/en/glossary/", "the glossary (en)"),
        ("/es/glossary/", "the glossary (es)"),
    ],
)
def test_education_pages_have_no_axe_violations(
    page: Page, content: None, path: str, label: str
) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    # Every tagline carries its own language (and direction) for screen readers.
    expect(page.locator('.tagline-list li[lang="ar"][dir="rtl"]')).to_have_count(1)
    assert_no_axe_violations(page, label)
    save_screenshots(page, "education" + path.replace("/", "-"))


def test_medicaid_question_with_glossary_has_no_axe_violations(
    page: Page, demo_catalog: None, content: None
) -> None:
    page.goto(MEDICAID_STEP)
    expect(page.locator("details.choice-term").first).to_be_visible()
    expect(page.locator("a.term").first).to_be_visible()
    assert_no_axe_violations(page, "the Medicaid question with glossary terms")
    save_screenshots(page, "education-medicaid-step")


def test_results_with_glossary_and_taglines_have_no_axe_violations(
    page: Page, demo_catalog: None, content: None
) -> None:
    page.goto(RESULTS)
    expect(page.locator(".kind-intro a.term").first).to_be_visible()
    expect(page.locator(".glossary-on-page dt").first).to_be_attached()
    expect(page.locator(".tagline-list li")).to_have_count(15)
    assert_no_axe_violations(page, "the results page with glossary terms and taglines")


def test_glossary_works_without_javascript(
    page_nojs: Page, demo_catalog: None, content: None
) -> None:
    page = page_nojs
    page.goto(MEDICAID_STEP)
    # A choice's "What … means" opens in place and does not choose the answer.
    choice = page.locator(".choice").filter(has=page.locator("#medicaid-qmb_plus"))
    details = choice.locator("details.choice-term")
    definition = details.locator("p")
    expect(definition).to_be_hidden()
    details.locator("summary").click()
    expect(definition).to_be_visible()
    expect(page.locator('input[name="medicaid"][value="qmb_plus"]')).not_to_be_checked()
    # The label still chooses the answer.
    page.locator('label[for="medicaid-qmb_plus"]').click()
    expect(page.locator('input[name="medicaid"][value="qmb_plus"]')).to_be_checked()
    # A term link jumps to its definition on the same page.
    page.locator('a.term[href="#glossary-medicaid"]').click()
    expect(page).to_have_url(AT_MEDICAID_DEFINITION)
    expect(page.locator("#glossary-medicaid")).to_be_in_viewport()
    expect(page.locator("#glossary-medicaid-def")).to_be_visible()
