"""Count the SQL queries of the eligibility API and the results page as the catalog grows.

    manage.py bench_api_queries [--sizes 10,100,500]

For each size it builds, inside a transaction that is always rolled back, a synthetic
state with that many published plans serving one county (D-SNPs of every level with
aligned Medicaid plans, and PACE), calls GET /api/v1/eligibility and GET /en/results/
through Django's test client, and prints the query count and time. The counts must
not grow with the number of plans. Nothing is left in the database.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from plans.models import (
    County,
    MedicaidPlan,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    StatePolicy,
    ZipCounty,
)

STATE = "ZZ"
COUNTY = "99001"
ZIP = "00000"  # no real ZIP: the benchmark runs beside the national geography
QUERY = {
    "zip": ZIP,
    "county": COUNTY,
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "yes",
    "nursing_home": "no",
    "date": "2026-11-22",
}


class _Rollback(Exception):
    pass


def build_catalog(size: int) -> None:
    state = State.objects.create(code=STATE, fips="99", name="Benchmark State")
    StatePolicy.objects.create(
        state=state,
        status=PublicationStatus.PUBLISHED,
        dsnp_default_categories=["qmb_plus", "slmb_plus", "fbde", "qmb", "slmb"],
    )
    county = County.objects.create(fips=COUNTY, state=state, name="Benchmark County")
    others = County.objects.bulk_create(
        County(fips=f"99{n:03d}", state=state, name=f"Other County {n}") for n in range(2, 40)
    )
    ZipCounty.objects.create(zip_code=ZIP, county=county)
    parents = ParentOrganization.objects.bulk_create(
        ParentOrganization(name=f"Benchmark Parent {n}") for n in range(20)
    )
    medicaid_plans = []
    for n, parent in enumerate(parents[:8]):
        medicaid_plan = MedicaidPlan.objects.create(
            state=state,
            plan_year=2026,
            code=f"bench-{n}",
            name=f"Benchmark Medicaid {n}",
            parent=parent,
            status=PublicationStatus.PUBLISHED,
        )
        medicaid_plan.service_area.set([county, *others[:10]])
        medicaid_plans.append(medicaid_plan)
    organizations = Organization.objects.bulk_create(
        Organization(legal_name=f"Benchmark Sponsor {n}", parent=parents[n % 20]) for n in range(40)
    )
    plans = []
    for n in range(size):
        pace = n % 10 == 0
        level = ("CO", "HIDE", "FIDE")[n % 3]
        aligned = level == "FIDE"
        plans.append(
            Plan(
                kind=PlanKind.PACE if pace else PlanKind.DSNP,
                plan_year=2026 + n % 2,
                contract_id=f"R{9900 + n // 500:04d}",
                pbp=f"{n % 500:03d}",
                name=f"Benchmark Plan {n}",
                organization=organizations[n % 40],
                integration_level="" if pace else level,
                is_aip=aligned and not pace,
                exclusively_aligned=aligned and not pace,
                dual_categories_from_state=not (aligned and not pace),
                enrolls_qmb_plus=aligned,
                enrolls_fbde=aligned,
                aligned_medicaid_plan=medicaid_plans[n % 8] if aligned and not pace else None,
                age_min=55 if pace else None,
                status=PublicationStatus.PUBLISHED,
            )
        )
    created = Plan.objects.bulk_create(plans)
    areas = []
    for plan in created:
        areas.append(ServiceArea(plan=plan, county=county))
        areas += [ServiceArea(plan=plan, county=other) for other in others[: plan.pk % 12]]
    ServiceArea.objects.bulk_create(areas)


def measure(client: Client, path: str) -> tuple[int, float, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, QUERY)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}")
    return len(captured), elapsed, response.status_code


class Command(BaseCommand):
    help = "Print the SQL queries per API call and results page as the catalog grows."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--sizes", default="10,100,500")

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = [int(s) for s in options["sizes"].split(",") if s.strip()]
        if State.objects.filter(code=STATE).exists():
            raise CommandError(f"State {STATE} already exists: this benchmark needs it free.")
        self.stdout.write(
            f"{'plans':>6} {'API queries':>12} {'API ms':>8} {'page queries':>13} {'page ms':>8}"
        )
        counts = set()
        for size in sizes:
            try:
                with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
                    build_catalog(size)
                    client = Client()
                    measure(client, "/api/v1/eligibility")  # warm caches
                    api_queries, api_ms, _ = measure(client, "/api/v1/eligibility")
                    page_queries, page_ms, _ = measure(client, "/en/results/")
                    self.stdout.write(
                        f"{size:>6} {api_queries:>12} {api_ms:>8.1f} "
                        f"{page_queries:>13} {page_ms:>8.1f}"
                    )
                    counts.add((api_queries, page_queries))
                    raise _Rollback
            except _Rollback:
                pass
        verdict = "constant" if len(counts) == 1 else "GROWS with the catalog"
        self.stdout.write(f"Query counts are {verdict} across sizes {sizes}.")
