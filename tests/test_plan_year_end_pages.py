"""Pages and the API on a fixed date: in December no plan of the ending year is under
"You can likely join"; in June plans show as usual (issue: truthful across plan years)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.test_api import FULL_DUAL_MIAMI, get

pytestmark = pytest.mark.django_db

MIAMI = {**FULL_DUAL_MIAMI, "medicaid": "full"}


def _section(html: str, status: str) -> str:
    match = re.search(
        rf'<section class="status-group status-{status}".*?</section>', html, flags=re.S
    )
    return match.group(0) if match else ""


def _years(section: str) -> set[str]:
    return set(re.findall(r"/plans/(\d{4})/", section))


def test_december_default_shows_only_next_years_plans(client: Client, demo_catalog: None) -> None:
    html = client.get("/en/results/", {**MIAMI, "date": "2026-12-04"}).content.decode()
    assert _years(_section(html, "eligible")) == {"2027"}
    assert "/plans/2026/" not in html
    assert '<strong aria-current="true">2027 plans only</strong>' in html
    assert "2026 plans end on December 31 and can no longer be joined" in html
    assert "2026 plans end on December 31: you can no longer join them." in html
    assert "year=all" in html  # the ending plans stay one link away


def test_december_all_years_puts_ending_plans_in_their_own_group(
    client: Client, demo_catalog: None
) -> None:
    html = client.get(
        "/en/results/", {**MIAMI, "date": "2026-12-04", "year": "all"}
    ).content.decode()
    for status in ("eligible", "may_qualify", "not_eligible"):
        assert "2026" not in _years(_section(html, status)), status
    ending = _section(html, "ending")
    assert _years(ending) == {"2026"}
    assert ending.count("You can no longer join this plan: it ends Dec. 31, 2026.") == len(
        re.findall(r'<article class="plan-card"', ending)
    )
    assert "How to join" not in ending
    status_line = re.search(r'<p role="status".*?</p>', html, flags=re.S).group(0)  # type: ignore[union-attr]
    assert "end on Dec. 31, 2026: you can no longer join them." in status_line


def test_spanish_december(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/es/results/", {**MIAMI, "date": "2026-12-04", "year": "all"}
    ).content.decode()
    assert "Ya no puede inscribirse en este plan: termina el" in html
    assert "Planes que terminan: ya no puede inscribirse en ellos" in html


def test_november_and_june_show_both_or_one_year_as_usual(
    client: Client, demo_catalog: None
) -> None:
    november = client.get("/en/results/", {**MIAMI, "date": "2026-11-22"}).content.decode()
    assert _years(_section(november, "eligible")) == {"2026", "2027"}
    assert "status-ending" not in november
    june = client.get("/en/results/", {**MIAMI, "date": "2027-06-15"}).content.decode()
    assert _years(_section(june, "eligible")) == {"2027"}
    assert "You can no longer join" not in june
    assert "When you can join:" in _section(june, "eligible")


def test_plan_page_and_compare_say_the_plan_is_ending(client: Client, demo_catalog: None) -> None:
    query = {**MIAMI, "date": "2026-12-04"}
    plan = client.get("/en/plans/2026/H9001-001/", query).content.decode()
    assert "You can no longer join this plan: it ends Dec. 31, 2026." in plan
    june = client.get("/en/plans/2026/H9001-001/", {**MIAMI, "date": "2026-06-15"})
    assert "if you join now, coverage starts July 1, 2026." in june.content.decode()
    compare = client.get(
        "/en/compare/", {**query, "plan": ["2026:H9001-001", "2027:H9001-001"]}
    ).content.decode()
    assert compare.count("You can no longer join this plan") == 1
    assert "coverage starts Jan. 1, 2027." in compare


def _all_plans(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for g in ("eligible", "may_qualify", "not_eligible", "ending") for p in body[g]]


def test_api_in_december(client: Client, demo_catalog: None) -> None:
    body = get(client, **{**MIAMI, "date": "2026-12-04"}).json()
    assert body["default_plan_year"] == 2027
    assert {p["plan_year"] for p in body["eligible"]} == {2027}
    assert {p["plan_year"] for p in body["ending"]} == {2026}
    for plan in body["ending"]:
        assert plan["can_join_now"] is False
        assert plan["coverage_starts"] is None
        assert plan["ends_on"] == "2026-12-31"
    for plan in body["eligible"]:
        assert plan["ends_on"] is None
        assert plan["coverage_starts"] == "2027-01-01"
    assert body["count"] == len(_all_plans(body))


def test_api_in_june(client: Client, demo_catalog: None) -> None:
    body = get(client, **{**MIAMI, "date": "2027-06-15"}).json()
    assert body["default_plan_year"] is None
    assert body["ending"] == []
    joinable = body["eligible"] + body["may_qualify"]
    assert {p["plan_year"] for p in joinable} == {2027}
    assert any(p["can_join_now"] and p["coverage_starts"] == "2027-07-01" for p in joinable)
    # Coordination-only plans outside the Annual Enrollment Period: "ask your SHIP".
    assert any(p["window"]["code"] == "ask_ship" and not p["can_join_now"] for p in joinable)


def test_plan_page_keeps_the_date_when_another_answer_is_broken(
    client: Client, demo_catalog: None
) -> None:
    html = client.get(
        "/en/plans/2026/H9001-001/", {**MIAMI, "age": "tampered", "date": "2026-12-04"}
    ).content.decode()
    assert "You can no longer join this plan: it ends Dec. 31, 2026." in html
