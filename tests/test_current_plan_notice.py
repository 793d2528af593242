"""What a member hears about their plan's next year: renews, moved to another plan, or
ends with the non-renewal special period (42 CFR 422.62(b)(1)), on results, plan pages
and the API, in English and Spanish (demo crosswalk: H9003-004 moves its members to
H9003-001; H9002-002 ends; H9001-001 renews)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from finder.eligibility.windows import nonrenewal_period
from tests.test_api import get

pytestmark = pytest.mark.django_db

ANSWERS = {
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


def _text(html: str) -> str:
    section = re.search(r'<section class="current-plan".*?</section>', html, flags=re.S)
    assert section, "no current-plan section"
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())


@pytest.mark.parametrize(
    ("plan_year", "expected"),
    [
        pytest.param(2026, (date(2026, 12, 8), date(2027, 2, 28)), id="2027-not-leap"),
        pytest.param(2027, (date(2027, 12, 8), date(2028, 2, 29)), id="2028-leap"),
    ],
)
def test_nonrenewal_period(plan_year: int, expected: tuple[date, date]) -> None:
    assert nonrenewal_period(plan_year) == expected


def test_a_plan_that_ends_in_november(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/en/results/", {**ANSWERS, "current_plan": "H9002-002", "date": "2026-11-22"}
    ).content.decode()
    text = _text(html)
    assert "Your plan now: Sample Bay Care Value Plan (H9002-002)" in text
    assert "This plan ends on Dec. 31, 2026." in text
    assert "from Dec. 8, 2026 to Feb. 28, 2027" in text
    assert "Until Dec. 7, 2026 you can also use the Annual Enrollment Period." in text
    assert "If you do nothing, you will have Original Medicare from January 1, 2027" in text


def test_a_plan_that_ends_in_december_in_spanish(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/es/results/", {**ANSWERS, "current_plan": "H9002-002", "date": "2026-12-10"}
    ).content.decode()
    text = _text(html)
    assert "Su plan ahora" in text
    assert "Este plan termina el 31 de diciembre de 2026." in text
    assert "del 8 de diciembre de 2026 al 28 de febrero de 2027" in text
    # After December 7 the Annual Enrollment Period is not offered any more.
    assert "Período de Inscripción Anual" not in text
    assert "Si no hace nada, tendrá Medicare Original desde el 1 de enero de 2027" in text


def test_members_moved_to_another_plan(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/en/results/", {**ANSWERS, "current_plan": "H9003-004", "date": "2026-12-04"}
    ).content.decode()
    text = _text(html)
    assert "its members are moved to Sample Coastal Coordination Plan (H9003-001)" in text
    assert "If you do nothing, you will be in that plan." in text
    assert "until Dec. 7, 2026 (the Annual Enrollment Period)" in text
    assert "/plans/2027/H9003-001/" in html


def test_a_plan_that_renews(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/en/results/", {**ANSWERS, "current_plan": "H9001-001", "date": "2026-11-22"}
    ).content.decode()
    assert "On January 1, 2027, this plan goes on." in _text(html)


def test_no_section_without_a_current_plan(client: Client, demo_catalog: None) -> None:
    for value in ("none", "not_sure"):
        html = client.get(
            "/en/results/", {**ANSWERS, "current_plan": value, "date": "2026-11-22"}
        ).content.decode()
        assert 'class="current-plan"' not in html


def test_plan_page_for_members(client: Client, demo_catalog: None) -> None:
    html = client.get(
        "/en/plans/2026/H9002-002/", {**ANSWERS, "date": "2026-12-04"}
    ).content.decode()
    assert "For members: what happens on January 1, 2027" in html
    assert "from Dec. 8, 2026 to Feb. 28, 2027" in html
    counselor = client.get(
        "/en/plans/2026/H9002-002/", {**ANSWERS, "date": "2026-12-04", "counselor": "1"}
    ).content.decode()
    assert "42 CFR 422.62(b)(1)" in counselor


def test_api_current_plan(client: Client, demo_catalog: None) -> None:
    body = get(client, **{**ANSWERS, "current_plan": "H9002-002", "date": "2026-12-04"}).json()
    assert body["current_plan"]["next_year"] == {
        "change": "ends",
        "next_plan": None,
        "special_period": {"opens": "2026-12-08", "closes": "2027-02-28"},
        "citations": ["nonrenewal_sep", "aep"],
    }
    assert "nonrenewal_sep" in body["citations"]
    moved = get(client, **{**ANSWERS, "current_plan": "H9003-004", "date": "2026-12-04"}).json()
    assert moved["current_plan"]["next_year"]["change"] == "moves"
    assert moved["current_plan"]["next_year"]["next_plan"]["cms_id"] == "H9003-001"
    none = get(client, **{**ANSWERS, "current_plan": "none", "date": "2026-12-04"}).json()
    assert none["current_plan"] is None
