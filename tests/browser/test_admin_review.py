"""The review workflow in a real browser, and axe-core on the admin pages we customised.

A Florida state editor logs in through the admin login page, renames a published
Florida plan and saves: the public plan page keeps the old name. A Florida reviewer logs
in, opens the pending change from the dashboard, sees the difference and approves it by
keyboard alone (Tab to "Approve and publish", Enter): the public page shows the new name.

axe-core (helpers.AXE_TAGS) runs on the dashboard, the plan change form with its review
box, the pending change and the plan's history. ``DJANGO_ADMIN_EXCEPTIONS`` lists what
axe reports in Django's own admin markup (not our templates), by rule and element; any
other violation fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.admin.conftest import PASSWORD, make_user
from tests.browser.helpers import axe_violations, format_violations, save_screenshots
from tests.browser.test_journeys import load_catalog, tab_to

NEW_NAME = "Sample Sunshine Complete Renamed (FIDE)"

# What axe reports in Django's own admin markup, which we do not change: rule id → (why,
# CSS selectors of the only elements it is excepted on). A violation of the same rule on
# any other element (our templates) still fails.
# The inlines are stacked (plans/admin_scoping.py ScopedInline): Django's tabular inline
# leaves its cells without labels, which axe rightly reports.
DJANGO_ADMIN_EXCEPTIONS: dict[str, tuple[str, list[str]]] = {
    # django/contrib/admin/static/admin/js/vendor/select2 (Django's autocomplete widget,
    # here "members are moved to"): while nothing is chosen, select2's combobox is
    # named by aria-labelledby pointing at its own empty "rendered" span.
    "aria-input-field-name": (
        "Django's autocomplete (select2) with nothing chosen has an empty name",
        ['.select2-selection[role="combobox"]', ".select2-selection__rendered"],
    ),
}


@pytest.fixture
def people(demo_geography: None) -> Iterator[dict[str, object]]:
    load_catalog()
    yield {
        "fl_editor": make_user("fl_editor", [("FL", "editor")]),
        "fl_reviewer": make_user("fl_reviewer", [("FL", "reviewer")]),
    }


def log_in(page: Page, username: str) -> None:
    """Type the name and password into the admin login page, as a person would."""
    page.goto(reverse("admin:login"))
    page.locator("#id_username").press_sequentially(username)
    page.locator("#id_password").press_sequentially(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index")) + "$"))
    expect(page.locator("#dashboard")).to_contain_text("Your states: FL")


def log_out(page: Page) -> None:
    page.locator("#logout-form").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def unexpected_violations(page: Page, label: str) -> list[str]:
    """axe's violations on the page, less the known ones on Django's own elements."""
    problems = []
    for violation in axe_violations(page):
        nodes = violation["nodes"]
        if violation["id"] in DJANGO_ADMIN_EXCEPTIONS:
            selectors = DJANGO_ADMIN_EXCEPTIONS[violation["id"]][1]
            nodes = [node for node in nodes if not matches(page, node["target"], selectors)]
        if nodes:
            problems.append(format_violations([{**violation, "nodes": nodes}]))
    return [f"{label} ({page.url}):\n{problem}" for problem in problems]


def matches(page: Page, target: list[str], selectors: list[str]) -> bool:
    """Whether axe's element (its CSS path, not in a frame) is one of ``selectors``."""
    if len(target) != 1:
        return False
    return page.evaluate(
        "([path, selectors]) => { const e = document.querySelector(path);"
        " return !!e && selectors.some(s => e.matches(s)); }",
        [target[0], selectors],
    )


def public_name(page: Page, base_url: str, path: str) -> str:
    """The plan page's heading as the public sees it (in a context with no admin login)."""
    context = page.context.browser.new_context(base_url=base_url)
    try:
        public = context.new_page()
        response = public.goto(path)
        assert response is not None and response.status == 200, path
        return public.locator("h1").inner_text()
    finally:
        context.close()


def test_editor_change_waits_for_reviewer_approval(
    page: Page, live_server: object, people: dict
) -> None:
    from plans.models import Plan

    plan = (
        Plan.objects.published()
        .filter(kind="dsnp", plan_year=2026, service_areas__county__state="FL")
        .exclude(service_areas__county__state__in=["CA", "PR"])
        .order_by("contract_id", "pbp")
        .distinct()
        .first()
    )
    old_name = plan.name
    public_path = f"/en/plans/{plan.plan_year}/{plan.cms_id}/"
    assert old_name in public_name(page, live_server.url, public_path)
    problems: list[str] = []

    # The editor: dashboard → D-SNPs → the plan → rename → save.
    log_in(page, "fl_editor")
    problems += unexpected_violations(page, "the dashboard (editor)")
    page.get_by_role("link", name="D-SNPs", exact=True).click()
    # (Both plan years are listed: the one of this plan year.)
    change_url = reverse("admin:plans_plan_change", args=[plan.pk])
    page.locator(f'#result_list a[href^="{change_url}"]').click()
    expect(page.locator("#workflow-heading")).to_have_text("Review")
    expect(page.locator("#plan_form")).to_contain_text("This item is published.")
    problems += unexpected_violations(page, "the plan change form")
    save_screenshots(page, "admin-plan-change-form")
    page.locator("#id_name").fill(NEW_NAME)
    page.locator("#plan_form").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Your change is waiting for review.")
    assert old_name in public_name(page, live_server.url, public_path)
    log_out(page)

    # The reviewer: the dashboard's link → the change → the difference → approve.
    log_in(page, "fl_reviewer")
    dashboard = page.locator("#dashboard")
    expect(dashboard).to_contain_text("1 edit of published items")
    problems += unexpected_violations(page, "the dashboard (reviewer)")
    dashboard.get_by_role("link", name="1 edit of published items").click()
    page.locator("#result_list").get_by_role(
        "link", name=re.compile(re.escape(plan.cms_id))
    ).click()
    difference = page.locator("#change-heading + p + table")
    expect(difference.locator("tbody tr")).to_have_count(1)
    row = difference.locator("tbody tr").first
    expect(row.locator("th")).to_have_text("Plan name")
    expect(row.locator("td").nth(0)).to_have_text(old_name)
    expect(row.locator("td").nth(1)).to_have_text(NEW_NAME)
    problems += unexpected_violations(page, "the pending change")
    save_screenshots(page, "admin-pending-change")

    # By keyboard alone: Tab to "Approve and publish", Enter.
    tab_to(page, 'button[value="approve"]', limit=200)
    expect(page.locator(":focus")).to_have_text("Approve and publish")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Approved and published")
    assert NEW_NAME in public_name(page, live_server.url, public_path)

    latest = plan.history.first()
    assert latest.name == NEW_NAME
    assert "approved by fl_reviewer" in latest.history_change_reason

    assert not problems, "axe found problems in the admin:\n" + "\n".join(problems)


def test_plan_history_page(page: Page, people: dict) -> None:
    """axe on a plan's history (every version, who and why), as its reviewer sees it.

    The ``page`` fixture also fails it on any Content Security Policy refusal: the one
    inline style of django-simple-history's list (``<p class="paginator"
    style="border-top: 0">``) must stay allowed by ADMIN_CSP's hash."""
    from plans.models import Plan

    plan = Plan.objects.filter(service_areas__county__state="FL").first()
    plan.name = NEW_NAME
    plan._change_reason = "Renamed for the history page"
    plan.save()
    log_in(page, "fl_reviewer")
    page.goto(reverse("admin:plans_plan_history", args=[plan.pk]))
    expect(page.locator("#content")).to_contain_text("Renamed for the history page")
    problems = unexpected_violations(page, "the plan's history")
    save_screenshots(page, "admin-plan-history")
    assert not problems, "axe found problems in the admin:\n" + "\n".join(problems)
