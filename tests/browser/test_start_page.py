"""The start page in a real browser: accessible (axe), usable without JavaScript and by
keyboard, in English and Spanish, with the sample banner while demo rows exist."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_axe_violations, save_screenshots
from tests.factories import PlanFactory

LANGUAGES = ["en", "es"]


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_has_no_axe_violations(page: Page, language: str) -> None:
    response = page.goto(f"/{language}/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page).to_have_title(translated(language, "Integrated Care Finder"))
    expect(page.locator("h1")).to_have_count(1)
    assert_no_axe_violations(page, f"the start page (/{language}/)")
    save_screenshots(page, f"start-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_with_sample_banner_has_no_axe_violations(page: Page, language: str) -> None:
    PlanFactory(is_sample=True)
    page.goto(f"/{language}/")
    banner = page.locator(".banner-sample")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(translated(language, "Sample data."))
    assert_no_axe_violations(page, f"the start page with the sample banner (/{language}/)")
    save_screenshots(page, f"start-sample-{language}")


def test_no_sample_banner_without_sample_rows(page: Page) -> None:
    PlanFactory(is_sample=False)
    page.goto("/en/")
    expect(page.locator(".banner-sample")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_works_without_javascript(page_nojs: Page, language: str) -> None:
    PlanFactory(is_sample=True)
    response = page_nojs.goto(f"/{language}/")
    assert response is not None and response.status == 200
    expect(page_nojs.locator("html")).to_have_attribute("lang", language)
    expect(page_nojs).to_have_title(translated(language, "Integrated Care Finder"))
    expect(page_nojs.locator("h1")).to_be_visible()
    expect(page_nojs.locator(".banner-sample")).to_be_visible()
    # The way in is a plain link that leads to the first question.
    start = page_nojs.locator("main a.button").first
    expect(start).to_be_visible()
    with page_nojs.expect_navigation() as navigation:
        start.click()
    assert navigation.value is not None and navigation.value.status == 200
    assert f"/{language}/find/" in page_nojs.url
    expect(page_nojs.locator("h1").first).to_be_visible()
    # The language switch is a plain link too.
    page_nojs.goto(f"/{language}/")
    other = "es" if language == "en" else "en"
    page_nojs.locator(f'.language-switch a[hreflang="{other}"]').click()
    expect(page_nojs.locator("html")).to_have_attribute("lang", other)


def check_skip_link(tab: Page, language: str) -> None:
    tab.goto(f"/{language}/")
    tab.keyboard.press("Tab")
    skip = tab.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(translated(language, "Skip to main content"))
    expect(skip).to_be_in_viewport()  # shown while focused
    tab.keyboard.press("Enter")
    expect(tab.locator("main#main")).to_be_focused()


@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_is_first_and_moves_focus_to_main(page: Page, language: str) -> None:
    check_skip_link(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_works_without_javascript(page_nojs: Page, language: str) -> None:
    check_skip_link(page_nojs, language)
