"""Count the SQL queries of the public pages at the demo catalog and at national size.

    manage.py bench_page_queries [--skip-demo] [--scale 1.0] [--repeat 15] [--profile]
                                 [--show-queries]

Two catalogs, each built inside a transaction that is always rolled back:

- the demo catalog (fixtures/demo_catalog.json, with the geography of its three states
  when it is not loaded), measured in Miami-Dade, Florida;
- a generated national-size catalog (3,200 counties in 10 synthetic states, 1,000 D-SNPs
  and 200 PACE organizations in each plan year in view, Star Ratings, Medicaid plans),
  measured in its busiest county and in a county with a single D-SNP.

Both get the national content (glossary, articles, taglines) when it is not loaded. For
each it renders a question page, the results page and a plan page through Django's
test client (after one warm-up request on another URL, so no page cache can answer)
and prints the number of SQL queries and the time of one render: the median of
``--repeat`` renders of the same URL (each rendered in full: no page cache answers inside
the command's transaction). Then it says plainly whether the counts stay the same as
the catalog grows, and if not, which queries differ. ``--profile`` prints where the time
of the national results page goes (cProfile, the functions with the most cumulative
and own time). It runs on SQLite and PostgreSQL; nothing is left in the database.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import statistics
import time
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import StringIO
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from finder import facts
from finder.eligibility import plan_years_in_view
from finder.synthetic_catalog import build_catalog, national_shape
from plans.demo import load_demo_catalog
from plans.models import ContractRating, County, GlossaryTerm, Plan

ANSWERS = {
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "yes",
    "nursing_home": "no",
}
DEMO_STATES = "FL,CA,PR"
DEMO_COUNTY, DEMO_ZIP, DEMO_PLAN = "12086", "33125", "H9001-001"


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Measurement:
    catalog: str
    page: str
    where: str  # what is measured: the county and its plan count, or the plan
    queries: int
    ms: float
    sql: tuple[str, ...]


def _shape(sql: str) -> str:
    """A query with its values taken out, so the same query for other rows compares equal."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"IN \(\(?\?\)?(, \(?\?\)?)*\)", "IN (…)", sql)
    return sql


def _get(client: Client, path: str, repeat: int) -> tuple[int, float, tuple[str, ...]]:
    """Queries of one render, and the median time of ``repeat`` renders (query capture
    off while timing: it costs time of its own)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    # Read now: every request starts by emptying the connection's query log.
    sql = tuple(q["sql"] for q in captured.captured_queries)
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}, not 200.")
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        client.get(path, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    return len(sql), statistics.median(times), sql


def _profile(client: Client, path: str, repeat: int) -> str:
    """cProfile of ``repeat`` renders of one page: cumulative, then own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(max(1, repeat)):
        client.get(path, secure=True)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"Profile of {max(1, repeat)} renders of {path}\n")
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def _load_average() -> str:
    try:
        with open("/proc/loadavg") as loadavg:
            return " ".join(loadavg.read().split()[:3])
    except OSError:
        return "unknown"


def _counties(count: int) -> str:
    return f"{count} county" if count == 1 else f"{count} counties"


def _url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


class Command(BaseCommand):
    help = "Print the SQL queries per question, results and plan page, demo vs national size."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--skip-demo", action="store_true", help="Measure national only.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Shrink the national catalog (tests)."
        )
        parser.add_argument(
            "--show-queries",
            action="store_true",
            help="Print every query of the national results page in the busiest county.",
        )
        parser.add_argument(
            "--repeat", type=int, default=15, help="Renders timed per page (the median)."
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="Profile the national results page in the busiest county (cProfile).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        answers = {**ANSWERS, "date": today.isoformat()}
        results: list[Measurement] = []
        self.repeat = options["repeat"]
        self.profile = options["profile"]
        self.profiles: list[str] = []
        # Public pages over HTTPS, on plain static storage (no collectstatic needed).
        with override_settings(
            ALLOWED_HOSTS=["testserver"],
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            if not options["skip_demo"]:
                results += self._rolled_back(lambda: self._demo(today, answers))
            results += self._rolled_back(lambda: self._national(today, answers, options["scale"]))
        self._report(results, show=options["show_queries"])

    def _rolled_back(self, measure: Callable[[], list[Measurement]]) -> list[Measurement]:
        found: list[Measurement] = []
        try:
            with transaction.atomic():
                if not GlossaryTerm.objects.exists():
                    # Pages read the glossary and taglines as in production.
                    call_command("load_content", stdout=StringIO())
                found = measure()
                raise _Rollback
        except _Rollback:
            pass
        return found

    # --- the two catalogs ---------------------------------------------------------------

    def _demo(self, today: date, answers: dict[str, str]) -> list[Measurement]:
        if Plan.objects.filter(is_sample=False).exists():
            self.stdout.write("Demo catalog skipped: this database holds real plans.")
            return []
        if not Plan.objects.filter(is_sample=True).exists():
            if not County.objects.filter(fips=DEMO_COUNTY).exists():
                call_command("load_geography", only_states=DEMO_STATES, stdout=StringIO())
            load_demo_catalog(today=today)
        where = f"Miami-Dade: {self._plans_in(DEMO_COUNTY, today)} plans in view"
        year = plan_years_in_view(today)[0]
        rated = ContractRating.objects.filter(contract_id=DEMO_PLAN[:5]).exists()
        rating = "rated" if rated else "no Star Ratings"
        return self._pages(
            "demo",
            {"zip": DEMO_ZIP, "county": DEMO_COUNTY, **answers},
            where,
            [(f"/en/plans/{year}/{DEMO_PLAN}/", f"{DEMO_PLAN}: {rating}")],
        )

    def _national(self, today: date, answers: dict[str, str], scale: float) -> list[Measurement]:
        started = time.perf_counter()
        shape = national_shape(plan_years_in_view(today), scale=scale)
        catalog = build_catalog(shape)
        rows = ", ".join(f"{count:,} {name}" for name, count in catalog.counts.items())
        self.stdout.write(
            f"National catalog (scale {scale:g}) generated in "
            f"{time.perf_counter() - started:.1f} s: {rows}."
        )
        (year, wide), (_year, narrow) = catalog.wide_plan, catalog.narrow_plan
        plan_pages = [
            (f"/en/plans/{year}/{wide}/", f"{wide}: {_counties(catalog.wide_counties)}, rated"),
            (
                f"/en/plans/{year}/{narrow}/",
                f"{narrow}: {_counties(catalog.narrow_counties)}, rated",
            ),
        ]
        busy = self._pages(
            "national",
            {"zip": catalog.zip, "county": catalog.county, **answers},
            f"busiest county: {catalog.plans_here} plans in view",
            plan_pages,
        )
        quiet = self._pages(
            "national",
            {"zip": catalog.sparse_zip, "county": catalog.sparse_county, **answers},
            f"quietest county: {catalog.plans_sparse} plans in view",
            [],
        )
        return busy + quiet

    @staticmethod
    def _plans_in(county: str, today: date) -> int:
        return (
            Plan.objects.published().for_year_in(plan_years_in_view(today)).available_in(county)
        ).count()

    def _pages(
        self,
        catalog: str,
        query: dict[str, str],
        where: str,
        plan_pages: list[tuple[str, str]],
    ) -> list[Measurement]:
        client = Client()
        place = {k: query[k] for k in ("zip", "county")}
        question = {**place, "medicare": "ab", "coverage": "original"}
        # Warm-up on other URLs: translations, templates and connection set-up are paid
        # here, and a page cache (keyed by URL) cannot answer the measured requests.
        client.get(_url("/en/find/medicare/", **place), secure=True)
        client.get(_url("/en/results/", **query, sort="stars"), secure=True)
        pages = [
            ("question", _url("/en/find/medicaid/", **question), where),
            ("results", _url("/en/results/", **query), where),
            *(("plan", path, label) for path, label in plan_pages),
        ]
        measured = []
        # The per-version facts (finder/facts.py) are kept inside this transaction as they
        # are outside one in production: nothing is written while the pages are measured.
        with facts.trust_transaction():
            client.get(_url("/en/find/medicare/", **place), secure=True)
            client.get(_url("/en/results/", **query, sort="stars"), secure=True)
            for page, path, label in pages:
                queries, ms, sql = _get(client, path, self.repeat)
                measured.append(Measurement(catalog, page, label, queries, ms, sql))
            if self.profile and catalog == "national" and plan_pages:
                self.profiles.append(_profile(client, pages[1][1], self.repeat))
        return measured

    # --- the report ------------------------------------------------------------------------

    def _report(self, results: list[Measurement], *, show: bool) -> None:
        vendor = connection.vendor
        for profile in self.profiles:
            self.stdout.write(profile)
        self.stdout.write(
            f"\nQueries per page ({vendor}; rendered, not from the page cache; ms: the median"
            f" of {self.repeat} renders; load average {_load_average()})"
        )
        self.stdout.write(f"{'catalog':<9} {'page':<9} {'where':<40} {'queries':>7} {'ms':>8}")
        for m in results:
            self.stdout.write(
                f"{m.catalog:<9} {m.page:<9} {m.where:<40} {m.queries:>7} {m.ms:>8.1f}"
            )
        for page in ("question", "results", "plan"):
            rows = [m for m in results if m.page == page]
            counts = sorted({m.queries for m in rows})
            if len(counts) <= 1:
                self.stdout.write(f"{page}: {counts[0] if counts else '-'} queries at every size.")
                continue
            low = min(rows, key=lambda m: m.queries)
            high = max(rows, key=lambda m: m.queries)
            self.stdout.write(
                f"{page}: query counts DIFFER: {low.queries} ({low.catalog}, {low.where}) "
                f"to {high.queries} ({high.catalog}, {high.where}). Queries that differ:"
            )
            before, after = Counter(map(_shape, low.sql)), Counter(map(_shape, high.sql))
            for sql in sorted(set(before) | set(after)):
                if before[sql] != after[sql]:
                    self.stdout.write(f"  {before[sql]} -> {after[sql]}  {sql[:220]}")
        self.stdout.write(
            "Served for real, each public page reads the catalog version first (1 query, the\n"
            "page cache's key, shared with the per-version facts; inside this command's\n"
            "transaction the facts read it themselves, so it is counted above). A page kept\n"
            "in the page cache costs that 1 query only."
        )
        if show:
            busiest = next(m for m in results if m.page == "results" and m.catalog == "national")
            self.stdout.write("\nQueries of the national results page (busiest county):")
            for number, sql in enumerate(busiest.sql, 1):
                self.stdout.write(f"{number:>3}. {sql[:300]}")
