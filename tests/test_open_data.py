"""Open data: GET /api/v1/plans (JSON) and /api/v1/plans.csv on the demo catalog.

Every JSON response and error is checked against finder/openapi.json, as in test_api.py.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from finder import open_data
from finder.api import OPENAPI_PATH
from plans.models import (
    ContractRating,
    ImportRun,
    IntegrationLevel,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
)

pytestmark = pytest.mark.django_db

SPEC = OpenAPI.from_file_path(str(OPENAPI_PATH))
PLANS = "/api/v1/plans"
CSV_URL = "/api/v1/plans.csv"


def get(client: Client, path: str = PLANS, headers: dict[str, str] | None = None, **params: Any):
    """Call an open-data URL and check the response against the OpenAPI document."""
    response = client.get(path, params, headers=headers or {})
    SPEC.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def all_results(client: Client, **params: Any) -> list[dict[str, Any]]:
    """Every plan over every page, following the next links."""
    body = get(client, **params).json()
    results = body["results"]
    while body["next"]:
        body = get(client, body["next"].removeprefix("http://testserver")).json()
        results += body["results"]
    return results


def ids(results: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(r["cms_id"], r["plan_year"]) for r in results}


def csv_rows(response: StreamingHttpResponse) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- What is published ----------------------------------------------------------------


def test_only_published_plans_and_every_one_of_them(client: Client, demo_catalog: None) -> None:
    body = get(client).json()
    published = Plan.objects.published()
    # 11 published sample plans x 2 years, and 2 of this year only
    assert body["count"] == published.count() == 24
    assert body["page"] == 1 and body["pages"] == 1 and body["page_size"] == 100
    assert body["next"] is None and body["previous"] is None
    assert {r["id"] for r in body["results"]} == set(published.values_list("pk", flat=True))
    assert not any(r["cms_id"] == "H9007-001" for r in body["results"])  # the draft


def test_a_plan_in_review_never_appears(client: Client, demo_catalog: None) -> None:
    Plan.objects.filter(contract_id="H9002").update(status=PublicationStatus.IN_REVIEW)
    assert not any(r["contract_id"] == "H9002" for r in all_results(client))
    rows = csv_rows(client.get(CSV_URL))
    assert not any(r["contract_id"] == "H9002" for r in rows)


def test_fixed_order_by_year_contract_and_plan(client: Client, demo_catalog: None) -> None:
    results = get(client).json()["results"]
    keys = [(r["plan_year"], r["contract_id"], r["pbp"], r["segment"]) for r in results]
    assert keys == sorted(keys)


# --- Filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"state": "CA", "plan_year": "2026"},
            {"H9101-001", "H9102-001", "H9102-002", "H9104-001"},
        ),
        (
            {"state": "ca", "plan_year": "2026"},
            {"H9101-001", "H9102-001", "H9102-002", "H9104-001"},
        ),
        ({"county": "12011", "plan_year": "2026"}, {"H9001-001", "H9003-001"}),
        ({"county": "12086", "kind": "pace", "plan_year": "2026"}, {"H9006-001"}),
        ({"kind": "PACE", "plan_year": "2026"}, {"H9006-001", "H9104-001"}),
        ({"integration_level": "FIDE", "plan_year": "2026"}, {"H9001-001"}),
        (
            {"state": "FL", "integration_level": "co", "plan_year": "2026"},
            # H9002-002 and H9003-004 exist in 2026 only (they end, or are consolidated).
            {"H9003-001", "H9003-002", "H9002-002", "H9003-004"},
        ),
        ({"state": "PR"}, {"H9201-001"}),
        ({"kind": "pace", "integration_level": "HIDE"}, set()),
    ],
    ids=[
        "state",
        "state-lowercase",
        "county",
        "county-and-kind",
        "kind-uppercase",
        "integration-level",
        "state-and-level",
        "territory-both-years",
        "pace-has-no-level",
    ],
)
def test_filters(
    client: Client, demo_catalog: None, params: dict[str, str], expected: set[str]
) -> None:
    results = get(client, **params).json()["results"]
    assert {r["cms_id"] for r in results} == expected
    if "plan_year" in params:
        assert {r["plan_year"] for r in results} <= {int(params["plan_year"])}


def test_plan_year_filter(client: Client, demo_catalog: None) -> None:
    body = get(client, plan_year="2027").json()
    assert body["count"] == 11
    assert {r["plan_year"] for r in body["results"]} == {2027}
    assert get(client, plan_year="2030").json()["count"] == 0


def test_a_plan_serving_several_counties_appears_once(client: Client, demo_catalog: None) -> None:
    results = get(client, state="FL", plan_year="2026").json()["results"]
    assert [r["cms_id"] for r in results].count("H9001-001") == 1


# --- The record -----------------------------------------------------------------------


def test_record_of_a_fide_aip_plan(client: Client, demo_catalog: None) -> None:
    plan = Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)
    ContractRating.objects.create(
        contract_id="H9001",
        star_year=2025,
        overall=Decimal("3.5"),
        part_c=Decimal("3.0"),
        part_d=Decimal("4.0"),
    )
    ContractRating.objects.create(
        contract_id="H9001",
        star_year=2026,
        overall=Decimal("4.5"),
        part_c=None,
        part_c_text="Plan too new to be measured",
        part_d=Decimal("4.0"),
    )
    record = {r["id"]: r for r in get(client, plan_year="2026").json()["results"]}[plan.pk]
    assert record["cms_id"] == "H9001-001" and record["segment"] == "000"
    assert record["kind"] == "dsnp" and record["integration_level"] == "FIDE"
    assert record["aip"] is True and record["exclusively_aligned"] is True
    assert record["aligned_medicaid_plan"] == {
        "code": "sunshine",
        "name": "Sample Sunshine Medicaid",
        "state": "FL",
    }
    assert record["organization"] == {
        "id": plan.organization_id,
        "legal_name": "Sample Health Group of Florida, Inc.",
        "marketing_name": "Sample Sunshine Health",
        "parent": "Sample Health Group",
    }
    assert record["dual_categories"] == {
        "source": "plan",
        "categories": ["qmb_plus", "slmb_plus", "fbde"],
    }
    assert record["premium"] == "0.00" and record["premium_with_extra_help"] == "0.00"
    assert record["zero_dollar_cost_sharing"] is True
    assert record["states"] == ["FL"]
    assert [(a["county"], a["whole_county"]) for a in record["service_area"]] == [
        ("12011", True),
        ("12086", True),
    ]
    # The newest Star Ratings year only, with CMS's words where there is no number.
    assert record["star_rating"] == {
        "star_year": 2026,
        "overall": 4.5,
        "overall_text": None,
        "part_c": None,
        "part_c_text": "Plan too new to be measured",
        "part_d": 4.0,
        "part_d_text": None,
    }
    assert record["source"] and record["last_reviewed"] == "2026-11-22"
    assert record["sample_data"] is True


def test_state_default_categories_are_the_states_list(client: Client, demo_catalog: None) -> None:
    results = get(client, county="12086", plan_year="2026").json()["results"]
    hide = next(r for r in results if r["cms_id"] == "H9002-001")
    florida = ["qmb_plus", "slmb_plus", "fbde", "qmb", "slmb", "qi", "qdwi"]
    assert hide["dual_categories"] == {
        "source": "state_default",
        "categories": florida,
        "state_defaults": {"FL": florida},
    }
    assert hide["premium"] == "18.40" and hide["star_rating"] is None


def test_state_default_without_a_published_policy_is_null(
    client: Client, demo_catalog: None
) -> None:
    from plans.models import StatePolicy

    StatePolicy.objects.filter(state="FL").update(status=PublicationStatus.DRAFT)
    hide = next(
        r for r in get(client, county="12086").json()["results"] if r["cms_id"] == "H9002-001"
    )
    assert hide["dual_categories"] == {
        "source": "state_default",
        "categories": None,
        "state_defaults": {"FL": None},
    }


def test_record_of_pace_with_zip_limits_and_a_waiting_list(
    client: Client, demo_catalog: None
) -> None:
    results = {r["cms_id"]: r for r in get(client, kind="pace", plan_year="2026").json()["results"]}
    everglades = results["H9006-001"]
    assert everglades["integration_level"] is None and everglades["aip"] is False
    assert everglades["age_limits"] == {"min": 55, "max": None, "at_enrollment_only": True}
    assert everglades["requires_nursing_home_level_of_care"] is True
    # PACE enrolls whatever the person's Medicaid: no dual category applies.
    assert everglades["dual_categories"] == {"source": "not_applicable", "categories": None}
    assert everglades["service_area"] == [
        {
            "county": "12086",
            "name": "Miami-Dade County",
            "state": "FL",
            "whole_county": False,
            "zip_codes": ["33125", "33126"],
        }
    ]
    assert everglades["pace_waiting_list"] is False
    assert results["H9104-001"]["pace_waiting_list"] is True
    assert results["H9104-001"]["premium"] is None


def test_coordination_only_aip_and_sanctioned(client: Client, demo_catalog: None) -> None:
    results = {r["cms_id"]: r for r in get(client, plan_year="2026").json()["results"]}
    golden = results["H9101-001"]
    assert (golden["integration_level"], golden["aip"], golden["exclusively_aligned"]) == (
        "CO",
        True,
        True,
    )
    assert golden["aligned_medicaid_plan"]["code"] == "golden"
    assert results["H9003-003"]["sanctioned"] is True
    assert results["H9102-002"]["age_limits"] == {"min": 21, "max": 64, "at_enrollment_only": True}


# --- Pagination -----------------------------------------------------------------------


def test_pages_cover_every_plan_once(
    client: Client, demo_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_data, "PAGE_SIZE", 5)
    first = get(client, state="FL").json()
    assert first["count"] == 14 and first["pages"] == 3 and first["page_size"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/plans?state=FL&page=2"
    results = all_results(client, state="FL")
    assert len(results) == 14 and len({r["id"] for r in results}) == 14
    last = get(client, state="FL", page="3").json()
    assert last["next"] is None and len(last["results"]) == 4
    assert last["previous"] == "http://testserver/api/v1/plans?state=FL&page=2"


def test_an_empty_result_is_one_empty_page(client: Client, demo_catalog: None) -> None:
    body = get(client, plan_year="2031").json()
    assert body == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "page_size": 100,
        "next": None,
        "previous": None,
        "results": [],
    }


# --- Bad parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"state": "F"}, {"state"}),
        ({"state": "ZZ"}, {"state"}),
        ({"state": "F1"}, {"state"}),
        ({"county": "1208"}, {"county"}),
        ({"county": "99999"}, {"county"}),
        ({"county": "06037", "state": "FL"}, {"county", "state"}),
        ({"kind": "hmo"}, {"kind"}),
        ({"integration_level": "FULL"}, {"integration_level"}),
        ({"plan_year": "26"}, {"plan_year"}),
        ({"plan_year": "next"}, {"plan_year"}),
        ({"plan_year": "1999"}, {"plan_year"}),
        ({"page": "0"}, {"page"}),
        ({"page": "two"}, {"page"}),
        ({"page": "-1"}, {"page"}),
        ({"page": "2"}, {"page"}),
        ({"page": "9" * 40}, {"page"}),
        ({"State": "FL"}, {"State"}),
        ({"kind": "dsnp", "sort": "name"}, {"sort"}),
        ({"county": "x" * 5000}, {"county"}),
        ({"kind": "hmo", "plan_year": "x", "page": "0"}, {"kind", "plan_year", "page"}),
    ],
    ids=[
        "short-state",
        "unknown-state",
        "state-with-digit",
        "short-county",
        "unknown-county",
        "county-outside-state",
        "unknown-kind",
        "unknown-level",
        "two-digit-year",
        "word-year",
        "year-out-of-range",
        "page-zero",
        "page-word",
        "page-negative",
        "page-after-last",
        "page-huge",
        "unknown-parameter-case",
        "unknown-parameter",
        "overlong-value",
        "several-at-once",
    ],
)
def test_bad_parameters_are_400_naming_them(
    client: Client, demo_catalog: None, params: dict[str, str], named: set[str]
) -> None:
    response = get(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == named
    csv_response = client.get(CSV_URL, {k: v for k, v in params.items() if k != "page"})
    if set(named) - {"page"}:
        assert csv_response.status_code == 400
        assert set(csv_response.json()["errors"]) == named - {"page"}


def test_a_repeated_parameter_is_400(client: Client, demo_catalog: None) -> None:
    response = get(client, state=["FL", "CA"])
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state"}


# --- CSV ------------------------------------------------------------------------------


def test_csv_has_the_same_rows_as_json(client: Client, demo_catalog: None) -> None:
    response = get(client, CSV_URL)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=integrated-care-plans.csv"
    rows = csv_rows(response)
    body = get(client).json()
    assert len(rows) == body["count"] == 24
    assert [int(r["id"]) for r in rows] == [r["id"] for r in body["results"]]
    assert list(rows[0]) == [name for name, _ in open_data.CSV_COLUMNS]


def test_csv_columns_and_filters(client: Client, demo_catalog: None) -> None:
    rows = {r["cms_id"]: r for r in csv_rows(client.get(CSV_URL, {"plan_year": "2026"}))}
    assert len(rows) == get(client, plan_year="2026").json()["count"] == 13
    fide = rows["H9001-001"]
    assert fide["counties"] == "12011;12086"
    assert fide["integration_level"] == "FIDE" and fide["aip"] == "true"
    assert fide["aligned_medicaid_plan_code"] == "sunshine"
    assert fide["dual_categories_source"] == "plan"
    assert fide["dual_categories"] == "qmb_plus;slmb_plus;fbde"
    assert fide["premium"] == "0.00" and fide["star_year"] == ""
    assert rows["H9006-001"]["county_zip_limits"] == "12086=33125 33126"
    assert rows["H9006-001"]["integration_level"] == ""
    assert rows["H9006-001"]["dual_categories_source"] == "not_applicable"
    assert rows["H9006-001"]["dual_categories"] == ""
    assert rows["H9002-001"]["dual_categories_source"] == "state_default"
    assert rows["H9002-001"]["dual_categories"].split(";")[:3] == ["qmb_plus", "slmb_plus", "fbde"]
    california = csv_rows(client.get(CSV_URL, {"state": "CA", "kind": "pace"}))
    assert [r["cms_id"] for r in california] == ["H9104-001", "H9104-001"]


def test_csv_cells_cannot_start_a_formula(client: Client, demo_catalog: None) -> None:
    Plan.objects.filter(contract_id="H9002").update(name="=HYPERLINK(1)")
    rows = csv_rows(client.get(CSV_URL, {"county": "12086"}))
    assert {r["name"] for r in rows if r["contract_id"] == "H9002"} == {"'=HYPERLINK(1)"}


def test_csv_streams_in_batches(
    client: Client, demo_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_data, "CSV_BATCH", 4)
    rows = csv_rows(client.get(CSV_URL))
    assert len(rows) == 24 and len({r["id"] for r in rows}) == 24


def test_csv_takes_no_page(client: Client, demo_catalog: None) -> None:
    response = get(client, CSV_URL, page="1")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page"}


# --- Caching headers ------------------------------------------------------------------


@pytest.mark.parametrize("path", [PLANS, CSV_URL])
def test_validators_and_cache_headers(client: Client, demo_catalog: None, path: str) -> None:
    response = get(client, path)
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Vary"] == "Accept-Encoding"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_304_on_a_matching_if_none_match(client: Client, demo_catalog: None) -> None:
    first = get(client, state="FL")
    etag = first["ETag"]
    again = get(client, state="FL", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Vary"] == "Accept-Encoding"
    assert again["Cache-Control"] == "public, max-age=300"
    # Weak and listed forms match too (weak comparison, RFC 9110).
    weak = get(client, state="FL", headers={"If-None-Match": f'"nope", W/{etag}'})
    assert weak.status_code == 304
    # Another query is another representation.
    other = get(client, state="CA", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other["ETag"] != etag
    csv_etag = client.get(CSV_URL, {"state": "FL"})["ETag"]
    assert csv_etag != etag
    assert (
        client.get(CSV_URL, {"state": "FL"}, headers={"If-None-Match": csv_etag}).status_code == 304
    )


def test_the_etag_changes_with_the_catalog(client: Client, demo_catalog: None) -> None:
    etag = get(client)["ETag"]
    assert get(client)["ETag"] == etag  # stable while nothing changes
    draft = Plan.objects.get(status=PublicationStatus.DRAFT, plan_year=2026)
    draft.status = PublicationStatus.PUBLISHED
    draft.save()
    published = get(client, headers={"If-None-Match": etag})
    assert published.status_code == 200 and published["ETag"] != etag
    etag = published["ETag"]
    ImportRun.objects.create(
        kind=ImportRun.Kind.STAR_RATINGS,
        file_name="ratings.csv",
        checksum="0" * 64,
        outcome=ImportRun.Outcome.APPLIED,
        finished_at="2026-11-23T10:00:00Z",
    )
    imported = get(client, headers={"If-None-Match": etag})
    assert imported.status_code == 200 and imported["ETag"] != etag
    assert imported["Last-Modified"] == "Mon, 23 Nov 2026 10:00:00 GMT"


def test_an_admin_edit_changes_the_etag(client: Client, demo_catalog: None) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    etag = get(client)["ETag"]
    user = User.objects.create_user("admin-edit", password="not-used-here-123")
    plan = Plan.objects.published().first()
    assert plan is not None
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Plan),
        object_id=str(plan.pk),
        object_repr=str(plan),
        action_flag=CHANGE,
    )
    assert get(client, headers={"If-None-Match": etag}).status_code == 200


def test_no_last_modified_without_a_recorded_change(client: Client, demo_catalog: None) -> None:
    assert "Last-Modified" not in get(client)


def test_head_is_allowed_and_post_is_not(client: Client, demo_catalog: None) -> None:
    assert client.head(PLANS).status_code == 200
    assert client.post(PLANS).status_code == 405


def test_errors_set_no_cookie_and_vary_only_on_encoding(client: Client, demo_catalog: None) -> None:
    response = get(client, kind="hmo")
    assert response["Vary"] == "Accept-Encoding" and not response.cookies


# --- Queries --------------------------------------------------------------------------


def _queries(client: Client, path: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
        assert response.status_code == 200
        if isinstance(response, StreamingHttpResponse):
            b"".join(response.streaming_content)
    return len(captured)


def _more_plans(count: int) -> None:
    """More published plans, each with service areas, an aligned plan and a rating."""
    template = Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)
    areas = list(template.service_areas.all())
    for n in range(count):
        template.pk = None
        template.contract_id = f"H8{n:03d}"
        template.save()
        ServiceArea.objects.bulk_create(
            ServiceArea(plan=template, county=a.county, zip_codes=a.zip_codes) for a in areas
        )
        ContractRating.objects.create(contract_id=template.contract_id, star_year=2026)


def test_query_count_does_not_grow_with_the_page_size(
    client: Client, demo_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_data, "PAGE_SIZE", 3)
    small = _queries(client, PLANS)
    monkeypatch.setattr(open_data, "PAGE_SIZE", 100)
    large = _queries(client, PLANS)
    _more_plans(15)
    larger = _queries(client, PLANS)
    assert small == large == larger
    # Catalog version (3), count, plans, service areas, ratings, state policies.
    assert large == 8


def test_query_count_of_filters_is_fixed(client: Client, demo_catalog: None) -> None:
    before = _queries(client, PLANS, state="FL", kind="dsnp")
    _more_plans(10)
    assert _queries(client, PLANS, state="FL", kind="dsnp") == before


def test_csv_queries_grow_per_batch_not_per_plan(
    client: Client, demo_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_data, "CSV_BATCH", 1000)
    before = _queries(client, CSV_URL)
    _more_plans(20)
    assert _queries(client, CSV_URL) == before


def test_a_304_reads_only_the_catalog_version(client: Client, demo_catalog: None) -> None:
    etag = client.get(PLANS)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PLANS, headers={"If-None-Match": etag}).status_code == 304
    assert len(captured) == 3


# --- The OpenAPI document -------------------------------------------------------------


def test_openapi_describes_the_filters_as_the_code_reads_them(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path in (PLANS, "/api/v1/fhir/InsurancePlan"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert set(parameters) == {*open_data.PARAMETERS, "If-None-Match"}
        assert parameters["kind"]["schema"]["enum"] == list(PlanKind.values)
        assert parameters["integration_level"]["schema"]["enum"] == list(IntegrationLevel.values)
    csv_parameters = {p["name"] for p in document["paths"][CSV_URL]["get"]["parameters"]}
    assert csv_parameters == {*open_data.FILTERS, "If-None-Match"}
    record = document["components"]["schemas"]["CatalogPlan"]
    assert set(record["required"]) == set(record["properties"])


def test_every_record_field_is_in_the_openapi_schema(client: Client, demo_catalog: None) -> None:
    document = json.loads(OPENAPI_PATH.read_text())
    fields = set(document["components"]["schemas"]["CatalogPlan"]["properties"])
    for record in get(client).json()["results"]:
        assert set(record) == fields
