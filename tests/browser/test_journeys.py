"""Whole journeys in a real browser: by keyboard alone with htmx, and again with
JavaScript off; errors, Back and "Change", the counselor form, compare and the language
switch.

The demo catalog is dated 2026-11-22. Journeys that start on the start page carry no
``date`` answer, so the views' "today" is pinned to that day (``demo_day``); pages
opened by URL carry ``date=2026-11-22`` instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

DEMO_DAY = datetime.date(2026, 11, 22)
DATE = {"date": DEMO_DAY.isoformat()}
MIAMI = {"zip": "33125", "county": "12086"}
# One answer per question, in order; every question applies to this person in
# Miami-Dade (full Medicaid, so the Medicaid-plan question; 65 or older, with PACE
# there, so the daily-activities question).
JOURNEY: list[tuple[str, str]] = [
    ("zip", "33125"),
    ("county", "12086"),
    ("medicare", "ab"),
    ("coverage", "original"),
    ("medicaid", "full"),
    ("medicaid_plan", "sunshine"),
    ("medicaid_change", "no"),
    ("age", "65plus"),
    ("care_needs", "yes"),
    ("nursing_home", "no"),
]
ANSWERS = dict(JOURNEY)
RESULTS_URL = f"/en/results/?{urlencode(JOURNEY)}"
# The step count says "of up to 11" until the coverage answer tells whether "your plan
# now" is asked, then "of up to 10" until the answers that decide the other conditional
# steps (Medicaid plan: the Medicaid answer; daily activities: the age) are known.
STEP_TITLES = {
    "zip": "Step 1 of up to 11: Your ZIP code",
    "county": "Step 2 of up to 11: Your county",
    "medicare": "Step 3 of up to 11: Medicare",
    "coverage": "Step 4 of up to 11: Your Medicare coverage now",
    "medicaid": "Step 5 of up to 10: Medicaid",
    "medicaid_plan": "Step 6 of up to 10: Your Medicaid plan",
    "medicaid_change": "Step 7 of up to 10: Recent changes",
    "age": "Step 8 of up to 10: Your age",
    "care_needs": "Step 9 of 10: Needs help with daily activities",
    "nursing_home": "Step 10 of 10: Lives in a nursing home",
}
GROUP_IDS = ["group-eligible", "group-may_qualify", "group-not_eligible"]


def load_catalog() -> None:
    """Load the demo catalog of ``demo_catalog`` (tests/conftest.py), as of DEMO_DAY, in a
    third of the time: every row still goes through ``full_clean()``, but its
    unique-constraint queries (most of the load) are left to the database, which
    enforces the same constraints. Browser tests flush the database after each test."""
    from django.db.models import Model

    from plans.demo import load_demo_catalog

    with mock.patch.object(Model, "validate_constraints", lambda self, exclude=None: None):
        load_demo_catalog(today=DEMO_DAY)


@pytest.fixture
def catalog(demo_geography: None) -> None:
    load_catalog()


@pytest.fixture
def demo_day(monkeypatch: pytest.MonkeyPatch, catalog: None) -> Iterator[None]:
    """The demo catalog, with the views' "today" pinned to its date (the live server
    runs in this process, so patching the module reaches it)."""
    monkeypatch.setattr("finder.views._today", lambda: DEMO_DAY)
    yield


def url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def query_of(page_url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page_url).query))


def path_of(page_url: str) -> str:
    return urlsplit(page_url).path


# --- Keyboard helpers ------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement;
  return e ? {tag: e.tagName, id: e.id, name: e.name || "", value: e.value || "",
              text: (e.textContent || "").trim().slice(0, 60)} : null; }"""


def tab_to(page: Page, selector: str, *, limit: int = 80, shift: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if shift else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    last = page.evaluate(FOCUSED)
    pytest.fail(f"{limit} presses of {key} never reached {selector}; last: {last}")


def choose_radio_by_keyboard(page: Page, name: str, value: str) -> None:
    """Tab into the radio group, arrow to the value, and press Space."""
    tab_to(page, f'input[type="radio"][name="{name}"]')
    count = page.locator(f'input[type="radio"][name="{name}"]').count()
    for _ in range(count):
        if page.evaluate("() => document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_focused()


def choose_option_by_keyboard(page: Page, selector: str, value: str) -> None:
    """Tab to a <select> and move its choice with the arrow keys (no popup)."""
    tab_to(page, selector)
    current, wanted = page.evaluate(
        """([s, v]) => { const e = document.querySelector(s);
           return [e.selectedIndex, [...e.options].findIndex(o => o.value === v)]; }""",
        [selector, value],
    )
    assert wanted >= 0, f"{selector} has no option {value}"
    key = "ArrowDown" if wanted > current else "ArrowUp"
    for _ in range(abs(wanted - current)):
        page.keyboard.press(key)
    expect(page.locator(selector)).to_have_value(value)


def continue_by_keyboard(page: Page) -> None:
    tab_to(page, '#main form button[type="submit"]')
    page.keyboard.press("Enter")


HEADING_HAS_FOCUS = """() => { const h = document.querySelector('main h1');
  const a = document.activeElement; return !!h && !!a && (a === h || h.contains(a)); }"""


def expect_question(page: Page, step: str, answers: dict[str, str], *, swapped: bool) -> None:
    """The page shows ``step`` with ``answers`` in its address and title, and (after an
    htmx swap) focus on the new question's heading."""
    expect(page).to_have_url(re.compile(rf"/en/find/{step}/(\?|$)"))
    assert query_of(page.url) == answers, f"{step}: the address lost answers: {page.url}"
    expect(page).to_have_title(re.compile("^" + re.escape(STEP_TITLES[step]) + " — "))
    if swapped:
        page.wait_for_function(HEADING_HAS_FOCUS)
    expect(page.locator("main h1")).to_have_count(1)


def plan_names(page: Page) -> list[str]:
    return page.locator(".plan-card h4").all_inner_texts()


def server_order(results_url: str) -> list[str]:
    """The plan names in the order the server renders for this address (Django's test
    client, in this process): what both journeys must show."""
    body = Client().get(results_url).content.decode()
    return re.findall(r'<h4 id="plan-\d+"><a [^>]*>([^<]*)</a></h4>', body)


def expect_results_page(page: Page) -> None:
    expect(page.locator("h1")).to_have_text("Plans you can join")
    status = page.locator('[role="status"]#result-count')
    expect(status).to_contain_text(re.compile(r"We found \d+ plans for Miami-Dade County, Florida"))
    groups = page.locator("section.status-group h2")
    expect(groups).to_have_count(3)
    assert [groups.nth(i).get_attribute("id") for i in range(3)] == GROUP_IDS


# --- 1. Keyboard alone, htmx on ------------------------------------------------------


def test_keyboard_journey_with_htmx(page: Page, demo_day: None) -> None:
    page.goto("/en/")
    tab_to(page, 'main a.button[href="/en/find/zip/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/find/zip/")
    expect_question(page, "zip", {}, swapped=False)
    # The wizard from here on is one page: htmx swaps each question in.
    page.evaluate("window.__marker = 'one page'")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))

    answered: dict[str, str] = {}
    for index, (step, value) in enumerate(JOURNEY):
        if step == "zip":
            tab_to(page, "#zip-input")
            page.keyboard.type(value)
        elif step == "county":
            # Confirming the county the ZIP suggests: it is already chosen.
            tab_to(page, "#county-input")
            expect(page.locator("#county-input")).to_have_value(value)
            expect(page.locator("#county-input option:checked")).to_have_text("Miami-Dade County")
        else:
            choose_radio_by_keyboard(page, step, value)
        answered[step] = value
        continue_by_keyboard(page)
        if index + 1 < len(JOURNEY):
            following = JOURNEY[index + 1][0]
            expect_question(page, following, answered, swapped=True)
            assert page.evaluate("window.__marker") == "one page", f"full load before {following}"
            assert not loads, f"full page loads during the wizard: {loads}"

    # The last answer leads to the results: a full page load by design (HX-Redirect).
    page.wait_for_url(f"**{RESULTS_URL}")
    assert path_of(page.url) + "?" + urlsplit(page.url).query == RESULTS_URL
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__marker") == "undefined"
    expect_results_page(page)
    assert plan_names(page) == server_order(RESULTS_URL)


# --- 2. The same journey with JavaScript off ------------------------------------------


def test_journey_without_javascript(page_nojs: Page, demo_day: None) -> None:
    page = page_nojs
    page.goto("/en/")
    with page.expect_navigation():
        page.locator('main a.button[href="/en/find/zip/"]').click()
    answered: dict[str, str] = {}
    for index, (step, value) in enumerate(JOURNEY):
        expect_question(page, step, answered, swapped=False)
        if step == "zip":
            page.locator("#zip-input").fill(value)
        elif step == "county":
            expect(page.locator("#county-input")).to_have_value(value)
        else:
            # The whole box is the target: the label covers the radio button.
            page.locator(f'.choice:has(input[name="{step}"][value="{value}"]) label').click()
            expect(page.locator(f'input[name="{step}"][value="{value}"]')).to_be_checked()
        answered[step] = value
        # A plain GET form: /en/find/?from=<step>&… answers with a redirect.
        with page.expect_navigation() as navigation:
            page.locator('#main form button[type="submit"]').click()
        response = navigation.value
        assert response is not None and response.status == 200
        assert response.request.redirected_from is not None, f"{step}: no redirect"
        assert path_of(response.request.redirected_from.url) == "/en/find/"
        if index + 1 < len(JOURNEY):
            assert path_of(page.url) == f"/en/find/{JOURNEY[index + 1][0]}/"
    assert path_of(page.url) + "?" + urlsplit(page.url).query == RESULTS_URL
    expect_results_page(page)
    # Neutral order is seeded by the address: the same as the htmx journey's.
    assert plan_names(page) == server_order(RESULTS_URL)


def test_step_count_counts_only_steps_that_apply(page_nojs: Page, catalog: None) -> None:
    # A partial dual under 55: no Medicaid-plan and no daily-activities question.
    young = {**MIAMI, "medicare": "ab", "coverage": "original", "medicaid": "qmb"}
    page_nojs.goto(url("/en/find/medicaid_change/", **young, **DATE))
    expect(page_nojs).to_have_title(re.compile(r"^Step 6 of up to 9: Recent changes"))
    young.update(medicaid_change="no", age="21-54")
    page_nojs.goto(url("/en/find/nursing_home/", **young, **DATE))
    expect(page_nojs).to_have_title(re.compile(r"^Step 8 of 8: Lives in a nursing home"))
    expect(page_nojs.locator(".step-count")).to_have_text("Step 8 of 8")


# --- 3. Errors --------------------------------------------------------------------


def expect_error_summary(page: Page, message: str | re.Pattern[str]) -> None:
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Step \d+ of "))


def test_zip_errors_show_the_step_again_with_focus_on_the_summary(
    page: Page, demo_day: None
) -> None:
    page.goto("/en/find/zip/")
    tab_to(page, "#zip-input")
    page.keyboard.press("Enter")  # empty
    expect_error_summary(page, "Enter your 5-digit ZIP code, for example 33125.")
    expect(page.locator("#zip-input")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/en/find/zip/$"))
    # The summary's link leads to the field.
    page.keyboard.press("Tab")
    expect(page.locator(".error-summary a")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#zip-input")).to_be_focused()
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    expect_error_summary(page, "Enter your 5-digit ZIP code, for example 33125.")
    expect(page.locator("#zip-input")).to_have_value("123")
    tab_to(page, "#zip-input")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("99999")
    page.keyboard.press("Enter")
    expect_error_summary(page, "We could not find ZIP code 99999")
    expect(page).to_have_url(re.compile(r"/en/find/zip/\?zip=99999$"))
    expect(page.locator(".field-error .error-message")).to_contain_text("99999")


def test_tampered_and_broken_links_never_give_a_server_error(page: Page, demo_day: None) -> None:
    # A tampered earlier answer: that step again, with a message (and focus on it).
    response = page.goto(url("/en/find/age/", **MIAMI, medicare="bogus"))
    assert response is not None and response.status == 200
    expect(page).to_have_url(re.compile(r"/en/find/medicare/\?"))
    expect_error_summary(page, "This is not one of the answers. Please choose again.")
    expect(page.locator('input[name="medicare"]:checked')).to_have_count(0)
    # An impossible date in a results link: the plain "This link has a problem" page.
    response = page.goto(url("/en/results/", **ANSWERS, date="2026-13-01"))
    assert response is not None and response.status == 400
    expect(page.locator("h1")).to_have_text("This link has a problem")
    expect(page.get_by_role("link", name="Show results for today instead")).to_be_visible()
    expect(page.get_by_role("link", name="Start again")).to_be_visible()
    # Pages that do not exist.
    for missing in ("/en/find/nonsense/", "/en/plans/2026/H0000-000/", "/en/no-such-page/"):
        response = page.goto(missing)
        assert response is not None and response.status == 404, missing
        expect(page.locator("h1")).to_have_text("We could not find this page")
        expect(page.get_by_role("link", name="Go to the start page")).to_be_visible()


# --- 4. Back and "Change" -------------------------------------------------------------


def test_back_link_returns_to_the_previous_step_with_its_answer(page: Page, demo_day: None) -> None:
    page.goto(url("/en/find/coverage/", **MIAMI, medicare="ab"))
    back = page.locator("a.back-link")
    # The same address with or without JavaScript.
    expect(back).to_have_attribute("href", url("/en/find/medicare/", **MIAMI, medicare="ab"))
    expect(back).to_have_attribute("hx-get", url("/en/find/medicare/", **MIAMI, medicare="ab"))
    tab_to(page, "a.back-link")
    page.keyboard.press("Enter")
    expect_question(page, "medicare", {**MIAMI, "medicare": "ab"}, swapped=True)
    expect(page.locator('input[name="medicare"][value="ab"]')).to_be_checked()
    tab_to(page, "a.back-link", shift=True)
    page.keyboard.press("Enter")
    expect_question(page, "county", {**MIAMI, "medicare": "ab"}, swapped=True)
    expect(page.locator("#county-input")).to_have_value("12086")


def test_change_an_answer_from_the_results(page: Page, demo_day: None) -> None:
    page.goto(RESULTS_URL)
    # The answers are one line; the full list, with a "Change" link each, opens from
    # "Change your answers" (a <details>: Enter opens it, no script needed).
    expect(page.locator(".answer-summary")).to_have_text(
        "Full Medicaid · 65 or older · Miami-Dade County"
    )
    expect(page.locator('.answer-row a[href*="/find/age/"]')).to_be_hidden()
    tab_to(page, ".change-answers > summary")
    expect(page.locator(":focus")).to_have_text("Change your answers")
    page.keyboard.press("Enter")
    tab_to(page, '.answer-row a[href*="/find/age/"]')
    expect(page.locator(":focus")).to_have_accessible_name("Change Your age")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/find/age/**")
    assert query_of(page.url) == {**ANSWERS, "return": "results"}
    expect(page).to_have_title(re.compile(r"^Step 8 of 10: Your age"))
    expect(page.locator('input[name="age"][value="65plus"]')).to_be_checked()
    choose_radio_by_keyboard(page, "age", "60-64")
    continue_by_keyboard(page)
    page.wait_for_url("**/en/results/**")
    assert query_of(page.url) == {**ANSWERS, "age": "60-64"}
    expect(page.locator(".answer-summary")).to_contain_text("60 to 64")
    expect(page.locator(".answer-row", has_text="Your age")).to_contain_text("60 to 64")
    expect_results_page(page)


# --- 5. Counselor quick entry ---------------------------------------------------------


def test_counselor_quick_entry_by_keyboard(page: Page, demo_day: None) -> None:
    page.goto("/en/counselor/")
    tab_to(page, "#zip-input")
    page.keyboard.type("33125")
    for name in (
        "medicare",
        "coverage",
        "medicaid",
        "medicaid_change",
        "age",
        "care_needs",
        "nursing_home",
    ):
        choose_option_by_keyboard(page, f"#{name}-input", ANSWERS[name])
    tab_to(page, "#date-input")
    page.keyboard.type("11222026")  # mm dd yyyy, as Chromium's en-US date field takes it
    expect(page.locator("#date-input")).to_have_value(DATE["date"])
    tab_to(page, '.quick-entry button[type="submit"]')
    page.keyboard.press("Enter")
    # No county yet: the ZIP's county is offered, with the answers kept.
    page.wait_for_url("**/en/counselor/?**")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#county-input")).to_have_value("12086")
    expect(page.locator("#age-input")).to_have_value("65plus")
    choose_option_by_keyboard(page, "#medicaid_plan-input", "sunshine")
    tab_to(page, '.quick-entry button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/results/**")
    assert query_of(page.url) == {**ANSWERS, **DATE, "counselor": "1"}
    expect_results_page(page)
    expect(page.locator(".results-page.counselor")).to_be_visible()
    expect(page.locator(".cms-id", has_text="H9001-001").first).to_be_visible()
    expect(page.locator(".plan-card .citations").first).to_be_visible()
    expect(page.locator(".plan-card .citations").first).to_contain_text("42 CFR")

    page.goto("/en/counselor/")
    tab_to(page, "#plan-id-input")
    page.keyboard.type("H9001-001")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/counselor/?plan_id=H9001-001")
    found = page.locator('main ul a[href^="/en/plans/"]')
    expect(found).to_have_count(2)  # the 2026 and 2027 plans
    expect(found.first).to_contain_text("H9001-001 · 2026 · Sample Sunshine Complete (FIDE)")
    tab_to(page, 'a[href="/en/plans/2026/H9001-001/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/plans/2026/H9001-001/")
    expect(page.locator("h1")).to_have_text("Sample Sunshine Complete (FIDE)")


# --- 6. Compare -------------------------------------------------------------------------


def expect_compare_page(page: Page, names: list[str]) -> None:
    expect(page.locator("h1")).to_have_text("Compare plans")
    columns = page.locator('.compare-table thead th[scope="col"] a')
    expect(columns).to_have_text(names)
    back = page.get_by_role("link", name="Back to your results")
    expect(back).to_have_attribute("href", RESULTS_URL)


def test_compare_two_plans_by_keyboard(page: Page, demo_day: None) -> None:
    page.goto(RESULTS_URL)
    boxes = page.locator('.plan-card input[type="checkbox"][name="plan"]')
    ids = [boxes.nth(i).get_attribute("id") for i in range(2)]
    names = [plan_names(page)[i] for i in range(2)]
    for box_id in ids:
        tab_to(page, f"#{box_id}")
        page.keyboard.press("Space")
        expect(page.locator(f"#{box_id}")).to_be_checked()
    tab_to(page, ".compare-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/compare/?**")
    expect_compare_page(page, names)
    # Side by side on a wide screen: one column per plan, after the facts' names.
    first, second = (
        page.locator('.compare-table thead th[scope="col"]').nth(i).bounding_box() for i in range(2)
    )
    assert first and second and abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]


def test_compare_without_javascript(page_nojs: Page, demo_day: None) -> None:
    page = page_nojs
    page.goto(RESULTS_URL)
    boxes = page.locator('.plan-card input[type="checkbox"][name="plan"]')
    names = plan_names(page)
    boxes.nth(0).check()
    boxes.nth(2).check()
    with page.expect_navigation():
        page.locator(".compare-form button[type=submit]").click()
    assert path_of(page.url) == "/en/compare/"
    expect_compare_page(page, [names[0], names[2]])


# --- 7. Language switch ---------------------------------------------------------------


def test_language_switch_keeps_the_place_and_the_answers(page: Page, demo_day: None) -> None:
    before = {**MIAMI, "medicare": "ab", "coverage": "original"}
    page.goto(url("/en/find/medicaid/", **before))
    # Move on with htmx first: the link must follow the address htmx pushed.
    choose_radio_by_keyboard(page, "medicaid", "full")
    continue_by_keyboard(page)
    expect_question(page, "medicaid_plan", {**before, "medicaid": "full"}, swapped=True)
    tab_to(page, '.language-switch a[hreflang="es"]', shift=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/find/medicaid_plan/?**")
    assert query_of(page.url) == {**before, "medicaid": "full"}
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator('input[type="hidden"][name="medicaid"]')).to_have_value("full")

    page.goto(RESULTS_URL)
    english = plan_names(page)
    page.locator('.language-switch a[hreflang="es"]').click()
    page.wait_for_url("**/es/results/?**")
    assert path_of(page.url) == "/es/results/"
    assert query_of(page.url) == ANSWERS
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert plan_names(page) == english  # the same seed, so the same order
    # After an htmx reorder, the link keeps the new order too.
    choose_option_by_keyboard(page, "#sort", "stars")
    tab_to(page, ".sort-form button")
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=stars**")
    english_link = page.locator('.language-switch a[hreflang="en"]')
    expect(english_link).to_have_attribute("href", re.compile(r"^/en/results/\?.*sort=stars"))
    english_link.click()
    page.wait_for_url("**/en/results/?**")
    assert query_of(page.url) == {**ANSWERS, "sort": "stars"}
    expect(page.locator("html")).to_have_attribute("lang", "en")
