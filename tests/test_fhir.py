"""FHIR open data: Plan-Net-shaped InsurancePlan and Organization resources.

Two kinds of check, as docs/fhir.md says:
- structure: every resource parses with the ``fhir.resources`` R4B models (element names,
  types, cardinalities of the base resources, primitive formats);
- Plan-Net: the profile rules those models do not know (required elements, fixed values,
  invariants, reference targets), checked by ``plannet_problems`` below.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.insuranceplan import InsurancePlan
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization as FhirOrganization
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from finder import fhir, open_data
from finder.api import OPENAPI_PATH
from plans.models import Organization, Plan, PublicationStatus
from tests.factories import OrganizationFactory, PlanFactory

pytestmark = pytest.mark.django_db

# openapi-core reads application/json only; FHIR's JSON media type is the same JSON.
SPEC = OpenAPI.from_file_path(
    str(OPENAPI_PATH),
    config=Config(extra_media_type_deserializers={"application/fhir+json": json.loads}),
)
BASE = "/api/v1/fhir"
SERVER = "http://testserver"
PLAN_FIELDS = ("contract_id", "pbp", "plan_year")


def get(client: Client, path: str, headers: dict[str, str] | None = None, **params: Any):
    response = client.get(path, params, headers=headers or {})
    SPEC.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    if response.status_code != 304:
        assert response["Content-Type"] == "application/fhir+json"
    return response


def plan_resource(client: Client, contract: str, pbp: str = "001", year: int = 2026) -> dict:
    plan = Plan.objects.get(contract_id=contract, pbp=pbp, plan_year=year)
    response = get(client, f"{BASE}/InsurancePlan/{plan.pk}")
    assert response.status_code == 200
    return response.json()


def whole_catalog(client: Client) -> list[dict[str, Any]]:
    """Every entry of every page of the searchset."""
    bundle = get(client, f"{BASE}/InsurancePlan").json()
    entries = list(bundle.get("entry", []))
    while following := [x["url"] for x in bundle["link"] if x["relation"] == "next"]:
        bundle = get(client, following[0].removeprefix(SERVER)).json()
        entries += bundle.get("entry", [])
    return entries


def extensions(resource: dict[str, Any]) -> dict[str, Any]:
    return {ext["url"]: ext for ext in resource.get("extension", [])}


# --- Plan-Net rules the R4B models do not check ----------------------------------------

_REFERENCE = re.compile(r"^Organization/[A-Za-z0-9\-.]{1,64}$")


def _codes(concept: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


def plannet_location_problems(location: dict[str, Any]) -> list[str]:
    problems = []
    if fhir.PROFILE_LOCATION not in location.get("meta", {}).get("profile", []):
        problems.append("Location: no Plan-Net Location profile")
    if location.get("status") != "active":
        problems.append("Location.status must be active (1..1, fixed)")
    if not location.get("name"):
        problems.append("Location.name is required (US Core 1..1)")
    if "mode" in location:
        problems.append("Location.mode is 0..0 in Plan-Net")
    fips = [i for i in location.get("identifier", []) if i["system"] == fhir.COUNTY_FIPS_SYSTEM]
    if len(fips) != 1 or not re.fullmatch(r"[0-9]{5}", fips[0]["value"]):
        problems.append("Location: one county FIPS identifier")
    return problems


def plannet_network_problems(network: dict[str, Any]) -> list[str]:
    problems = []
    if fhir.PROFILE_NETWORK not in network.get("meta", {}).get("profile", []):
        problems.append("Network: no Plan-Net Network profile")
    if network.get("active") is not True:
        problems.append("Network.active must be true")
    if not network.get("name"):
        problems.append("Network.name is required")
    if (fhir.ORG_TYPE_SYSTEM, "ntwk") not in {
        c for t in network.get("type", []) for c in _codes(t)
    }:
        problems.append("Network.type must be OrgTypeCS#ntwk (1..1)")
    if len(network.get("type", [])) != 1:
        problems.append("Network.type is 1..1")
    if not _REFERENCE.match(network.get("partOf", {}).get("reference", "")):
        problems.append("Network.partOf is 1..1, an Organization")
    if "telecom" in network:
        problems.append("Network.telecom is 0..0")
    return problems


def plannet_problems(resource: dict[str, Any]) -> list[str]:
    """Plan-Net (1.x / 2.0.0-ballot) InsurancePlan or Organization rules, as a list of misses."""
    problems: list[str] = []
    kind = resource["resourceType"]
    profiles = resource.get("meta", {}).get("profile", [])
    if kind == "InsurancePlan":
        if fhir.PROFILE_INSURANCE_PLAN not in profiles:
            problems.append("no Plan-Net InsurancePlan profile in meta.profile")
        if resource.get("status") != "active":
            problems.append("status is 1..1 and fixed to active")
        if len(resource.get("type", [])) != 1 or not resource["type"][0].get("coding"):
            problems.append("type is 1..1 with a coding")
        if not resource.get("name"):
            problems.append("name (must support) is empty")
        for element in ("ownedBy", "administeredBy"):
            if not _REFERENCE.match(resource.get(element, {}).get("reference", "")):
                problems.append(f"{element} is 1..1 and must reference an Organization")
        contained = {f"#{r['id']}": r for r in resource.get("contained", [])}
        areas = resource.get("coverageArea", [])
        if not areas:
            problems.append("coverageArea (must support) is empty")
        for area in areas:
            location = contained.get(area.get("reference", ""))
            if location is None or location["resourceType"] != "Location":
                problems.append(f"coverageArea {area} is not a contained Location")
            else:
                problems += plannet_location_problems(location)
        # Invariant network-or-plan-Network: network.exists() or plan.network.exists().
        networks = resource.get("network", []) + [
            n for p in resource.get("plan", []) for n in p.get("network", [])
        ]
        if not networks:
            problems.append("invariant network-or-plan-Network: no network")
        for reference in networks:
            network = contained.get(reference.get("reference", ""))
            if network is None:
                problems.append(f"network {reference} does not resolve")
            else:
                problems += plannet_network_problems(network)
        # Invariant plan-type-is-distinct.
        plan_types = [
            c["code"] for p in resource.get("plan", []) for c in p.get("type", {}).get("coding", [])
        ]
        if len(plan_types) != len(set(plan_types)):
            problems.append("invariant plan-type-is-distinct")
        # The MA-PLAN-ID slice (2.0.0-ballot): 0..1, with its fixed system.
        ma_ids = [
            i for i in resource.get("identifier", []) if i["system"] == fhir.MA_PLAN_ID_SYSTEM
        ]
        if len(ma_ids) > 1:
            problems.append("identifier:MA-PLAN-ID is 0..1")
        for ma_id in ma_ids:
            if not re.fullmatch(r"[HR][0-9]{4}-[0-9]{3}-[0-9]{3}", ma_id.get("value", "")):
                problems.append("MA-PLAN-ID value is contract-PBP-segment")
        # Contained resources are referenced from the container (dom-3).
        referenced = {a["reference"] for a in areas} | {n["reference"] for n in networks}
        if set(contained) - referenced:
            problems.append("a contained resource is not referenced")
    elif kind == "Organization":
        if fhir.PROFILE_ORGANIZATION not in profiles:
            problems.append("no Plan-Net Organization profile in meta.profile")
        if resource.get("active") is not True:
            problems.append("active is 1..1 and must be true")
        if not resource.get("name"):
            problems.append("name is required (US Core 1..1)")
        if not resource.get("type"):
            problems.append("type is 1..*")
        if not resource.get("address"):
            problems.append("address is 1..*")
        if "partOf" in resource and not _REFERENCE.match(resource["partOf"]["reference"]):
            problems.append("partOf must reference an Organization")
    else:
        problems.append(f"unexpected {kind}")
    return problems


# --- The whole demo catalog -----------------------------------------------------------


def test_every_published_plan_is_structurally_valid_r4b_and_plannet(
    client: Client, demo_catalog: None
) -> None:
    entries = whole_catalog(client)
    matches = [e for e in entries if e["search"]["mode"] == "match"]
    published = Plan.objects.published()
    assert len(matches) == published.count() == 24
    assert {int(e["resource"]["id"]) for e in matches} == set(
        published.values_list("pk", flat=True)
    )
    for entry in entries:
        resource = entry["resource"]
        model = InsurancePlan if resource["resourceType"] == "InsurancePlan" else FhirOrganization
        model.model_validate(resource)  # raises on any structural error
        assert plannet_problems(resource) == [], resource["id"]
        assert entry["fullUrl"] == f"{SERVER}{BASE}/{resource['resourceType']}/{resource['id']}"
    # Each plan read on its own is the same resource as in the bundle, and valid.
    for entry in matches:
        alone = get(client, entry["fullUrl"].removeprefix(SERVER)).json()
        assert alone == entry["resource"]


def test_the_bundle_is_a_valid_searchset(client: Client, demo_catalog: None) -> None:
    response = get(client, f"{BASE}/InsurancePlan")
    bundle = response.json()
    Bundle.model_validate(bundle)  # the entries' resources are validated as well
    assert bundle["type"] == "searchset" and bundle["total"] == 24
    assert bundle["link"] == [{"relation": "self", "url": f"{SERVER}{BASE}/InsurancePlan?page=1"}]
    modes = [e["search"]["mode"] for e in bundle["entry"]]
    assert modes == sorted(modes, key=lambda m: m != "match")  # matches first, then includes


def test_every_reference_resolves_to_a_valid_organization(
    client: Client, demo_catalog: None
) -> None:
    entries = whole_catalog(client)
    references = set()
    for entry in entries:
        resource = entry["resource"]
        for element in ("ownedBy", "administeredBy", "partOf"):
            if element in resource:
                references.add(resource[element]["reference"])
    included = {
        f"Organization/{e['resource']['id']}" for e in entries if e["search"]["mode"] == "include"
    }
    assert references == included
    for reference in sorted(references):
        response = get(client, f"{BASE}/{reference}")
        assert response.status_code == 200, reference
        organization = response.json()
        FhirOrganization.model_validate(organization)
        assert plannet_problems(organization) == []


def test_every_filter_gives_a_valid_bundle(client: Client, demo_catalog: None) -> None:
    for params in (
        {"state": "CA"},
        {"county": "12086", "kind": "pace"},
        {"integration_level": "FIDE", "plan_year": "2027"},
        {"plan_year": "2031"},
    ):
        bundle = get(client, f"{BASE}/InsurancePlan", **params).json()
        Bundle.model_validate(bundle)
        json_count = client.get("/api/v1/plans", params).json()["count"]
        assert bundle["total"] == json_count, params
    empty = get(client, f"{BASE}/InsurancePlan", plan_year="2031").json()
    assert empty["total"] == 0 and "entry" not in empty


def test_bundle_pages(client: Client, demo_catalog: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(open_data, "PAGE_SIZE", 4)
    bundle = get(client, f"{BASE}/InsurancePlan", state="CA").json()
    assert bundle["total"] == 8
    links = {x["relation"]: x["url"] for x in bundle["link"]}
    assert links == {
        "self": f"{SERVER}{BASE}/InsurancePlan?state=CA&page=1",
        "next": f"{SERVER}{BASE}/InsurancePlan?state=CA&page=2",
    }
    assert len([e for e in bundle["entry"] if e["search"]["mode"] == "match"]) == 4
    second = get(client, links["next"].removeprefix(SERVER)).json()
    assert {x["relation"] for x in second["link"]} == {"self", "previous"}
    assert len(whole_catalog(client)) > 22


# --- The mapping ----------------------------------------------------------------------


def test_fide_aip_exclusively_aligned_plan(client: Client, demo_catalog: None) -> None:
    resource = plan_resource(client, "H9001")
    ext = extensions(resource)
    assert ext[fhir.EXT_INTEGRATION_LEVEL]["valueCoding"] == {
        "system": fhir.INTEGRATION_LEVEL_SYSTEM,
        "code": "FIDE",
        "display": "Fully integrated dual eligible special needs plan (FIDE SNP)",
    }
    assert ext[fhir.EXT_AIP]["valueBoolean"] is True
    assert ext[fhir.EXT_EXCLUSIVELY_ALIGNED]["valueBoolean"] is True
    assert ext[fhir.EXT_ALIGNED_MEDICAID_PLAN]["extension"] == [
        {"url": "code", "valueCode": "sunshine"},
        {"url": "name", "valueString": "Sample Sunshine Medicaid"},
        {"url": "state", "valueCode": "FL"},
    ]
    assert ext[fhir.EXT_SANCTIONED]["valueBoolean"] is False
    assert fhir.EXT_PACE_WAITING_LIST not in ext
    assert resource["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert resource["identifier"][0]["system"] == "http://cms.gov/medicare/ma-plan-id"
    assert resource["identifier"][0]["value"] == "H9001-001-000"
    assert _codes(resource["type"][0]) == {
        (fhir.PRODUCT_TYPE_SYSTEM, "mediadv"),
        (fhir.PRODUCT_KIND_SYSTEM, "dsnp"),
    }
    assert resource["status"] == "active" and resource["name"] == "Sample Sunshine Complete (FIDE)"
    organization = Organization.objects.get(legal_name="Sample Health Group of Florida, Inc.")
    assert resource["ownedBy"] == {
        "reference": f"Organization/{organization.pk}",
        "display": "Sample Health Group of Florida, Inc.",
    }
    assert resource["administeredBy"] == resource["ownedBy"]
    locations = [r for r in resource["contained"] if r["resourceType"] == "Location"]
    assert [(loc["identifier"][0]["value"], loc["name"]) for loc in locations] == [
        ("12011", "Broward County, FL"),
        ("12086", "Miami-Dade County, FL"),
    ]
    assert all(fhir.EXT_ZIP_CODE not in extensions(loc) for loc in locations)
    assert resource["plan"][0]["generalCost"][0]["cost"] == {"value": 0.0, "currency": "USD"}
    InsurancePlan.model_validate(resource)


def test_coordination_only_aip_california_style(client: Client, demo_catalog: None) -> None:
    resource = plan_resource(client, "H9101")
    ext = extensions(resource)
    assert ext[fhir.EXT_INTEGRATION_LEVEL]["valueCoding"]["code"] == "CO"
    assert ext[fhir.EXT_AIP]["valueBoolean"] is True
    assert ext[fhir.EXT_EXCLUSIVELY_ALIGNED]["valueBoolean"] is True
    medicaid = {e["url"]: e for e in ext[fhir.EXT_ALIGNED_MEDICAID_PLAN]["extension"]}
    assert medicaid["code"]["valueCode"] == "golden" and medicaid["state"]["valueCode"] == "CA"
    assert plannet_problems(resource) == []


def test_hide_plan_without_aip_or_alignment(client: Client, demo_catalog: None) -> None:
    ext = extensions(plan_resource(client, "H9002"))
    assert ext[fhir.EXT_INTEGRATION_LEVEL]["valueCoding"]["code"] == "HIDE"
    assert ext[fhir.EXT_AIP]["valueBoolean"] is False
    assert ext[fhir.EXT_EXCLUSIVELY_ALIGNED]["valueBoolean"] is False
    assert fhir.EXT_ALIGNED_MEDICAID_PLAN not in ext


def test_sanctioned_plan(client: Client, demo_catalog: None) -> None:
    ext = extensions(plan_resource(client, "H9003", pbp="003"))
    assert ext[fhir.EXT_SANCTIONED]["valueBoolean"] is True


def test_pace(client: Client, demo_catalog: None) -> None:
    resource = plan_resource(client, "H9006")
    ext = extensions(resource)
    # No D-SNP extensions on PACE; its own type code, not Medicare Advantage.
    for url in (
        fhir.EXT_INTEGRATION_LEVEL,
        fhir.EXT_AIP,
        fhir.EXT_EXCLUSIVELY_ALIGNED,
        fhir.EXT_ALIGNED_MEDICAID_PLAN,
    ):
        assert url not in ext
    assert ext[fhir.EXT_PACE_WAITING_LIST]["valueBoolean"] is False
    assert ext[fhir.EXT_SANCTIONED]["valueBoolean"] is False
    assert _codes(resource["type"][0]) == {(fhir.PRODUCT_KIND_SYSTEM, "pace")}
    assert resource["identifier"][0]["system"] == fhir.PACE_PLAN_ID_SYSTEM
    assert resource["identifier"][0]["value"] == "H9006-001-000"
    # A PACE organization serving some ZIP codes of a county.
    (location,) = [r for r in resource["contained"] if r["resourceType"] == "Location"]
    assert location["identifier"] == [{"system": fhir.COUNTY_FIPS_SYSTEM, "value": "12086"}]
    assert [e["valueString"] for e in location["extension"]] == ["33125", "33126"]
    assert location["address"] == {"district": "Miami-Dade County", "state": "FL", "country": "US"}
    assert "plan" not in resource  # no premium recorded: no cost given
    InsurancePlan.model_validate(resource)
    assert plannet_problems(resource) == []
    waiting = extensions(plan_resource(client, "H9104"))
    assert waiting[fhir.EXT_PACE_WAITING_LIST]["valueBoolean"] is True


def test_premium_and_contacts(client: Client, demo_catalog: None) -> None:
    Plan.objects.filter(contract_id="H9002").update(
        phone="1-800-555-0199",
        tty="711",
        website="https://example.org/plan",
        provider_directory_url="https://example.org/providers",
    )
    resource = plan_resource(client, "H9002")
    costs = resource["plan"][0]["generalCost"]
    assert [(c["type"]["text"], c["cost"]["value"]) for c in costs] == [
        ("Monthly premium", 18.4),
        ("Monthly premium with full Extra Help", 0.0),
    ]
    assert [c["name"]["text"] for c in resource["contact"]] == ["Member services", "TTY"]
    assert resource["contact"][0]["telecom"] == [
        {"system": "phone", "value": "1-800-555-0199"},
        {"system": "url", "value": "https://example.org/plan"},
    ]
    network = next(r for r in resource["contained"] if r["id"] == "network")
    assert network["contact"][0]["telecom"] == [
        {"system": "url", "value": "https://example.org/providers"}
    ]
    InsurancePlan.model_validate(resource)
    assert plannet_problems(resource) == []


def test_organization_with_parent(client: Client, demo_catalog: None) -> None:
    org = Organization.objects.get(legal_name="Sample Everglades PACE, Inc.")
    resource = get(client, f"{BASE}/Organization/{org.pk}").json()
    assert resource["name"] == "Sample Everglades PACE, Inc."
    assert resource["alias"] == ["Sample Everglades PACE"]
    assert resource["partOf"] == {
        "reference": f"Organization/parent-{org.parent_id}",
        "display": "Sample PACE Alliance",
    }
    assert {c["code"] for t in resource["type"] for c in t["coding"]} == {"payer", "prvgrp"}
    assert resource["address"][0]["extension"][0]["valueCode"] == "unknown"
    parent = get(client, f"{BASE}/Organization/parent-{org.parent_id}").json()
    assert parent["id"] == f"parent-{org.parent_id}" and parent["name"] == "Sample PACE Alliance"
    assert "partOf" not in parent
    for each in (resource, parent):
        FhirOrganization.model_validate(each)
        assert plannet_problems(each) == []


def test_organization_without_parent_has_no_part_of(client: Client, demo_catalog: None) -> None:
    org = OrganizationFactory(parent=None, marketing_name="")
    PlanFactory(organization=org)
    resource = get(client, f"{BASE}/Organization/{org.pk}").json()
    assert "partOf" not in resource and "alias" not in resource
    assert {c["code"] for t in resource["type"] for c in t["coding"]} == {"payer"}
    FhirOrganization.model_validate(resource)
    assert plannet_problems(resource) == []


# --- Only the published catalog; errors -----------------------------------------------


def test_drafts_are_never_served(client: Client, demo_catalog: None) -> None:
    draft = Plan.objects.get(status=PublicationStatus.DRAFT, plan_year=2026)
    response = get(client, f"{BASE}/InsurancePlan/{draft.pk}")
    assert response.status_code == 404
    OperationOutcome.model_validate(response.json())
    assert response.json()["issue"][0]["code"] == "not-found"
    assert all(e["resource"]["id"] != str(draft.pk) for e in whole_catalog(client))
    # An organization (and its parent) with draft plans only is not published either.
    hidden = OrganizationFactory()
    PlanFactory(organization=hidden, status=PublicationStatus.DRAFT)
    assert get(client, f"{BASE}/Organization/{hidden.pk}").status_code == 404
    assert get(client, f"{BASE}/Organization/parent-{hidden.parent_id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "InsurancePlan/999999",
        "InsurancePlan/abc",
        "InsurancePlan/" + "9" * 40,
        "Organization/999999",
        "Organization/parent-999999",
        "Organization/parent-x",
    ],
)
def test_unknown_ids_are_404_outcomes(client: Client, demo_catalog: None, path: str) -> None:
    response = get(client, f"{BASE}/{path}")
    assert response.status_code == 404
    OperationOutcome.model_validate(response.json())


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"state": "ZZ"}, {"state"}),
        ({"county": "06037", "state": "FL"}, {"county", "state"}),
        ({"kind": "mapd"}, {"kind"}),
        ({"integration_level": "X"}, {"integration_level"}),
        ({"plan_year": "soon"}, {"plan_year"}),
        ({"page": "5"}, {"page"}),
        ({"_count": "10"}, {"_count"}),
    ],
)
def test_bad_parameters_are_400_outcomes_naming_them(
    client: Client, demo_catalog: None, params: dict[str, str], named: set[str]
) -> None:
    response = get(client, f"{BASE}/InsurancePlan", **params)
    assert response.status_code == 400
    outcome = response.json()
    OperationOutcome.model_validate(outcome)
    assert {name for issue in outcome["issue"] for name in issue["expression"]} == named


def test_a_resource_read_takes_no_parameters(client: Client, demo_catalog: None) -> None:
    plan = Plan.objects.published().first()
    assert plan is not None
    response = get(client, f"{BASE}/InsurancePlan/{plan.pk}", _format="xml")
    assert response.status_code == 400
    OperationOutcome.model_validate(response.json())


# --- Caching --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bundle", "plan", "organization"])
def test_fhir_304_and_headers(client: Client, demo_catalog: None, kind: str) -> None:
    plan = Plan.objects.published().first()
    assert plan is not None
    path = {
        "bundle": f"{BASE}/InsurancePlan",
        "plan": f"{BASE}/InsurancePlan/{plan.pk}",
        "organization": f"{BASE}/Organization/{plan.organization_id}",
    }[kind]
    first = get(client, path)
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["Vary"] == "Accept-Encoding" and not first.cookies
    again = get(client, path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_plannet_checker_catches_misses(client: Client, demo_catalog: None) -> None:
    """The checker above is itself tested: each rule fires on a resource that breaks it."""
    resource = plan_resource(client, "H9001")
    assert plannet_problems(resource) == []
    broken = json.loads(json.dumps(resource))
    broken["status"] = "draft"
    del broken["network"]
    broken["contained"] = [r for r in broken["contained"] if r["id"] != "network"]
    broken["coverageArea"].append({"reference": "#nowhere"})
    broken["identifier"].append(dict(broken["identifier"][0]))
    broken["ownedBy"] = {"reference": "Practitioner/1"}
    problems = plannet_problems(broken)
    assert "status is 1..1 and fixed to active" in problems
    assert "invariant network-or-plan-Network: no network" in problems
    assert "identifier:MA-PLAN-ID is 0..1" in problems
    assert "ownedBy is 1..1 and must reference an Organization" in problems
    assert any("#nowhere" in p for p in problems)
    org = get(client, f"{BASE}/{resource['ownedBy']['reference']}").json()
    del org["address"]
    org["active"] = False
    assert plannet_problems(org) == ["active is 1..1 and must be true", "address is 1..*"]
