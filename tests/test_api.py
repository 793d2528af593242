"""GET /api/v1/eligibility on the demo catalog: each kind of plan, 400s, the OpenAPI contract."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from finder.api import OPENAPI_PATH
from finder.eligibility.answers import (
    AGE_VALUES,
    COVERAGE_VALUES,
    MEDICAID_VALUES,
    MEDICARE_VALUES,
    PARAMETERS,
    YES_NO_VALUES,
)
from plans.models import Plan

pytestmark = pytest.mark.django_db

SPEC = OpenAPI.from_file_path(str(OPENAPI_PATH))
FULL_DUAL_MIAMI = {
    "zip": "33125",
    "county": "12086",
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "qmb_plus",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
    "date": "2026-11-22",
}


def get(client: Client, **params: str) -> Any:
    """Call the API and check the response against the OpenAPI document."""
    response = client.get("/api/v1/eligibility", params)
    SPEC.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def by_id(body: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {
        (plan["cms_id"], plan["plan_year"]): plan
        for group in ("eligible", "may_qualify", "not_eligible")
        for plan in body[group]
    }


def test_full_dual_in_miami(client: Client, demo_catalog: None) -> None:
    response = get(client, **FULL_DUAL_MIAMI)
    assert response.status_code == 200
    body = response.json()
    plans = by_id(body)
    assert body["state"] == {"code": "FL", "name": "Florida"}
    assert body["plan_years"] == [2026, 2027]
    # HIDE SNP, not aligned: a full dual can join any month (effective next month).
    hide = plans[("H9002-001", 2026)]
    assert hide["status"] == "eligible"
    assert hide["window"]["effective"] == "2026-12-01"
    # FIDE with exclusively aligned enrollment, person in fee-for-service Medicaid.
    fide = plans[("H9001-001", 2026)]
    assert fide["status"] == "may_qualify"
    assert fide["integration_level"] == "FIDE" and fide["aip"] is True
    assert any("Sample Sunshine Medicaid" in r["message"] for r in fide["reasons"])
    # Sanctioned plans are listed as not for this person, with the reason.
    sanctioned = plans[("H9003-003", 2026)]
    assert sanctioned["status"] == "not_eligible"
    assert any(r["outcome"] == "fail" and r["rule"] == "sanction" for r in sanctioned["reasons"])
    # PACE is at best "may qualify"; this ZIP is one it serves.
    assert plans[("H9006-001", 2026)]["status"] == "may_qualify"
    # The draft plan is never public.
    assert not any(cms_id == "H9007-001" for cms_id, _ in plans)
    # Every citation named is explained.
    named = {c for p in plans.values() for r in p["reasons"] for c in r["citations"]}
    assert named <= set(body["citations"])
    assert body["original_medicare"]["title"]
    assert body["sample_data"] is True


def test_pace_zip_limit_and_other_county(client: Client, demo_catalog: None) -> None:
    outside_zip = by_id(get(client, **{**FULL_DUAL_MIAMI, "zip": "33130"}).json())
    assert outside_zip[("H9006-001", 2026)]["status"] == "not_eligible"
    broward = by_id(get(client, **{**FULL_DUAL_MIAMI, "zip": "33301", "county": "12011"}).json())
    assert ("H9006-001", 2026) not in broward  # PACE does not serve Broward at all
    assert ("H9002-001", 2026) not in broward  # nor does the HIDE plan


def test_partial_dual_and_coordination_only_aip(client: Client, demo_catalog: None) -> None:
    partial = by_id(get(client, **{**FULL_DUAL_MIAMI, "medicaid": "qmb"}).json())
    assert partial[("H9003-001", 2026)]["status"] == "eligible"  # CO plan taking partial duals
    assert partial[("H9001-001", 2026)]["status"] == "may_qualify"  # EAE: full duals only
    la = {**FULL_DUAL_MIAMI, "zip": "90012", "county": "06037", "medicaid_plan": "golden"}
    california = by_id(get(client, **la).json())
    aip = california[("H9101-001", 2026)]
    assert aip["integration_level"] == "CO" and aip["aip"] is True
    assert aip["status"] == "eligible"
    # The monthly period for full duals includes coordination-only AIPs.
    assert aip["window"]["open_now"] and aip["window"]["effective"] == "2026-12-01"
    assert california[("H9102-002", 2026)]["status"] == "not_eligible"  # 21-64 plan, 65+


def test_puerto_rico_has_no_extra_help_wording(client: Client, demo_catalog: None) -> None:
    body = get(client, **{**FULL_DUAL_MIAMI, "zip": "00901", "county": "72127"}).json()
    assert body["state"]["code"] == "PR"
    # Extra Help does not exist in the territories: it is named only to say so.
    body.pop("citations")
    text = json.dumps(body).replace("Extra Help with drug costs does not exist", "")
    assert "Extra Help" not in text


def test_spanish_messages(client: Client, demo_catalog: None) -> None:
    body = get(client, **FULL_DUAL_MIAMI, lang="es").json()
    assert body["count"] > 0


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"county": "1208"}, {"county"}),
        ({"county": "12086", "medicare": "yes"}, {"medicare"}),
        ({"county": "12086", "age": "99"}, {"age"}),
        ({"county": "12086", "date": "2026-02-30"}, {"date"}),
        ({"county": "12086", "zip": "abcde"}, {"zip"}),
        ({"county": "12086", "zip": "99999"}, {"zip"}),
        ({"county": "99999"}, {"county"}),
        ({"county": "06037", "zip": "33125"}, {"zip", "county"}),
        ({"county": "12086", "medicaid_plan": "golden"}, {"medicaid_plan"}),
        ({"county": "12086", "lang": "fr"}, {"lang"}),
        ({"zip": "33125"}, {"county"}),
        ({"county": "12086", "medicaid": "x" * 5000}, {"medicaid"}),
    ],
    ids=[
        "short-county",
        "bad-medicare",
        "bad-age",
        "impossible-date",
        "letters-zip",
        "unknown-zip",
        "unknown-county",
        "zip-county-disagree",
        "medicaid-plan-of-another-state",
        "unknown-language",
        "missing-county",
        "overlong-value",
    ],
)
def test_bad_parameters_are_400_naming_them(
    client: Client, demo_catalog: None, params: dict[str, str], named: set[str]
) -> None:
    response = get(client, **params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == named


def test_a_zip_may_confirm_another_county_of_its_state(client: Client, demo_catalog: None) -> None:
    response = get(client, **{**FULL_DUAL_MIAMI, "county": "12011"})
    assert response.status_code == 200
    assert response.json()["county"]["name"] == "Broward County"


def test_query_count_does_not_grow_with_plans(client: Client, demo_catalog: None) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/eligibility", FULL_DUAL_MIAMI).status_code == 200
        return len(captured)

    before = queries()
    # Ten more plans in the county, each with service areas and an aligned Medicaid plan.
    template = Plan.objects.get(contract_id="H9001", plan_year=2026)
    for n in range(10):
        areas = list(template.service_areas.all())
        template.pk = None
        template.pbp = f"{100 + n}"
        template.save()
        for area in areas:
            area.pk = None
            area.plan = template
            area.save()
        template = Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)
    assert queries() == before


def test_openapi_document_matches_the_vocabulary(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    parameters = {
        p["name"]: p for p in document["paths"]["/api/v1/eligibility"]["get"]["parameters"]
    }
    assert set(parameters) == set(PARAMETERS) | {"lang"}
    expected = {
        "medicare": MEDICARE_VALUES,
        "coverage": COVERAGE_VALUES,
        "medicaid": MEDICAID_VALUES,
        "medicaid_change": YES_NO_VALUES,
        "age": AGE_VALUES,
        "care_needs": YES_NO_VALUES,
        "nursing_home": YES_NO_VALUES,
    }
    for name, values in expected.items():
        assert parameters[name]["schema"]["enum"] == list(values), name
    assert parameters["county"]["required"] is True
