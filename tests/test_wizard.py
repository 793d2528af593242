"""The wizard, results, plan, compare and counselor pages through the test client.

Each htmx view is tested as a full page and as a partial (layout absent), and with a
tampered query string (a message, never a server error).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Plan

pytestmark = pytest.mark.django_db

MIAMI = {"zip": "33125", "county": "12086"}
FULL_DUAL = {
    **MIAMI,
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
    "date": "2026-11-22",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def title(response: object) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)  # type: ignore[attr-defined]
    assert match, "no <title>"
    return " ".join(match.group(1).split())


def test_zip_step_full_page_and_partial(client: Client, demo_catalog: None) -> None:
    page = client.get("/en/find/zip/")
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert title(page).startswith("Step 1 of up to 11: Your ZIP code")
    partial = client.get("/en/find/zip/", **HTMX)
    body = partial.content.decode()
    assert "<html" not in body and 'id="wizard"' in body
    assert partial["HX-Push-Url"] == "/en/find/zip/"


def test_zip_then_county_is_always_confirmed(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/find/", **{"from": "zip", "zip": "33125"}))
    assert response.status_code == 302
    assert response["Location"] == "/en/find/county/?zip=33125"
    county = client.get(response["Location"]).content.decode()
    assert "mostly in Miami-Dade County" in county
    assert re.search(r'<option value="12086" selected>', county)
    assert '<option value="12011">' in county  # another county of the state


def test_htmx_next_step_is_swapped_with_pushed_url(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/find/", **{"from": "county", **MIAMI}), **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/en/find/medicare/?zip=33125&county=12086"
    body = response.content.decode()
    assert "<title>Step 3 of" in body and "data-focus-after-swap" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "zip", "zip": "3312"}, "Enter your 5-digit ZIP code"),
        ({"from": "zip", "zip": "99999"}, "We could not find ZIP code 99999"),
        ({"from": "medicare", **MIAMI}, "Please choose an answer"),
        ({"from": "medicare", **MIAMI, "medicare": "<script>"}, "not one of the answers"),
        ({"from": "county", "zip": "33125", "county": "06037"}, "is in California"),
    ],
    ids=["short-zip", "unknown-zip", "no-answer", "tampered-value", "county-other-state"],
)
def test_bad_answers_show_the_step_with_a_message(
    client: Client, demo_catalog: None, query: dict[str, str], message: str
) -> None:
    response = client.get(url("/en/find/", **query))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body and title(response).startswith("Error:")
    assert "<script>" not in body.split("</head>")[1].replace("<script src=", "")


def test_tampered_earlier_answer_sends_back_to_that_step(
    client: Client, demo_catalog: None
) -> None:
    response = client.get(url("/en/find/age/", **{**MIAMI, "medicare": "bogus"}))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/find/medicare/")
    shown = client.get(response["Location"]).content.decode()
    assert "not one of the answers" in shown


def test_unknown_step_is_404_not_500(client: Client, demo_catalog: None) -> None:
    assert client.get("/en/find/nonsense/").status_code == 404
    assert client.get(url("/en/find/", **{"from": "nonsense"})).status_code == 302


def test_steps_that_do_not_apply_are_skipped_and_not_counted(
    client: Client, demo_catalog: None
) -> None:
    # San Juan: no Medicaid plans and no PACE in the demo catalog.
    san_juan = {"zip": "00901", "county": "72127", "medicare": "ab", "coverage": "original"}
    page = client.get(url("/en/find/medicaid/", **san_juan))
    assert title(page).startswith("Step 5 of 8:")
    after = client.get(url("/en/find/", **{"from": "medicaid", **san_juan, "medicaid": "full"}))
    assert after["Location"].startswith("/en/find/medicaid_change/")
    # Miami, under 55: PACE does not apply, so no question about daily activities.
    young = {**FULL_DUAL, "age": "21-54"}
    young.pop("care_needs")
    after_age = client.get(url("/en/find/", **{"from": "age", **young}))
    assert after_age["Location"].startswith("/en/find/nursing_home/")
    # A partial dual is not asked about Medicaid plans.
    partial = {**MIAMI, "medicare": "ab", "coverage": "original", "medicaid": "qmb"}
    next_page = client.get(url("/en/find/", **{"from": "medicaid", **partial}))
    assert next_page["Location"].startswith("/en/find/medicaid_change/")


def test_last_step_goes_to_results(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/find/", **{"from": "nursing_home", **FULL_DUAL}))
    assert response["Location"].startswith("/en/results/?zip=33125&county=12086")
    htmx = client.get(url("/en/find/", **{"from": "nursing_home", **FULL_DUAL}), **HTMX)
    assert htmx["HX-Redirect"].startswith("/en/results/")


def test_change_an_answer_returns_to_results(client: Client, demo_catalog: None) -> None:
    response = client.get(
        url("/en/find/", **{"from": "age", **FULL_DUAL, "age": "60-64", "return": "results"})
    )
    assert response["Location"].startswith("/en/results/")
    assert "age=60-64" in response["Location"]


def test_results_page(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/results/", **FULL_DUAL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="status"' in body and "We found 14 plans for Miami-Dade County" in body
    for heading in ("You can likely join", "You may qualify", "Not for you, because"):
        assert heading in body
    assert "Original Medicare" in body and "1-800-633-4227" in body
    assert "Sample Unpublished Draft Plan" not in body
    assert 'class="cms-id"' not in body  # IDs only in the counselor view
    assert not response.cookies and "csrfmiddlewaretoken" not in body
    counselor = client.get(url("/en/results/", **FULL_DUAL, counselor="1")).content.decode()
    assert '<span class="cms-id">H9001-001</span>' in counselor and "42 CFR" in counselor


def test_results_partial_for_htmx_sort(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/results/", **FULL_DUAL, sort="cost"), **HTMX)
    body = response.content.decode()
    assert "<html" not in body and 'id="results"' in body


def plan_order(body: str) -> list[str]:
    return re.findall(r'<h4 id="plan-(\d+)">', body)


def test_neutral_order_is_stable_and_sorts_are_offered(client: Client, demo_catalog: None) -> None:
    first = plan_order(client.get(url("/en/results/", **FULL_DUAL)).content.decode())
    again = plan_order(client.get(url("/en/results/", **FULL_DUAL)).content.decode())
    assert first == again and len(first) == 14
    by_cost = client.get(url("/en/results/", **FULL_DUAL, sort="cost")).content.decode()
    assert sorted(plan_order(by_cost)) == sorted(first)
    assert client.get(url("/en/results/", **FULL_DUAL, sort="evil")).status_code == 200


def test_results_with_bad_answers_never_500(client: Client, demo_catalog: None) -> None:
    response = client.get(url("/en/results/", **{**FULL_DUAL, "medicaid": "lots"}))
    assert response.status_code == 302 and "/en/find/medicaid/" in response["Location"]
    bad_date = client.get(url("/en/results/", **{**FULL_DUAL, "date": "2026-13-01"}))
    assert bad_date.status_code == 400
    assert "This link has a problem" in bad_date.content.decode()


def test_results_query_count_is_fixed(client: Client, demo_catalog: None) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("/en/results/", **FULL_DUAL)).status_code == 200
        return len(captured)

    before = count()
    for n in range(5):
        plan = Plan.objects.get(contract_id="H9002", pbp="001", plan_year=2026)
        areas = list(plan.service_areas.all())
        plan.pk = None
        plan.pbp = f"{200 + n}"
        plan.save()
        for area in areas:
            area.pk = None
            area.plan = plan
            area.save()
    assert count() == before


def test_language_switch_keeps_the_answers(client: Client, demo_catalog: None) -> None:
    body = client.get(url("/en/results/", **FULL_DUAL)).content.decode()
    assert 'href="/es/results/?zip=33125&amp;county=12086' in body
    assert client.get(url("/es/results/", **FULL_DUAL)).status_code == 200


def test_plan_page(client: Client, demo_catalog: None) -> None:
    response = client.get("/en/plans/2026/H9001-001/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sample Sunshine Complete (FIDE)" in body and "H9001-001" in body
    assert "Fully integrated" in body and "Sample Sunshine Medicaid" in body
    assert "Report a problem with this information" in body
    assert "Last reviewed" in body
    pace = client.get("/en/plans/2026/H9006-001/").content.decode()
    assert "33125, 33126" in pace  # its ZIP limits
    assert client.get("/en/plans/2026/H9007-001/").status_code == 404  # draft
    assert client.get("/en/plans/2026/%3Cscript%3E/").status_code == 404


def test_compare(client: Client, demo_catalog: None) -> None:
    two = client.get("/en/compare/?plan=2026:H9001-001&plan=2026:H9002-001")
    assert two.status_code == 200
    body = two.content.decode()
    assert "Sample Sunshine Complete" in body and "Sample Bay Care Connect" in body
    many = "&".join(f"plan=2026:H9003-00{n}" for n in (1, 2, 3)) + "&plan=2026:H9001-001"
    assert "up to 3 plans" in client.get(f"/en/compare/?{many}").content.decode()
    assert client.get("/en/compare/?plan=nonsense").status_code == 400


def test_counselor_quick_entry_and_lookup(client: Client, demo_catalog: None) -> None:
    form = client.get("/en/counselor/").content.decode()
    for name in ("zip", "medicare", "coverage", "medicaid", "age", "nursing_home"):
        assert f'name="{name}"' in form
    go = client.get(url("/en/counselor/", go="1", **FULL_DUAL))
    assert go.status_code == 302 and "counselor=1" in go["Location"]
    needs_county = client.get(url("/en/counselor/", go="1", zip="33125"))
    assert needs_county.status_code == 400
    assert '<option value="12086" selected>' in needs_county.content.decode()
    lookup = client.get("/en/counselor/?plan_id=H9001-001").content.decode()
    assert "/en/plans/2026/H9001-001/" in lookup
    assert "No published plan" in client.get("/en/counselor/?plan_id=H0000-000").content.decode()


def test_year_filter_from_october(client: Client, demo_catalog: None) -> None:
    both = client.get(url("/en/results/", **FULL_DUAL)).content.decode()
    only_2027 = client.get(url("/en/results/", **FULL_DUAL, year="2027")).content.decode()
    assert "We found 14 plans" in both and "We found 6 plans" in only_2027
    assert "Plan year 2026" not in only_2027
    ignored = client.get(url("/en/results/", **FULL_DUAL, year="1999")).content.decode()
    assert "We found 14 plans" in ignored


def test_plan_page_says_who_can_join_and_what_it_covers(client: Client, demo_catalog: None) -> None:
    fide = client.get("/en/plans/2026/H9001-001/").content.decode()
    assert "People with Medicare and: QMB Plus" in fide
    assert "Medicare costs (deductibles and copays); long-term care" in fide
    adults = client.get("/en/plans/2026/H9102-002/").content.decode()
    assert "Ages 21 to 64." in adults and "members may stay after" in adults
    pace = client.get("/en/plans/2026/H9104-001/").content.decode()
    assert "Age 55 or older." in pace and "may stay after" not in pace
    assert "It has a waiting list." in pace


def test_aip_member_card_only_from_plan_year_2027(client: Client, demo_catalog: None) -> None:
    this_year = client.get("/en/plans/2026/H9001-001/").content.decode()
    next_year = client.get("/en/plans/2027/H9001-001/").content.decode()
    assert "one appeals process with its Medicaid plan" in this_year
    assert "member card" not in this_year
    assert "one member card and one appeals process" in next_year


def test_counselor_view_offers_a_link_to_reopen_the_answers(
    client: Client, demo_catalog: None
) -> None:
    body = client.get(url("/en/results/", **FULL_DUAL, counselor="1")).content.decode()
    match = re.search(r'<p class="reopen-link"><a href="([^"]+)"', body)
    assert match
    reopened = client.get(match.group(1).replace("&amp;", "&"))
    assert reopened.status_code == 200 and "We found 14 plans" in reopened.content.decode()
