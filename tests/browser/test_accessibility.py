"""axe-core on every public page, with no exceptions, and the layout on a phone.

Each test opens a group of pages and fails once, listing every problem of every page
(so one run shows them all). On each page:

- at 1280 CSS pixels wide: axe-core with the tags WCAG 2.0/2.1/2.2 A and AA plus best
  practices (helpers.AXE_TAGS), 0 violations. No rule is disabled or excepted;
- at 390 px (a phone): axe's ``target-size`` rule again, as targets move there. It is
  WCAG 2.2 SC 2.5.8 "Target Size (Minimum)": 24 by 24 CSS pixels, or enough spacing,
  with links inside a line of text exempt;
- at 390 px, stricter than 2.5.8 (which lets a small control pass on spacing): every
  control that is not a link inside a line of text (buttons, fields, radio buttons,
  check boxes, ``summary``, links shown as blocks) is at least 24 by 24;
- at 390 px, no sideways scrolling: ``document.documentElement.scrollWidth <= 390``.

With SCREENSHOTS=1 some pages are also saved at both widths (see docs/browser-tests.md).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_violations, format_violations, save_screenshots
from tests.browser.test_journeys import DATE, JOURNEY, load_catalog, tab_to


@pytest.fixture
def catalog(demo_geography: None) -> None:
    """The demo catalog as of 2026-11-22 (see test_journeys.load_catalog)."""
    load_catalog()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .filter(e => getComputedStyle(e).display !== 'inline')
  .map(e => { const r = e.getBoundingClientRect();
              return {html: e.outerHTML.slice(0, 90), width: r.width, height: r.height}; })
  .filter(t => t.width < 24 || t.height < 24)"""


def url(path: str, answers: dict[str, str] | list[tuple[str, str]] = ()) -> str:
    query = urlencode(answers)
    return f"{path}?{query}" if query else path


def answers_before(step: str) -> dict[str, str]:
    """The journey's answers to every question before ``step``, dated."""
    names = [name for name, _value in JOURNEY]
    return {**dict(JOURNEY[: names.index(step)]), **DATE}


# A wrong answer for each question, so that question is shown with its error.
WRONG = {
    "zip": "123",
    "county": "99999",
    "medicare": "bogus",
    "coverage": "bogus",
    "medicaid": "bogus",
    "medicaid_plan": "bogus",
    "medicaid_change": "bogus",
    "age": "bogus",
    "care_needs": "bogus",
    "nursing_home": "bogus",
}
ANSWERS_DATED = {**dict(JOURNEY), **DATE}


def page_problems(page: Page, label: str) -> list[str]:
    """Every accessibility problem of the page as it is now (see the module's docstring)."""
    problems: list[str] = []
    page.set_viewport_size(DESKTOP)
    violations = axe_violations(page)
    if violations:
        problems.append(f"{label} at 1280 px: axe:\n{format_violations(violations)}")
    page.set_viewport_size(PHONE)
    try:
        where = f"{label} at 390 px"
        # axe is in the page already (axe_violations put it there): run one rule.
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'rule', values: ['target-size']},"
            " resultTypes: ['violations']})"
        )
        if result["violations"]:
            problems.append(f"{where}: axe:\n{format_violations(result['violations'])}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            problems.append(f"{where}: scrolls sideways (scrollWidth {scroll_width})")
        for target in page.evaluate(SMALL_TARGETS):
            problems.append(
                f"{where}: target {target['width']:.0f}×{target['height']:.0f} px: {target['html']}"
            )
    finally:
        page.set_viewport_size(DESKTOP)
    return problems


def check_pages(page: Page, pages: list[tuple[str, str, int]], screenshots: dict[str, str]) -> None:
    """Open each (label, address, status) and fail once listing every problem."""
    problems: list[str] = []
    for label, address, status in pages:
        response = page.goto(address)
        assert response is not None
        if response.status != status:
            problems.append(f"{label}: status {response.status}, not {status} ({address})")
        # The page is the one meant: a question is on its own step, an error is shown.
        if "step " in label and "/find/" in address:
            step = label.split()[1]
            expect(page).to_have_url(re.compile(rf"/find/{step}/"))
        if "error" in label:
            expect(page.locator(".error-summary")).to_be_visible()
            expect(page.locator(".error-summary")).to_have_attribute("role", "alert")
        found = page_problems(page, f"{label} ({address})")
        print(f"axe {label}: {len(found)} problem(s)")
        problems.extend(found)
        if label in screenshots:
            save_screenshots(page, screenshots[label])
    if problems:
        pytest.fail(
            f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems), pytrace=False
        )


def test_start_pages(page: Page, catalog: None) -> None:
    check_pages(
        page,
        [("start, English", "/en/", 200), ("start, Spanish", "/es/", 200)],
        {"start, English": "a11y-start-en"},
    )


def test_every_question(page: Page, catalog: None) -> None:
    pages = [
        (f"step {name}", url(f"/en/find/{name}/", answers_before(name)), 200)
        for name, _value in JOURNEY
    ]
    check_pages(page, pages, {"step medicaid": "a11y-question-medicaid"})


def test_every_question_with_its_error(page: Page, catalog: None) -> None:
    pages = [
        (
            f"step {name} with an error",
            url(f"/en/find/{name}/", {**answers_before(name), name: WRONG[name]}),
            200,
        )
        for name, _value in JOURNEY
    ]
    check_pages(page, pages, {"step zip with an error": "a11y-error-zip"})
    # The same error as htmx swaps it in (an empty ZIP sent from the first question).
    page.goto(url("/en/find/zip/", DATE))
    tab_to(page, "#zip-input")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    problems = page_problems(page, "step zip with an error swapped in by htmx")
    assert not problems, "\n".join(problems)


def test_results_pages(page: Page, catalog: None) -> None:
    standard = url("/en/results/", ANSWERS_DATED)
    counselor = url("/en/results/", {**ANSWERS_DATED, "counselor": "1"})
    pages = [
        ("results, English", standard, 200),
        ("results, Spanish", standard.replace("/en/", "/es/", 1), 200),
        ("counselor results, English", counselor, 200),
        ("counselor results, Spanish", counselor.replace("/en/", "/es/", 1), 200),
    ]
    check_pages(page, pages, {"results, English": "a11y-results"})


def test_plan_compare_counselor_and_error_pages(page: Page, catalog: None) -> None:
    plans = [("plan", "2026:H9001-001"), ("plan", "2026:H9006-001")]
    pages = [
        ("plan page, FIDE", url("/en/plans/2026/H9001-001/", ANSWERS_DATED), 200),
        ("plan page, PACE", url("/en/plans/2026/H9006-001/", ANSWERS_DATED), 200),
        ("compare", url("/en/compare/", [*ANSWERS_DATED.items(), *plans]), 200),
        ("counselor form", "/en/counselor/", 200),
        ("counselor form with an error", url("/en/counselor/", {"go": "1", "zip": "33125"}), 400),
        ("counselor lookup", url("/en/counselor/", {"plan_id": "H9001-001"}), 200),
        ("not found (404)", "/en/no-such-page/", 404),
        ("bad link", url("/en/results/", {**ANSWERS_DATED, "date": "2026-13-01"}), 400),
    ]
    check_pages(
        page,
        pages,
        {
            "plan page, FIDE": "a11y-plan-fide",
            "compare": "a11y-compare",
            "counselor form": "a11y-counselor",
        },
    )
