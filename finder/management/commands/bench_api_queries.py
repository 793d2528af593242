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

from finder.synthetic_catalog import CatalogShape, SyntheticCatalog, build_catalog
from plans.models import State

STATE = "ZZ"
ANSWERS = {
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


def one_county_shape(size: int) -> CatalogShape:
    """One state of 39 counties; every plan serves its first county. ``size`` plan rows,
    one in ten PACE, spread over the two plan years in view on ANSWERS' date."""
    distinct = max(1, size // 2)
    pace = max(1, distinct // 10)
    return CatalogShape(
        states=((STATE, "99"),),
        counties_per_state=39,
        dsnps=max(1, distinct - pace),
        pace=pace,
        plan_years=(2026, 2027),
        contract_base=9500,
        max_service_area=12,
    )


def measure(client: Client, path: str, catalog: SyntheticCatalog) -> tuple[int, float, int]:
    query = {"zip": catalog.zip, "county": catalog.county, **ANSWERS}
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, query, secure=True)
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
                    catalog = build_catalog(one_county_shape(size))
                    rows = catalog.counts["plans"]
                    client = Client()
                    measure(client, "/api/v1/eligibility", catalog)  # warm caches
                    api_queries, api_ms, _ = measure(client, "/api/v1/eligibility", catalog)
                    page_queries, page_ms, _ = measure(client, "/en/results/", catalog)
                    self.stdout.write(
                        f"{rows:>6} {api_queries:>12} {api_ms:>8.1f} "
                        f"{page_queries:>13} {page_ms:>8.1f}"
                    )
                    counts.add((api_queries, page_queries))
                    raise _Rollback
            except _Rollback:
                pass
        verdict = "constant" if len(counts) == 1 else "GROWS with the catalog"
        self.stdout.write(f"Query counts are {verdict} across sizes {sizes}.")
