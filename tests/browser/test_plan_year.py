"""At a plan-year boundary, in a real browser: in December no plan of the ending year is
under "You can likely join" (with and without JavaScript), in June plans show as usual;
a member of a plan that does not renew sees where members move or the special period,
in English and Spanish. axe-core finds nothing on any of these pages."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_axe_violations, save_screenshots
from tests.browser.test_journeys import choose_radio_by_keyboard, load_catalog, tab_to

MIAMI = {
    "zip": "33125",
    "county": "12086",
    "medicare": "ab",
    "coverage": "dsnp",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
}


@pytest.fixture
def catalog(demo_geography: None) -> None:
    load_catalog()


def results(language: str = "en", **more: str) -> str:
    return f"/{language}/results/?{urlencode({**MIAMI, **more})}"


def years_in(page: Page, group: str) -> set[str]:
    # Locators only: ``evaluate`` hangs in a page without JavaScript.
    links = page.locator(f"section.status-{group} .plan-card h4 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    return {m.group(1) for h in hrefs if h and (m := re.search(r"/plans/(\d{4})/", h))}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_december_shows_no_ending_plan_as_joinable(
    page: Page,
    page_nojs: Page,
    catalog: None,
    javascript: bool,
) -> None:
    tab = page if javascript else page_nojs
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(results(date="2026-12-04"))
    expect(tab.locator("#group-eligible")).to_be_visible()
    assert years_in(tab, "eligible") == {"2027"}
    assert years_in(tab, "may_qualify") <= {"2027"}
    expect(tab.locator("section.status-ending")).to_have_count(0)
    ending_line = tab.locator(".year-ending")
    expect(ending_line).to_be_visible()
    expect(ending_line).to_have_text("2026 plans end on December 31: you can no longer join them.")
    # The ending plans are one plain link away, for their members.
    tab.get_by_role("link", name="Both years").click()
    expect(tab.locator("section.status-ending")).to_be_visible()
    assert years_in(tab, "ending") == {"2026"}
    assert years_in(tab, "eligible") == {"2027"}
    expect(tab.locator("section.status-ending .when.ending").first).to_contain_text(
        "You can no longer join this plan: it ends Dec. 31, 2026."
    )
    if javascript:
        assert_no_axe_violations(tab, "December results, both years, 390 px")
        save_screenshots(tab, "results-december-both-years")


def test_june_shows_plans_as_usual(page: Page, catalog: None) -> None:
    page.goto(results(date="2027-06-15"))
    assert years_in(page, "eligible") | years_in(page, "may_qualify") == {"2027"}
    expect(page.locator("section.status-ending")).to_have_count(0)
    expect(page.locator(".year-filter")).to_have_count(0)
    expect(page.locator(".plan-card .when").first).to_contain_text("When you can join:")
    assert_no_axe_violations(page, "June results")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_member_of_a_plan_that_ends(
    page: Page,
    page_nojs: Page,
    catalog: None,
    language: str,
    javascript: bool,
) -> None:
    tab = page if javascript else page_nojs
    tab.goto(results(language, current_plan="H9002-002", date="2026-12-04"))
    section = tab.locator("section.current-plan")
    expect(section).to_be_visible()
    if language == "en":
        expect(section).to_contain_text("This plan ends on Dec. 31, 2026.")
        expect(section).to_contain_text("from Dec. 8, 2026 to Feb. 28, 2027")
        expect(section).to_contain_text("If you do nothing, you will have Original Medicare")
    else:
        expect(section).to_contain_text("Este plan termina el 31 de diciembre de 2026.")
        expect(section).to_contain_text("del 8 de diciembre de 2026 al 28 de febrero de 2027")
        expect(section).to_contain_text("Si no hace nada, tendrá Medicare Original")
    if javascript:
        assert_no_axe_violations(tab, f"results for a member of an ending plan ({language})")
        save_screenshots(tab, f"results-member-ending-{language}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_member_whose_plan_moves_them(page: Page, catalog: None, language: str) -> None:
    page.goto(results(language, current_plan="H9003-004", date="2026-12-04"))
    section = page.locator("section.current-plan")
    expect(section).to_contain_text("H9003-001")
    expect(section.get_by_role("link")).to_have_count(1)
    assert_no_axe_violations(page, f"results for a member whose plan moves them ({language})")
    section.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/plans/2027/H9003-001/"))
    assert_no_axe_violations(page, "the plan members are moved to")


def test_choose_your_plan_by_keyboard(page: Page, catalog: None) -> None:
    before = {k: MIAMI[k] for k in ("zip", "county", "medicare", "coverage")}
    page.goto(f"/en/find/current_plan/?{urlencode({**before, 'date': '2026-12-04'})}")
    expect(page.locator("main h1")).to_have_text("Are you in one of these plans now?")
    assert_no_axe_violations(page, "the current-plan question")
    choose_radio_by_keyboard(page, "current_plan", "H9002-002")
    tab_to(page, '#main form button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/find/medicaid/\?.*current_plan=H9002-002"))
    # The plan page says the same to its members.
    page.goto(f"/en/plans/2026/H9002-002/?{urlencode({**MIAMI, 'date': '2026-12-04'})}")
    expect(page.locator("section.next-year")).to_contain_text("Feb. 28, 2027")
    expect(page.locator(".when.ending")).to_contain_text("You can no longer join this plan")
    assert_no_axe_violations(page, "the page of a plan that ends")
