"""factory-boy factories for the catalog."""

from __future__ import annotations

import datetime

import factory

from plans import models


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.State
        django_get_or_create = ("code",)

    code = "FL"
    fips = factory.LazyAttribute(
        lambda o: {"FL": "12", "CA": "06", "PR": "72", "NY": "36", "TX": "48"}.get(o.code, "99")
    )
    name = factory.LazyAttribute(lambda o: f"State {o.code}")


class StatePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StatePolicy

    state = factory.SubFactory(StateFactory)
    status = models.PublicationStatus.PUBLISHED
    dsnp_default_categories = ["qmb_plus", "slmb_plus", "fbde"]


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.County
        django_get_or_create = ("fips",)

    state = factory.SubFactory(StateFactory)
    fips = factory.Sequence(lambda n: f"{12000 + n % 1000:05d}")
    name = factory.Sequence(lambda n: f"Test County {n}")


class ParentOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ParentOrganization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Parent {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    legal_name = factory.Sequence(lambda n: f"Organization {n}, Inc.")
    parent = factory.SubFactory(ParentOrganizationFactory)


class MedicaidPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MedicaidPlan

    state = factory.SubFactory(StateFactory)
    plan_year = 2026
    code = factory.Sequence(lambda n: f"medicaid-{n}")
    name = factory.Sequence(lambda n: f"Medicaid Plan {n}")
    parent = factory.SubFactory(ParentOrganizationFactory)
    status = models.PublicationStatus.PUBLISHED


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Plan

    kind = models.PlanKind.DSNP
    plan_year = 2026
    contract_id = factory.Sequence(lambda n: f"H{1000 + n % 9000:04d}")
    pbp = "001"
    segment = "000"
    name = factory.Sequence(lambda n: f"Test D-SNP {n}")
    organization = factory.SubFactory(OrganizationFactory)
    integration_level = models.IntegrationLevel.HIDE
    status = models.PublicationStatus.PUBLISHED
    last_reviewed = datetime.date(2026, 9, 1)
    source = "test"

    class Params:
        pace = factory.Trait(
            kind=models.PlanKind.PACE,
            integration_level="",
            age_min=55,
            requires_nursing_home_level_of_care=True,
        )


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceArea

    plan = factory.SubFactory(PlanFactory)
    county = factory.SubFactory(CountyFactory)
    zip_codes = factory.LazyFunction(list)
