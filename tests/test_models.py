"""Catalog invariants: each one refused by the database itself, and explained by clean()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from plans.models import Contract, Organization, Plan, PlanKind, ServiceArea
from tests.factories import (
    CountyFactory,
    MedicaidPlanFactory,
    OrganizationFactory,
    PlanFactory,
    ServiceAreaFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db


def refused(**fields: object) -> None:
    """Saving a plan with these fields must fail in the database (no clean() involved)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(**fields)


def test_contract_pbp_segment_year_is_unique() -> None:
    PlanFactory(contract_id="H1234", pbp="005", plan_year=2026)
    refused(contract_id="H1234", pbp="005", plan_year=2026)
    # Another year or segment of the same plan is a different row.
    PlanFactory(contract_id="H1234", pbp="005", plan_year=2027)
    PlanFactory(contract_id="H1234", pbp="005", segment="001", plan_year=2026)


def test_age_min_may_not_exceed_age_max() -> None:
    refused(age_min=65, age_max=64)
    PlanFactory(age_min=21, age_max=64)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": PlanKind.DSNP, "integration_level": ""},
        {"kind": PlanKind.PACE, "integration_level": "HIDE", "age_min": 55},
        {"kind": PlanKind.PACE, "integration_level": "", "is_aip": True, "age_min": 55},
    ],
    ids=["dsnp-without-level", "pace-with-level", "pace-with-aip"],
)
def test_integration_level_only_and_always_on_dsnps(fields: dict[str, object]) -> None:
    refused(**fields)


def test_exclusively_aligned_enrollment_only_for_full_benefit_categories() -> None:
    refused(exclusively_aligned=True, dual_categories_from_state=True)
    refused(
        exclusively_aligned=True,
        dual_categories_from_state=False,
        enrolls_qmb_plus=True,
        enrolls_qmb=True,
    )
    PlanFactory(
        exclusively_aligned=True,
        dual_categories_from_state=False,
        enrolls_qmb_plus=True,
        enrolls_slmb_plus=True,
        enrolls_fbde=True,
    )


def test_pace_is_55_and_over() -> None:
    refused(pace=True, age_min=50)
    refused(pace=True, age_min=None)
    PlanFactory(pace=True)


@pytest.mark.parametrize(
    "fields",
    [{"contract_id": "X1234"}, {"contract_id": "H123"}, {"pbp": "5"}, {"segment": "1"}],
    ids=["bad-prefix", "short-contract", "short-pbp", "short-segment"],
)
def test_cms_id_formats(fields: dict[str, object]) -> None:
    refused(**fields)


def test_waiting_list_only_for_pace() -> None:
    refused(pace_waiting_list=True)


def test_a_coordination_only_aip_is_valid() -> None:
    plan = PlanFactory.build(
        organization=PlanFactory().organization,
        integration_level="CO",
        is_aip=True,
        exclusively_aligned=True,
        dual_categories_from_state=False,
        enrolls_fbde=True,
    )
    plan.full_clean()


def test_clean_explains_aligned_enrollment_in_plain_words() -> None:
    plan = PlanFactory.build(organization=PlanFactory().organization, exclusively_aligned=True)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "only for full-benefit duals" in str(error.value.message_dict["exclusively_aligned"])


def test_service_area_county_once_per_plan() -> None:
    area = ServiceAreaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceArea.objects.create(plan=area.plan, county=area.county)


def test_published_and_available_in() -> None:
    florida = StateFactory(code="FL")
    miami, broward = (
        CountyFactory(fips="12086", state=florida),
        CountyFactory(fips="12011", state=florida),
    )
    served = ServiceAreaFactory(county=miami).plan
    ServiceAreaFactory(plan=served, county=broward)
    ServiceAreaFactory(county=broward)
    ServiceAreaFactory(county=miami, plan=PlanFactory(status="draft"))

    found = list(Plan.objects.published().available_in(miami))
    assert found == [served]  # once, although it serves two counties
    assert set(Plan.objects.published().in_state("FL")) == set(
        Plan.objects.published().filter(service_areas__county__state="FL")
    )


def test_find_id_accepts_contract_pbp_with_or_without_segment() -> None:
    plan = PlanFactory(contract_id="H1234", pbp="005")
    assert list(Plan.objects.find_id("h1234-005")) == [plan]
    assert list(Plan.objects.find_id("H1234_005_000")) == [plan]
    assert list(Plan.objects.find_id("H1234-005-001")) == []
    assert list(Plan.objects.find_id("nonsense")) == []


def test_dual_categories_default_from_state() -> None:
    plan = PlanFactory.build()
    assert plan.dual_categories(["qmb_plus", "qmb"]) == {"qmb_plus", "qmb"}
    plan.set_dual_categories(["fbde"])
    assert plan.dual_categories(["qmb_plus", "qmb"]) == {"fbde"}


def test_medicaid_plan_serving() -> None:
    county = CountyFactory()
    medicaid_plan = MedicaidPlanFactory(state=county.state)
    medicaid_plan.service_area.add(county)
    MedicaidPlanFactory(state=county.state)
    assert list(type(medicaid_plan).objects.serving(county)) == [medicaid_plan]


@pytest.mark.parametrize("contract_id", ["H123", "h1234", "90091", "A1234", "H123X"])
def test_a_contract_number_is_a_cms_letter_and_four_digits(contract_id: str) -> None:
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(contract_id=contract_id, organization=organization)
    with pytest.raises(ValidationError) as error:
        Contract(contract_id=contract_id, organization=organization).full_clean()
    assert "contract_id" in error.value.message_dict


def test_contracts_of_one_organization_and_pace() -> None:
    innovage = OrganizationFactory(legal_name="Total Longterm Care, Inc.", is_pace=True)
    for contract_id in ("H0613", "H6079"):
        Contract(
            contract_id=contract_id, organization=innovage, organization_type="National PACE"
        ).full_clean()
        Contract.objects.create(
            contract_id=contract_id, organization=innovage, organization_type="National PACE"
        )
    li_net = Contract(
        contract_id="X0001", organization=innovage, organization_type="LI NET Sponsor"
    )
    li_net.full_clean()  # the directory's LI NET contract is a contract too
    assert [c.is_pace for c in innovage.contracts.all()] == [True, True]
    assert not li_net.is_pace and li_net.listed_in_directory
    assert not Contract(organization_type="").listed_in_directory
    with pytest.raises(ValidationError, match="phone"):
        Contract(contract_id="H0001", organization=innovage, phone="555-0100").full_clean()
    # An organization that holds a contract cannot be deleted from under it.
    with pytest.raises(models.ProtectedError), transaction.atomic():
        Organization.objects.filter(pk=innovage.pk).delete()
