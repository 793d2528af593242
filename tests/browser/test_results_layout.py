"""Results a person can take in on a phone, the counselor's one-page handout and the
compare table (issue 15), in a real browser.

- At 390×844 (a phone) the first plan's name is within the first 1.5 screens of the
  results, in English and Spanish, with JavaScript on and off.
- axe-core finds nothing on the results (standard and counselor), the handout and
  compare, at 390 and 1280 px.
- The handout prints on one US Letter page for 3 plans and at most two for 6 (Chromium's
  ``page.pdf`` with its default 0.4-inch margins), without shrinking to fit.
- Compare is a table whose rows and columns keep their table roles on a phone.
- The counselor ticks plans and reaches "Print a summary" by keyboard alone.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import axe_violations, format_violations, save_screenshots
from tests.browser.test_journeys import DATE, load_catalog, query_of, tab_to
from tests.browser.test_print import pdf_pages


@pytest.fixture
def catalog(demo_geography: None) -> None:
    """The demo catalog as of 2026-11-22 (see test_journeys.load_catalog)."""
    load_catalog()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The measure: the first plan's name within the first one and a half screens.
FIRST_CARD_LIMIT = 1.5 * PHONE["height"]
# The person: full Medicaid, 65 or older, in Miami-Dade, on a day both plan years
# show (14 plans).
ANSWERS = {
    "zip": "33125",
    "county": "12086",
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
    **DATE,
}
RESULTS = f"/results/?{urlencode(ANSWERS)}"
COUNSELOR = f"/results/?{urlencode({**ANSWERS, 'counselor': '1'})}"
THREE = ["2026:H9001-001", "2027:H9006-001", "2027:H9002-001"]
SIX = [*THREE, "2026:H9003-001", "2027:H9003-002", "2026:H9006-001"]
# Chromium's print dialog sets 0.4-inch margins by default; a PDF without margins
# would hold more than a counselor's printer does.
MARGINS = dict.fromkeys(("top", "right", "bottom", "left"), "0.4in")


def with_plans(path: str, plans: list[str]) -> str:
    return f"{path}?{urlencode([*ANSWERS.items(), *(('plan', p) for p in plans)])}"


def first_card_name_y(page: Page) -> float:
    box = page.locator(".plan-card h4").first.bounding_box()
    assert box is not None, "no plan card"
    return box["y"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_first_plan_is_near_the_top_on_a_phone(
    browser: Browser, live_server, catalog: None, language: str
) -> None:  # type: ignore[no-untyped-def]
    for javascript in (True, False):
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
        )
        try:
            page = context.new_page()
            page.goto(f"/{language}{RESULTS}")
            expect(page.locator(".plan-card")).to_have_count(14)
            # A fresh page is at the top, so the box's y is its distance from the top.
            y = first_card_name_y(page)
            label = f"{language}, JavaScript {'on' if javascript else 'off'}"
            print(f"first plan name at y={y:.0f} px at 390×844 ({label})")
            assert y <= FIRST_CARD_LIMIT, f"{label}: the first plan's name is at {y:.0f} px"
            # The answers: one line, the full list closed behind one control.
            expect(page.locator(".answer-summary")).to_be_visible()
            expect(page.locator(".change-answers")).not_to_have_attribute("open", "")
            expect(page.locator(".answer-row").first).to_be_hidden()
        finally:
            context.close()


def test_change_your_answers_opens_without_javascript(page_nojs: Page, catalog: None) -> None:
    page_nojs.goto(f"/en{RESULTS}")
    page_nojs.locator(".change-answers > summary").click()
    expect(page_nojs.locator(".answer-row")).to_have_count(10)
    expect(page_nojs.locator('.answer-row a[href*="/find/age/"]')).to_be_visible()


def full_axe_problems(page: Page, label: str) -> list[str]:
    problems = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        if violations:
            where = f"{label} at {viewport['width']} px"
            problems.append(f"{where}: axe:\n{format_violations(violations)}")
        if viewport is PHONE:
            width = page.evaluate("document.querySelector('main').scrollWidth")
            if width > page.evaluate("document.querySelector('main').clientWidth"):
                problems.append(f"{label} at 390 px: the page's content scrolls sideways")
    page.set_viewport_size(DESKTOP)
    return problems


def test_no_axe_violations_at_390_and_1280(page: Page, catalog: None) -> None:
    pages = [
        ("results", f"/en{RESULTS}"),
        ("results, Spanish", f"/es{RESULTS}"),
        ("counselor results", f"/en{COUNSELOR}"),
        ("handout, 3 plans", with_plans("/en/results/print/", THREE)),
        ("handout, Spanish", with_plans("/es/results/print/", THREE)),
        ("compare, 3 plans", with_plans("/en/compare/", THREE)),
        ("compare, 2 plans, Spanish", with_plans("/es/compare/", THREE[:2])),
    ]
    problems: list[str] = []
    for label, address in pages:
        response = page.goto(address)
        assert response is not None and response.status == 200, label
        problems.extend(full_axe_problems(page, label))
        if label == "results":
            # The full answer list, opened, is checked too.
            page.locator(".change-answers > summary").click()
            problems.extend(full_axe_problems(page, "results, answers opened"))
        save_screenshots(page, f"layout-{label}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("plans", "most_pages"), [(THREE, 1), (SIX, 2)], ids=["3", "6"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_handout_page_count(
    page: Page, catalog: None, language: str, plans: list[str], most_pages: int
) -> None:
    page.goto(with_plans(f"/{language}/results/print/", plans))
    page.emulate_media(media="print")
    expect(page.locator(".handout-plan")).to_have_count(len(plans))
    for selector in (".handout-answers", ".original-medicare", ".help-box", ".reopen svg"):
        expect(page.locator(selector)).to_be_visible()
    expect(page.locator(".back-link")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    # Nothing wider than the paper: else Chromium shrinks every page to fit, and the
    # count would say nothing about the type a person reads.
    page.set_viewport_size({"width": 739, "height": 979})  # Letter inside 0.4 in margins
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    for paper in ("Letter", "A4"):
        pages = pdf_pages(page.pdf(format=paper, margin=MARGINS))
        print(f"handout, {len(plans)} plans, {language}: {pages} page(s) of {paper}")
        assert 1 <= pages <= most_pages, f"{len(plans)} plans take {pages} {paper} pages"


def test_compare_is_a_table_that_keeps_its_roles_on_a_phone(page: Page, catalog: None) -> None:
    page.set_viewport_size(PHONE)
    page.goto(with_plans("/en/compare/", THREE))
    table = page.locator("table.compare-table")
    expect(table).to_have_count(1)
    expect(table.locator('thead th[scope="col"]')).to_have_count(3)
    rows = table.locator("tbody tr:has(th[scope='row'])")
    count = rows.count()
    assert count >= 9
    labels = []
    for index in range(count):
        row = rows.nth(index)
        labels.append(row.locator('th[scope="row"]').inner_text())
        expect(row.locator("td")).to_have_count(3)
        # The cells of a fact sit side by side, one under each plan's column.
        boxes = [row.locator("td").nth(i).bounding_box() for i in range(3)]
        assert all(boxes) and len({round(b["y"]) for b in boxes if b}) == 1, labels[-1]
    assert len(labels) == len(set(labels))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2
    # The browser's own accessibility tree (what a screen reader gets): the grid layout
    # on a phone must not turn the table into plain boxes.
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = [n.get("role", {}).get("value") for n in nodes if not n.get("ignored")]
    assert roles.count("table") == 1
    assert roles.count("columnheader") == 3
    # Each fact, and the heading of the quality rows (a row group's header).
    assert roles.count("rowheader") == count + 1
    assert roles.count("cell") >= count * 3
    save_screenshots(page, "layout-compare")


def test_tick_plans_and_print_a_summary_by_keyboard(page: Page, catalog: None) -> None:
    page.goto(f"/en{COUNSELOR}")
    boxes = page.locator('.plan-card input[type="checkbox"][name="plan"]')
    picked = [boxes.nth(i).get_attribute("value") for i in (0, 2, 5)]
    for index in (0, 2, 5):
        box_id = boxes.nth(index).get_attribute("id")
        tab_to(page, f"#{box_id}", limit=150)
        page.keyboard.press("Space")
        expect(page.locator(f"#{box_id}")).to_be_checked()
    tab_to(page, '.pick-actions button[formaction$="/results/print/"]', limit=150)
    expect(page.locator(":focus")).to_have_accessible_name(
        "Print a summary of the plans you checked"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/results/print/?**")
    query = query_of(page.url)
    assert {k: v for k, v in query.items() if k not in ("plan", "counselor")} == ANSWERS
    assert [v for k, v in parse_qsl(urlsplit(page.url).query) if k == "plan"] == picked
    expect(page.locator(".handout-plan")).to_have_count(3)
    expect(page.locator("h1")).to_have_text("Your plan choices: a summary")
    # The link to reopen is the person's standard view, not the counselor's.
    reopen = page.locator(".reopen-address")
    expect(reopen).to_have_attribute("href", f"/en/results/?{urlencode(ANSWERS)}")
    expect(reopen).not_to_contain_text("counselor")
