"""The demo catalog loads, passes full_clean, exercises every kind and rule, and is labelled."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from plans.demo import DemoCatalogError, load_demo_catalog, remove_demo_catalog
from plans.models import (
    FULL_BENEFIT_CATEGORIES,
    MedicaidPlan,
    NextYearChange,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    StateContact,
    catalog_has_sample_rows,
)
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def test_demo_loads_cleanly_and_covers_every_rule(demo_geography: None) -> None:
    report = load_demo_catalog(today=TODAY)
    # 12 plans this year and next, and 2 of this year only (one consolidated, one ending)
    assert report.plans == Plan.objects.count() == 26
    for plan in Plan.objects.all():
        plan.full_clean()
        assert plan.is_sample and plan.name.startswith("Sample")
    for medicaid_plan in MedicaidPlan.objects.all():
        medicaid_plan.full_clean()
    this_year = Plan.objects.for_year(2026)
    assert (
        this_year.filter(integration_level="FIDE", exclusively_aligned=True)
        .exclude(aligned_medicaid_plan=None)
        .exists()
    )
    assert this_year.filter(integration_level="HIDE").exists()
    assert this_year.filter(integration_level="CO", is_aip=True).exists()
    partial = this_year.filter(integration_level="CO", is_aip=False, enrolls_qmb=True)
    assert partial.exists()
    full_only = [
        p
        for p in this_year.filter(dual_categories_from_state=False, exclusively_aligned=False)
        if p.own_dual_categories() == FULL_BENEFIT_CATEGORIES
    ]
    assert full_only
    assert this_year.filter(age_min=21, age_max=64, age_limits_at_enrollment=True).exists()
    assert this_year.filter(age_min=65).exists()
    assert this_year.filter(sanctioned=True).exists()
    assert ServiceArea.objects.filter(plan__kind=PlanKind.PACE).exclude(zip_codes=[]).exists()
    assert this_year.exclude(status=PublicationStatus.PUBLISHED).exists()
    assert this_year.filter(service_areas__county__state="PR").exists()
    assert set(Plan.objects.values_list("plan_year", flat=True)) == {2026, 2027}
    # Sample contacts are never "verified", so public pages fall back to national help.
    assert not StateContact.objects.filter(verified=True).exists()
    assert catalog_has_sample_rows()
    # From the sample Plan Crosswalk: one plan consolidated into next year's plan, one
    # ending with no successor, the rest renewing.
    moved = this_year.get(contract_id="H9003", pbp="004")
    assert (moved.renews, moved.next_year_change) == (False, NextYearChange.CONSOLIDATED)
    assert moved.members_moved_to == Plan.objects.get(
        plan_year=2027, contract_id="H9003", pbp="001"
    )
    ending = this_year.get(contract_id="H9002", pbp="002")
    assert (ending.renews, ending.members_moved_to, ending.next_year_change) == (
        False,
        None,
        NextYearChange.ENDS,
    )
    assert not Plan.objects.filter(plan_year=2027, pbp="004", contract_id="H9003").exists()
    renewing = this_year.filter(kind=PlanKind.DSNP).exclude(pk__in=[moved.pk, ending.pk])
    assert {p.next_year_change for p in renewing} == {NextYearChange.RENEWS}
    assert all(p.renews for p in renewing)


def test_reloading_replaces_and_remove_deletes_only_samples(demo_geography: None) -> None:
    load_demo_catalog(today=TODAY)
    load_demo_catalog(today=TODAY)
    assert Plan.objects.count() == 26
    assert remove_demo_catalog() == 26
    assert not catalog_has_sample_rows()
    assert Plan.objects.count() == 0


def test_demo_refuses_to_mix_with_real_plans(demo_geography: None) -> None:
    PlanFactory(is_sample=False)
    with pytest.raises(DemoCatalogError, match="real plans"):
        load_demo_catalog(today=TODAY)
    assert not catalog_has_sample_rows()


def test_missing_geography_is_a_plain_error() -> None:
    with pytest.raises(Exception, match="load_geography"):
        call_command("load_demo_catalog")
