"""Plan-year rollover: a state's own settings carried into next year as scheduled drafts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from plans import rollover
from plans.models import MedicaidPlan, NextYearChange, Plan, PublicationStatus, State

from .conftest import client_for

pytestmark = pytest.mark.django_db


def next_year() -> int:
    return timezone.localdate().year + 1


def test_rollover_copies_medicaid_plans_alignments_and_rules(users: dict[str, User]) -> None:
    year = next_year()
    florida = State.objects.get(code="FL")
    old_plans = list(Plan.objects.in_state(florida).for_year(year))
    assert old_plans, "the demo catalog has Florida plans next year"
    ending = old_plans[0]
    ending.renews = False
    ending.save()

    report = rollover.roll_over(state=florida, from_year=year, user=users["fl_editor"])

    assert report.to_year == year + 1
    old_medicaid = MedicaidPlan.objects.filter(state=florida, plan_year=year)
    new_medicaid = MedicaidPlan.objects.filter(state=florida, plan_year=year + 1)
    assert report.medicaid_plans_copied == old_medicaid.count() > 0
    assert {m.code for m in new_medicaid} == {m.code for m in old_medicaid}
    assert all(m.status == PublicationStatus.DRAFT for m in new_medicaid)
    assert all(m.publish_from == datetime.date(year, 10, 1) for m in new_medicaid)

    new_plans = {p.cms_id: p for p in Plan.objects.for_year(year + 1)}
    assert ending.cms_id not in new_plans
    assert report.not_renewing == 1
    assert any("does not renew" in line for line in report.lines)
    for old in old_plans[1:]:
        new = new_plans[old.cms_id]
        assert new.status == PublicationStatus.DRAFT
        assert new.publish_from == datetime.date(year, 10, 1)
        assert new.age_min == old.age_min and new.carve_outs == old.carve_outs
        assert new.own_dual_categories() == old.own_dual_categories()
        assert sorted(a.county_id for a in new.service_areas.all()) == sorted(
            a.county_id for a in old.service_areas.all()
        )
        if old.aligned_medicaid_plan:
            assert new.aligned_medicaid_plan.code == old.aligned_medicaid_plan.code
            assert new.aligned_medicaid_plan.plan_year == year + 1
    # Drafts are not public, whatever their date.
    assert not Plan.objects.published().for_year(year + 1).exists()


def test_scheduled_publication_waits_for_its_date(users: dict[str, User]) -> None:
    year = next_year()
    florida = State.objects.get(code="FL")
    rollover.roll_over(state=florida, from_year=year, user=users["fl_editor"])
    copy = Plan.objects.for_year(year + 1).first()
    Plan.objects.filter(pk=copy.pk).update(status=PublicationStatus.PUBLISHED)
    assert not Plan.objects.published().filter(pk=copy.pk).exists()  # October 1 not yet
    Plan.objects.filter(pk=copy.pk).update(publish_from=timezone.localdate())
    assert Plan.objects.published().filter(pk=copy.pk).exists()


def test_rollover_dry_run_changes_nothing(users: dict[str, User]) -> None:
    year = next_year()
    florida = State.objects.get(code="FL")
    before = Plan.objects.count(), MedicaidPlan.objects.count()
    report = rollover.roll_over(
        state=florida, from_year=year, user=users["fl_editor"], dry_run=True
    )
    assert report.plans_created > 0
    assert (Plan.objects.count(), MedicaidPlan.objects.count()) == before


def test_rollover_never_touches_published_next_year_rows(users: dict[str, User]) -> None:
    this_year = timezone.localdate().year
    florida = State.objects.get(code="FL")
    published_next = Plan.objects.published().in_state(florida).for_year(this_year + 1)
    snapshot = {p.pk: (p.age_min, p.carve_outs, p.status) for p in published_next}
    report = rollover.roll_over(state=florida, from_year=this_year, user=users["fl_editor"])
    assert report.plans_skipped >= len(snapshot) > 0
    for plan in Plan.objects.filter(pk__in=snapshot):
        assert (plan.age_min, plan.carve_outs, plan.status) == snapshot[plan.pk]


def test_rollover_refused_in_another_state(users: dict[str, User]) -> None:
    with pytest.raises(rollover.RolloverRefused):
        rollover.roll_over(
            state=State.objects.get(code="CA"), from_year=next_year(), user=users["fl_editor"]
        )
    client = client_for(users["fl_editor"])
    california = State.objects.get(code="CA")
    before = Plan.objects.count()
    response = client.post(
        reverse("admin:plans_plan_rollover"),
        {"state": california.pk, "from_year": next_year(), "apply": "on"},
    )
    assert response.status_code == 200
    assert "Choose one of your states." in response.content.decode()
    assert Plan.objects.count() == before


def test_rollover_from_the_admin_and_the_command(users: dict[str, User]) -> None:
    year = next_year()
    client = client_for(users["fl_editor"])
    florida = State.objects.get(code="FL")
    response = client.post(
        reverse("admin:plans_plan_rollover"), {"state": florida.pk, "from_year": year}
    )
    assert "What would happen" in response.content.decode()
    assert not Plan.objects.for_year(year + 1).exists()
    response = client.post(
        reverse("admin:plans_plan_rollover"),
        {"state": florida.pk, "from_year": year, "apply": "on"},
    )
    assert "What was done" in response.content.decode()
    assert Plan.objects.for_year(year + 1).exists()
    with pytest.raises(CommandError, match="no plans"):
        call_command(
            "rollover_plan_year", "--state", "FL", "--from-year", "1999", "--as", "national"
        )


def test_rollover_names_a_next_plan_the_catalog_does_not_hold(users: dict[str, User]) -> None:
    year = next_year()
    florida = State.objects.get(code="FL")
    ending = Plan.objects.in_state(florida).for_year(year).first()
    assert ending is not None
    # As the CMS Plan Crosswalk import records a D-SNP consolidated into an ordinary MA plan.
    ending.renews = False
    ending.next_year_change = NextYearChange.CONSOLIDATED
    ending.moved_to_id_text, ending.moved_to_name_text = "H8888-001", "Other MA Plan (HMO)"
    ending.full_clean()
    ending.save()

    report = rollover.roll_over(state=florida, from_year=year, user=users["fl_editor"])

    assert (
        f"{ending.cms_id} {ending.name}: does not renew; members move to H8888-001 "
        "Other MA Plan (HMO) (not in the catalog)."
    ) in report.lines
