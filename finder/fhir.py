"""The published catalog as FHIR resources in the shape of HL7 Da Vinci PDex Plan-Net.

Pure functions from catalog rows (already loaded, with their organization, parent,
aligned Medicaid plan and service areas) to FHIR JSON dictionaries: no queries here,
so a page of plans costs the same queries whatever it holds. The mapping, every code,
extension and identifier system, and what "valid" means are in docs/fhir.md.

Plan-Net 1.x is a FHIR R4 (4.0.1) guide. The tests check every resource with the
``fhir.resources`` R4B models (R4B is R4's technical correction: InsurancePlan,
Organization, Location, Bundle and OperationOutcome have the same elements there) and
check the Plan-Net rules those models do not know about themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from plans.models import IntegrationLevel, Organization, ParentOrganization, Plan, PlanKind

type Resource = dict[str, Any]

# --- Systems and profiles -------------------------------------------------------------

PLANNET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PROFILE_INSURANCE_PLAN = f"{PLANNET}/StructureDefinition/plannet-InsurancePlan"
PROFILE_ORGANIZATION = f"{PLANNET}/StructureDefinition/plannet-Organization"
PROFILE_NETWORK = f"{PLANNET}/StructureDefinition/plannet-Network"
PROFILE_LOCATION = f"{PLANNET}/StructureDefinition/plannet-Location"
PRODUCT_TYPE_SYSTEM = f"{PLANNET}/CodeSystem/InsuranceProductTypeCS"
ORG_TYPE_SYSTEM = f"{PLANNET}/CodeSystem/OrgTypeCS"
# The MA-PLAN-ID identifier slice that Plan-Net 2.0.0-ballot adds to InsurancePlan.
MA_PLAN_ID_SYSTEM = "http://cms.gov/medicare/ma-plan-id"
# FIPS 6-4 county codes (HL7 Terminology's FIPS64 code system has this OID).
COUNTY_FIPS_SYSTEM = "urn:oid:2.16.840.1.113883.6.93"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
CONTACT_PURPOSE_SYSTEM = "http://terminology.hl7.org/CodeSystem/contactentity-type"
PHYSICAL_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/location-physical-type"

# Our own definitions. These are identifiers, not links: they must never change once
# published, so they are constants here rather than settings (see docs/fhir.md).
BASE = "https://integratedcarefinder.example/fhir"
EXTENSION_BASE = f"{BASE}/StructureDefinition"
EXT_INTEGRATION_LEVEL = f"{EXTENSION_BASE}/dsnp-integration-level"
EXT_AIP = f"{EXTENSION_BASE}/applicable-integrated-plan"
EXT_EXCLUSIVELY_ALIGNED = f"{EXTENSION_BASE}/exclusively-aligned-enrollment"
EXT_ALIGNED_MEDICAID_PLAN = f"{EXTENSION_BASE}/aligned-medicaid-plan"
EXT_SANCTIONED = f"{EXTENSION_BASE}/enrollment-sanction"
EXT_PACE_WAITING_LIST = f"{EXTENSION_BASE}/pace-waiting-list"
EXT_ZIP_CODE = f"{EXTENSION_BASE}/service-area-zip-code"
PRODUCT_KIND_SYSTEM = f"{BASE}/CodeSystem/integrated-care-product-type"
INTEGRATION_LEVEL_SYSTEM = f"{BASE}/CodeSystem/dsnp-integration-level"
# PACE is not Medicare Advantage, so its contract-PBP IDs get a system of their own.
PACE_PLAN_ID_SYSTEM = f"{BASE}/sid/cms-pace-plan-id"

INTEGRATION_LEVEL_DISPLAY = {
    IntegrationLevel.COORDINATION_ONLY: "Coordination-only D-SNP",
    IntegrationLevel.HIDE: "Highly integrated dual eligible special needs plan (HIDE SNP)",
    IntegrationLevel.FIDE: "Fully integrated dual eligible special needs plan (FIDE SNP)",
}
PRODUCT_KIND_DISPLAY = {
    PlanKind.DSNP: "Dual eligible special needs plan (D-SNP)",
    PlanKind.PACE: "Program of All-Inclusive Care for the Elderly (PACE)",
}


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _money(amount: Decimal) -> dict[str, Any]:
    # FHIR decimals are JSON numbers: a string would not be a valid Money.value.
    return {"value": float(amount), "currency": "USD"}


def _ref(kind: str, resource_id: str, display: str) -> dict[str, str]:
    return {"reference": f"{kind}/{resource_id}", "display": display}


def organization_id(organization: Organization) -> str:
    return str(organization.pk)


def parent_id(parent: ParentOrganization) -> str:
    # Parents live in a table of their own, so their ids get a prefix to stay distinct.
    return f"parent-{parent.pk}"


def ma_plan_id(plan: Plan) -> str:
    """Contract-PBP-segment, with segment 000 written out, as the MA-PLAN-ID slice expects."""
    return f"{plan.contract_id}-{plan.pbp}-{plan.segment}"


# --- InsurancePlan ----------------------------------------------------------------------


def _plan_extensions(plan: Plan) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = []
    if plan.kind == PlanKind.DSNP:
        level = IntegrationLevel(plan.integration_level)
        extensions += [
            {
                "url": EXT_INTEGRATION_LEVEL,
                "valueCoding": _coding(
                    INTEGRATION_LEVEL_SYSTEM, level.value, INTEGRATION_LEVEL_DISPLAY[level]
                ),
            },
            {"url": EXT_AIP, "valueBoolean": plan.is_aip},
            {"url": EXT_EXCLUSIVELY_ALIGNED, "valueBoolean": plan.exclusively_aligned},
        ]
        medicaid = plan.aligned_medicaid_plan
        if medicaid is not None:
            extensions.append(
                {
                    "url": EXT_ALIGNED_MEDICAID_PLAN,
                    "extension": [
                        {"url": "code", "valueCode": medicaid.code},
                        {"url": "name", "valueString": medicaid.name},
                        {"url": "state", "valueCode": medicaid.state_id},
                    ],
                }
            )
    extensions.append({"url": EXT_SANCTIONED, "valueBoolean": plan.sanctioned})
    if plan.kind == PlanKind.PACE:
        extensions.append({"url": EXT_PACE_WAITING_LIST, "valueBoolean": plan.pace_waiting_list})
    return extensions


def _product_type(plan: Plan) -> dict[str, Any]:
    ours = _coding(PRODUCT_KIND_SYSTEM, plan.kind, PRODUCT_KIND_DISPLAY[PlanKind(plan.kind)])
    if plan.kind == PlanKind.DSNP:
        # A D-SNP is a Medicare Advantage plan (a specialized MA plan, 42 CFR 422.2), so
        # Plan-Net's `mediadv` is exact; our second coding says which kind of MA plan.
        # The catalog does not record HMO or PPO, so `mediadvhmo` would be a guess.
        return {
            "coding": [
                _coding(PRODUCT_TYPE_SYSTEM, "mediadv", "Medicare Advantage"),
                ours,
            ]
        }
    # PACE is not Medicare Advantage (42 CFR part 460), and Plan-Net's code system has
    # no code for it; the binding is extensible, so our own code stands alone.
    return {"coding": [ours]}


def _location(plan: Plan, area: Any) -> Resource:
    county = area.county
    zips = sorted(area.zip_codes)
    location: Resource = {
        "resourceType": "Location",
        "id": f"county-{county.fips}",
        "meta": {"profile": [PROFILE_LOCATION]},
        "identifier": [{"system": COUNTY_FIPS_SYSTEM, "value": county.fips}],
        "status": "active",
        "name": f"{county.name}, {county.state_id}",
        "physicalType": {"coding": [_coding(PHYSICAL_TYPE_SYSTEM, "area", "Area")]},
        "address": {"district": county.name, "state": county.state_id, "country": "US"},
    }
    if zips:
        location["description"] = "Only these ZIP codes of the county: " + ", ".join(zips)
        location["extension"] = [{"url": EXT_ZIP_CODE, "valueString": z} for z in zips]
    return location


def _network(plan: Plan) -> Resource:
    # Plan-Net requires a network (invariant network-or-plan-Network). The catalog knows
    # no network, only that every D-SNP and PACE organization has one and where its
    # provider directory is, so the network is contained and says no more than that.
    network: Resource = {
        "resourceType": "Organization",
        "id": "network",
        "meta": {"profile": [PROFILE_NETWORK]},
        "active": True,
        "type": [{"coding": [_coding(ORG_TYPE_SYSTEM, "ntwk", "Network")]}],
        "name": f"Provider network of {plan.name}",
        "partOf": _ref("Organization", organization_id(plan.organization), _org_name(plan)),
    }
    if plan.provider_directory_url:
        network["contact"] = [
            {
                "name": {"text": "Provider directory"},
                "telecom": [{"system": "url", "value": plan.provider_directory_url}],
            }
        ]
    return network


def _org_name(plan: Plan) -> str:
    return plan.organization.legal_name


def _contacts(plan: Plan) -> list[dict[str, Any]]:
    purpose = {"coding": [_coding(CONTACT_PURPOSE_SYSTEM, "PATINF", "Patient")]}
    contacts = []
    telecom = []
    if plan.phone:
        telecom.append({"system": "phone", "value": plan.phone})
    if plan.website:
        telecom.append({"system": "url", "value": plan.website})
    if telecom:
        contacts.append(
            {"purpose": purpose, "name": {"text": "Member services"}, "telecom": telecom}
        )
    if plan.tty:
        contacts.append(
            {
                "purpose": purpose,
                "name": {"text": "TTY"},
                "telecom": [{"system": "phone", "value": plan.tty}],
            }
        )
    return contacts


def _costs(plan: Plan) -> list[dict[str, Any]]:
    costs = []
    if plan.premium is not None:
        costs.append({"type": {"text": "Monthly premium"}, "cost": _money(plan.premium)})
    if plan.premium_with_extra_help is not None:
        costs.append(
            {
                "type": {"text": "Monthly premium with full Extra Help"},
                "cost": _money(plan.premium_with_extra_help),
            }
        )
    return costs


def insurance_plan(plan: Plan) -> Resource:
    """One published plan as a Plan-Net InsurancePlan (service areas contained)."""
    areas = list(plan.service_areas.all())
    locations = [_location(plan, area) for area in areas]
    org = _ref("Organization", organization_id(plan.organization), _org_name(plan))
    resource: Resource = {
        "resourceType": "InsurancePlan",
        "id": str(plan.pk),
        "meta": {"profile": [PROFILE_INSURANCE_PLAN]},
        "language": "en-US",
        "contained": [*locations, _network(plan)],
        "extension": _plan_extensions(plan),
        "identifier": [
            {
                "system": MA_PLAN_ID_SYSTEM if plan.kind == PlanKind.DSNP else PACE_PLAN_ID_SYSTEM,
                "value": ma_plan_id(plan),
                "type": {"text": "CMS contract-plan-segment ID"},
                "assigner": {"display": "Centers for Medicare & Medicaid Services"},
            }
        ],
        # Only published plans are ever mapped, and Plan-Net fixes status to active.
        "status": "active",
        "type": [_product_type(plan)],
        "name": plan.name,
        "period": {"start": f"{plan.plan_year}-01-01", "end": f"{plan.plan_year}-12-31"},
        "ownedBy": org,
        "administeredBy": dict(org),
        "coverageArea": [
            {"reference": f"#{loc['id']}", "display": loc["name"]} for loc in locations
        ],
        "network": [{"reference": "#network", "display": f"Provider network of {plan.name}"}],
    }
    contacts = _contacts(plan)
    if contacts:
        resource["contact"] = contacts
    costs = _costs(plan)
    if costs:
        resource["plan"] = [{"generalCost": costs}]
    return resource


# --- Organization ---------------------------------------------------------------------

# Plan-Net requires an address (1..*); the catalog stores none, so it says so the way
# US Core allows for a required element: a data-absent-reason extension.
_ADDRESS_UNKNOWN = [{"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "unknown"}]}]


def organization(org: Organization) -> Resource:
    """A plan sponsor or PACE organization (the legal entity)."""
    types = [{"coding": [_coding(ORG_TYPE_SYSTEM, "payer", "Payer")]}]
    if org.is_pace:
        # A PACE organization is paid per member and also delivers the care itself.
        types.append({"coding": [_coding(ORG_TYPE_SYSTEM, "prvgrp", "Provider Group")]})
    resource: Resource = {
        "resourceType": "Organization",
        "id": organization_id(org),
        "meta": {"profile": [PROFILE_ORGANIZATION]},
        "language": "en-US",
        "active": True,
        "type": types,
        "name": org.legal_name,
    }
    if org.marketing_name and org.marketing_name != org.legal_name:
        resource["alias"] = [org.marketing_name]
    telecom = []
    if org.phone:
        telecom.append({"system": "phone", "value": org.phone})
    if org.website:
        telecom.append({"system": "url", "value": org.website})
    if telecom:
        resource["telecom"] = telecom
    resource["address"] = _ADDRESS_UNKNOWN
    if org.parent is not None:
        resource["partOf"] = _ref("Organization", parent_id(org.parent), org.parent.name)
    return resource


def parent_organization(parent: ParentOrganization) -> Resource:
    """The parent company CMS names for a sponsor (what the 2027 alignment rule compares)."""
    return {
        "resourceType": "Organization",
        "id": parent_id(parent),
        "meta": {"profile": [PROFILE_ORGANIZATION]},
        "language": "en-US",
        "active": True,
        # Plan-Net's organization types do not say "holding company"; the binding is
        # extensible, so plain text says what we know rather than a wrong code.
        "type": [{"text": "Parent organization (as named by CMS)"}],
        "name": parent.name,
        "address": _ADDRESS_UNKNOWN,
    }


# --- Bundle and OperationOutcome --------------------------------------------------------


def organizations_of(plans: Iterable[Plan]) -> list[Resource]:
    """The sponsors and parents a page of plans refers to, each once, in a fixed order."""
    sponsors: dict[int, Organization] = {}
    parents: dict[int, ParentOrganization] = {}
    for plan in plans:
        sponsors[plan.organization.pk] = plan.organization
        if plan.organization.parent is not None:
            parents[plan.organization.parent.pk] = plan.organization.parent
    return [organization(sponsors[k]) for k in sorted(sponsors)] + [
        parent_organization(parents[k]) for k in sorted(parents)
    ]


def searchset(
    plans: Sequence[Plan],
    *,
    total: int,
    base_url: str,
    links: dict[str, str],
) -> Resource:
    """A searchset Bundle: the plans as matches, the organizations they name as includes."""
    entries = [
        {
            "fullUrl": f"{base_url}/InsurancePlan/{plan.pk}",
            "resource": insurance_plan(plan),
            "search": {"mode": "match"},
        }
        for plan in plans
    ]
    entries += [
        {
            "fullUrl": f"{base_url}/Organization/{org['id']}",
            "resource": org,
            "search": {"mode": "include"},
        }
        for org in organizations_of(plans)
    ]
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links.items()],
    }
    if entries:
        bundle["entry"] = entries
    return bundle


def operation_outcome(errors: dict[str, str], *, code: str = "invalid") -> Resource:
    """Errors the FHIR way: one issue per parameter, naming it in `expression`."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": code, "diagnostics": message, "expression": [name]}
            for name, message in sorted(errors.items())
        ],
    }
