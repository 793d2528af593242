"""How a plan treats its members: the plan page, compare and the public state view."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finder.eligibility import plan_years_in_view
from plans.imports.common import run_import
from plans.imports.star_ratings import apply_star_ratings
from plans.models import ContractMeasure, ContractRating, ImportRun, Plan, PublicationStatus
from tests.factories import CountyFactory, PlanFactory, ServiceAreaFactory, StateFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files" / "star_ratings"
KINDS = ("measure_data", "measure_stars", "summary_ratings", "disenrollment_reasons")
YEAR = plan_years_in_view(timezone.localdate())[0]


def import_year(year: int) -> None:
    paths = [FILES / str(year) / f"star_ratings_{year}_{kind}.csv" for kind in KINDS]
    report = run_import(
        kind=ImportRun.Kind.STAR_RATINGS,
        path=paths[0],
        apply=lambda r: apply_star_ratings(r, paths=paths),
        dry_run=False,
    )
    assert not report.rejected, report.text()


def dsnp(contract_id: str, *, level: str = "HIDE", state: str = "FL", **extra: object) -> Plan:
    county = CountyFactory(
        state=StateFactory(code=state), fips={"FL": "12086", "CA": "06037"}[state]
    )
    plan = PlanFactory(
        contract_id=contract_id, pbp="001", plan_year=YEAR, integration_level=level, **extra
    )
    ServiceAreaFactory(plan=plan, county=county)
    return plan


def page(client: Client, plan: Plan, language: str = "en") -> str:
    response = client.get(f"/{language}/plans/{plan.plan_year}/{plan.cms_id}/")
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def rated() -> None:
    import_year(2026)


# --- The plan page ------------------------------------------------------------------------


def test_plan_page_shows_how_a_rated_contract_treats_its_members(
    client: Client, rated: None
) -> None:
    plan = dsnp("H1111", name="Sunny Dual Complete")
    text = text_of(page(client, plan))
    assert "How this plan treats its members" in text
    assert "From Medicare's 2026 Star Ratings for contract H1111." in text
    # Honest gaps: the whole contract, and the two years named.
    assert "for the company's whole contract H1111: every plan of that contract shares them" in text
    assert "They are the 2026 Star Ratings, measured on care in earlier years;" in text
    assert f"this plan is for {YEAR}." in text
    # A measure in plain words, with its unit, stars, direction, median, CMS name and period.
    assert "Complaints to Medicare about the plan" in text
    assert "0.12 complaints per 1,000 members per month" in text
    assert "4 out of 5 stars" in text
    assert "Lower is better" in text
    assert (
        "0.26 complaints per 1,000 members per month: the middle of 2 Medicare Advantage "
        "contracts with a number in the 2026 Star Ratings"
    ) in text
    assert "Complaints about the Health Plan (C28)" in text
    assert "01/01/2024 – 12/31/2024" in text
    # Members leaving, with the reasons they gave.
    assert "9 percent" in text
    assert "Financial Reasons for Disenrollment: 8 percent" in text
    assert "Problems with Prescription Drug Benefits and Coverage: Not Available" in text
    # Appeals reviewed: what it is and what it is not.
    assert "how often that reviewer agreed with the plan's denial" in text
    assert "It is not the share of all denials that were overturned" in text
    for title in (
        "Appeals decided on time",
        "Getting needed care",
        "Care coordination",
        "Customer service",
        "Checking each member's health needs",
        "Interpreters and TTY on the plan's phone line",
        "Health plan rating (Part C summary)",
        "Overall rating",
    ):
        assert title in text
    assert (
        "Medicare does not publish how many requests for care or payment each plan denied" in text
    )
    assert "long-term care and help at home" in text
    assert "Compare quality with other plans in State FL" in text
    assert 'href="/en/quality/FL/"' in page(client, plan)
    assert "best" not in text.lower().replace("best possible", "")


def test_a_too_new_contract_shows_cms_own_words(client: Client, rated: None) -> None:
    text = text_of(page(client, dsnp("H2222")))
    assert "Medicare says: “Plan too new to be measured”" in text
    # The stars say the same words: said once per measure, not twice.
    assert "Stars Plan too new to be measured" not in text
    # The national middle value still gives context.
    assert "0.26 complaints per 1,000 members per month: the middle of 2" in text


def test_pace_is_not_rated(client: Client, rated: None) -> None:
    # Even when its contract number has ratings, a PACE organization shows none.
    plan = PlanFactory(contract_id="H1111", pbp="002", plan_year=YEAR, pace=True)
    text = text_of(page(client, plan))
    assert "PACE is not rated" in text
    assert "0.12 complaints" not in text
    assert "Compare quality with other plans" not in text


def test_a_contract_without_ratings_says_so(client: Client) -> None:
    text = text_of(page(client, dsnp("H9999")))
    assert "We have no Medicare Star Ratings for contract H9999." in text


def test_a_year_without_data_periods_says_when_the_data_are_from(client: Client) -> None:
    import_year(2025)
    text = text_of(page(client, dsnp("H1111")))
    assert "From Medicare's 2025 Star Ratings" in text
    assert (
        "CMS's file for 2025 does not list the data periods: most 2025 measures use data from "
        "2023, and the member survey is from early 2024."
    ) in text
    assert "Complaints about the Health Plan (C25)" in text


def test_the_newest_star_year_is_used(client: Client) -> None:
    import_year(2025)
    import_year(2026)
    text = text_of(page(client, dsnp("H1111")))
    assert "From Medicare's 2026 Star Ratings" in text
    assert "0.12 complaints per 1,000" in text and "0.15 complaints per 1,000" not in text


def test_plan_page_queries_do_not_grow_with_the_measures(client: Client, rated: None) -> None:
    many = dsnp("H1111")  # 17 measures and reasons
    few = dsnp("H4444")
    ContractRating.objects.create(contract_id="H4444", star_year=2026, part_c_text="x")
    ContractMeasure.objects.create(
        contract_id="H4444",
        star_year=2026,
        measure_key="customer_service",
        measure_name="Customer Service",
        part="C",
        value_text="Not enough data available",
    )
    counts = []
    for plan in (many, few):
        with CaptureQueriesContext(connection) as queries:
            page(client, plan)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_plan_page_in_spanish(client: Client, rated: None) -> None:
    html = page(client, dsnp("H1111"), language="es")
    assert 'href="/es/quality/FL/"' in html


def test_compare_shows_the_section_for_each_plan(client: Client, rated: None) -> None:
    first, second = dsnp("H1111"), dsnp("H2222")
    response = client.get(f"/en/compare/?plan={YEAR}:{first.cms_id}&plan={YEAR}:{second.cms_id}")
    html = response.content.decode()
    assert response.status_code == 200
    # One section of the compare table, its rows one per measure, a cell per plan.
    assert html.count("How this plan treats its members") == 1
    section = html[html.index('<tbody class="compare-quality">') :]
    section = section[: section.index("</tbody>")]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", section, flags=re.S)
    assert rows and all(row.count("<td>") == 2 for row in rows)
    text = text_of(html)
    assert "0.12 complaints per 1,000 members per month" in text
    assert "Medicare says: “Plan too new to be measured”" in text


# --- The state view ----------------------------------------------------------------------


@pytest.fixture
def florida(rated: None) -> dict[str, Plan]:
    plans = {
        "sunny": dsnp("H1111", name="Sunny Dual Complete", level="HIDE"),
        "brand_new": dsnp("H2222", name="Brand New Duals", level="FIDE"),
        "regional": dsnp("R3333", name="Regional Duals Care", level="CO"),
    }
    # Not listed: PACE, a draft, another state, a plan year out of view.
    pace = PlanFactory(contract_id="H5555", name="Everglades PACE", plan_year=YEAR, pace=True)
    ServiceAreaFactory(plan=pace, county=CountyFactory(fips="12086"))
    draft = dsnp("H6666", name="Draft Duals", status=PublicationStatus.DRAFT)
    assert draft.pk
    dsnp("H7777", name="Golden Duals", state="CA")
    old = PlanFactory(contract_id="H8888", name="Old Year Duals", plan_year=YEAR - 2)
    ServiceAreaFactory(plan=old, county=CountyFactory(fips="12086"))
    return plans


def order_of(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


NAMES = ["Sunny Dual Complete", "Brand New Duals", "Regional Duals Care"]


def test_state_view_lists_the_states_dsnps_in_an_accessible_table(
    client: Client, florida: dict[str, Plan]
) -> None:
    response = client.get("/en/quality/FL/")
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    for name in NAMES:
        assert name in html
    for name in ("Everglades PACE", "Draft Duals", "Golden Duals", "Old Year Duals"):
        assert name not in html
    assert '<caption id="quality-caption">3 D-SNPs in State FL</caption>' in html
    assert '<th scope="col">Complaints per 1,000 members a month (lower is better)</th>' in html
    assert html.count('<th scope="row">') == 3
    assert "0.12 (4 of 5 stars)" in html
    assert "Plan too new to be measured" in html
    assert "Order: a shuffle that stays the same for this page." in html
    assert 'href="/en/quality/FL/?format=csv"' in html
    # The same neutral order on every visit, whatever the sponsor's name.
    assert order_of(html, NAMES) == order_of(client.get("/en/quality/FL/").content.decode(), NAMES)
    assert client.get("/en/quality/fl/").status_code == 200


def test_state_view_sorts_by_the_measure_the_person_chooses(
    client: Client, florida: dict[str, Plan]
) -> None:
    # Complaints: fewer first (H1111 0.12, R3333 0.40), no number last.
    html = client.get("/en/quality/FL/?sort=complaints_about_the_health_plan").content.decode()
    assert order_of(html, NAMES) == [
        "Sunny Dual Complete",
        "Regional Duals Care",
        "Brand New Duals",
    ]
    assert "Plans without a number for it come last." in html
    # Reviewer agreed with the plan: higher first (R3333 99%, H1111 95%).
    html = client.get("/en/quality/FL/?sort=reviewing_appeals_decisions").content.decode()
    assert order_of(html, NAMES) == [
        "Regional Duals Care",
        "Sunny Dual Complete",
        "Brand New Duals",
    ]
    html = client.get("/en/quality/FL/?sort=overall").content.decode()
    assert order_of(html, NAMES)[0] == "Sunny Dual Complete"


def test_state_view_filters_by_integration_level(client: Client, florida: dict[str, Plan]) -> None:
    html = client.get("/en/quality/FL/?level=FIDE").content.decode()
    assert "Brand New Duals" in html
    assert "Sunny Dual Complete" not in html and "Regional Duals Care" not in html
    assert '<option value="FIDE" selected>' in html


def test_state_view_csv_is_exactly_the_table(client: Client, florida: dict[str, Plan]) -> None:
    query = "sort=complaints_about_the_health_plan&level="
    html = client.get(f"/en/quality/FL/?{query}").content.decode()
    response = client.get(f"/en/quality/FL/?{query}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    headings = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert rows[0] == [h.replace("&#x27;", "'") for h in headings]
    assert [row[0] for row in rows[1:]] == order_of(html, NAMES)
    sunny = next(row for row in rows if row[0] == "Sunny Dual Complete")
    cells = re.search(r"Sunny Dual Complete</a></th>(.*?)</tr>", html, re.S)
    assert cells is not None
    assert sunny[1:] == re.findall(r"<td>([^<]*)</td>", cells.group(1))
    assert "0.12 (4 of 5 stars)" in sunny


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=evil", "We cannot sort by “evil”"),
        ("level=XYZ", "We do not know the integration level “XYZ”"),
        ("format=pdf", "We cannot make a “pdf” file"),
        ("sort=1%27%3B--&format=csv", "We cannot sort by"),
    ],
)
def test_state_view_rejects_bad_parameters_with_a_message(
    client: Client, florida: dict[str, Plan], query: str, message: str
) -> None:
    response = client.get(f"/en/quality/FL/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_state_view_unknown_state(client: Client) -> None:
    response = client.get("/en/quality/ZZ/")
    assert response.status_code == 404
    assert "is not the two-letter code of a state or territory we know" in response.content.decode()
    assert client.get("/en/quality/Florida/").status_code == 404


def test_state_view_without_plans(client: Client) -> None:
    StateFactory(code="TX")
    response = client.get("/en/quality/TX/")
    assert response.status_code == 200
    assert "We list no published D-SNPs in State TX" in response.content.decode()


def test_state_view_queries_do_not_grow_with_the_plans(
    client: Client, florida: dict[str, Plan]
) -> None:
    with CaptureQueriesContext(connection) as three:
        client.get("/en/quality/FL/")
    with CaptureQueriesContext(connection) as one:
        client.get("/en/quality/FL/?level=FIDE")
    assert len(three) == len(one)


def test_state_view_in_spanish(client: Client, florida: dict[str, Plan]) -> None:
    response = client.get("/es/quality/FL/")
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()
