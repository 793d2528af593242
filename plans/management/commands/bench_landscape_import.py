"""Time a national-size MA Landscape import, and its no-op re-import, on this database.

    manage.py bench_landscape_import [--rows 300000] [--dsnp-plans 1000]
                                     [--dsnp-rows 60000] [--seed 2026] [--no-tracemalloc]

It writes (streaming, into a temporary folder that is removed afterwards) a Landscape CSV
in CMS's CY2026 layout with every plan type: MA-PD, PDP ("All Counties" rows), C-SNP,
I-SNP and D-SNP rows, the D-SNPs spread over real county names of the loaded geography
as CMS writes them ("Dona Ana", "Fairfax City", "Acadia"). It then imports the file
twice through ``run_import`` (a first load, then the same file again, which must make 0
changes) and prints rows, time and the process's peak RSS (getrusage), with the database
vendor. The peak of Python allocations (tracemalloc) comes from a second pass of both
imports, rolled back to the same starting point, because tracing slows Python down
several times over and would distort the times.

Everything happens inside one transaction that is rolled back at the end: the database
is left exactly as it was. SQL logging is off while measuring (as in production), since
DEBUG=true keeps every query's text in memory. It needs the national geography
(``manage.py load_geography``) in the database it runs on.
"""

from __future__ import annotations

import csv
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from argparse import ArgumentParser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from plans.imports.common import ImportReport, run_import
from plans.imports.counties import cms_style_name
from plans.imports.landscape import LANDSCAPE_HEADER, apply_landscape
from plans.models import County, ImportRun, State

# Fewer counties than this means only some states were loaded (tests, --only-states).
NATIONAL_COUNTIES = 3000
COLUMN = {name: index for index, name in enumerate(LANDSCAPE_HEADER)}

TEMPLATE = {
    "Contract Category Type": "MA-PD",
    "US Territory": "No",
    "Sanctioned Plan": "No",
    "Organization Type": "Local CCP",
    "Plan Type": "HMO",
    "Special Needs Plan (SNP) Indicator": "No",
    "SNP Type": "Not Applicable",
    "SNP Institutional Type": "Not Applicable",
    "SNP Institutional Category": "Not Applicable",
    "Dual Eligible SNP (D-SNP) Integration Status": "Not Applicable",
    "D-SNP Applicable Integrated Plan (AIP) Identifier": "Not Applicable",
    "Chronic or Disabling Condition SNP (C-SNP) Condition Type": "Not Applicable",
    "Medicare Zero-Dollar Cost Sharing D-SNP Plan": "Not Applicable",
    "Part D Coverage Indicator": "Yes",
    "National PDP": "Not Applicable",
    "Drug Benefit Category": "Enhanced",
    "Drug Benefit Type": "Enhanced Alternative",
    "Voluntary De Minimis Program Participant": "No",
    "Part D Basic Premium At or Below Regional Benchmark": "Not Applicable",
    "Low Income Subsidy (LIS) Auto Enrollment": "Not Applicable",
    "Offers Drug Tier with No Part D Deductible": "Not Applicable",
    "Annual Part D Deductible Amount": "$615.00 ",
    "Part D Basic Premium": "$38.40 ",
    "Part D Supplemental Premium": "$0.00 ",
    "Part D Total Premium": "$38.40 ",
    "Low Income Premium Subsidy (LIPS) Amount": "$38.44 ",
    "Part D LIPS (CMS Pays)": "$38.40 ",
    "Part D Low Income Beneficiary Premium Amount": "$0.00 ",
    "Part D Out-of-Pocket (OOP) Threshold": "$2,100.00 ",
    "Part C Premium": "$0.00 ",
    "Monthly Consolidated Premium (Part C + D)": "$38.40 ",
    "In-Network Maximum Out-of-Pocket (MOOP) Amount": "$9,250.00 ",
    "Part C Summary Star Rating": "4.0",
    "Part D Summary Star Rating": "3.5",
    "Overall Star Rating": "4.0",
    "MA Region Code": "10",
    "MA Region": "Benchmark Region",
    "PDP Region Code": "Not Applicable",
    "PDP Region": "Not Applicable",
}
STAR_TEXTS = ("Plan too new to be measured", "Not enough data available")


@dataclass(frozen=True)
class DsnpPlan:
    state: str
    contract_id: str
    pbp: str
    level: str
    counties: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    report: ImportReport
    seconds: float
    python_peak: int | None  # bytes, tracemalloc
    max_rss: int  # bytes, whole process so far


class _Rollback(Exception):
    pass


def _max_rss() -> int:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def _mb(amount: int | None) -> str:
    return "n/a" if amount is None else f"{amount / 1_048_576:,.1f} MB"


class Generator:
    """A seeded national Landscape file, written row by row."""

    def __init__(self, *, seed: int, year: int, rows: int, dsnp_plans: int, dsnp_rows: int) -> None:
        self.rng = random.Random(seed)
        self.year = str(year)
        self.rows = rows
        self.dsnp_plans = dsnp_plans
        self.dsnp_rows = dsnp_rows
        self.counties: dict[str, list[str]] = {}
        self.state_names = dict(State.objects.values_list("code", "name"))
        for state, name in County.objects.order_by("fips").values_list("state_id", "name"):
            self.counties.setdefault(state, []).append(cms_style_name(name))

    def plans(self) -> list[DsnpPlan]:
        """D-SNPs spread over states in proportion to their counties, ~dsnp_rows rows."""
        states = sorted(self.counties)
        weights = [len(self.counties[state]) for state in states]
        per_plan = max(1, self.dsnp_rows // self.dsnp_plans)
        plans = []
        # What a small state (DC has one county) cannot take is carried to the next plan,
        # so the file has about dsnp_rows D-SNP rows.
        carry = 0
        for number in range(self.dsnp_plans):
            state = self.rng.choices(states, weights)[0]
            names = self.counties[state]
            wanted = self.rng.randint(max(1, per_plan // 2), per_plan * 3 // 2) + carry
            size = min(len(names), wanted)
            carry = wanted - size
            plans.append(
                DsnpPlan(
                    state=state,
                    contract_id=f"H{number // 8 + 1:04d}",
                    pbp=f"{number % 8 + 1:03d}",
                    level=self.rng.choices(("CO", "HIDE", "FIDE"), (6, 3, 1))[0],
                    counties=tuple(sorted(self.rng.sample(names, size))),
                )
            )
        return plans

    def write(self, path: Path) -> tuple[int, int, int]:
        """Writes the file; returns (rows, D-SNP rows, D-SNPs)."""
        plans = self.plans()
        by_state: dict[str, list[DsnpPlan]] = {}
        for plan in plans:
            by_state.setdefault(plan.state, []).append(plan)
        dsnp_total = sum(len(plan.counties) for plan in plans)
        others = max(0, self.rows - dsnp_total)
        all_counties = sum(len(names) for names in self.counties.values())
        template = [TEMPLATE.get(column, "") for column in LANDSCAPE_HEADER]
        template[COLUMN["Contract Year"]] = self.year
        written = 0
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(LANDSCAPE_HEADER)
            for state in sorted(self.counties):
                base = list(template)
                base[COLUMN["State Territory Abbreviation"]] = state
                base[COLUMN["State Territory Name"]] = self.state_names.get(state, state)
                base[COLUMN["US Territory"]] = "Yes" if state in {"PR", "GU", "VI"} else "No"
                for plan in by_state.get(state, []):
                    for county in plan.counties:
                        writer.writerow(self._dsnp_row(base, plan, county))
                        written += 1
                quota = others * len(self.counties[state]) // all_counties
                for _ in range(quota):
                    writer.writerow(self._other_row(base, state))
                    written += 1
        return written, dsnp_total, len(plans)

    def _dsnp_row(self, base: list[str], plan: DsnpPlan, county: str) -> list[str]:
        row = list(base)
        number = int(plan.contract_id[1:])
        # The same seed gives the same facts per plan and contract on every row.
        facts = random.Random(f"{plan.contract_id}{plan.pbp}")
        stars = random.Random(plan.contract_id)
        part_c = facts.choice(("$0.00 ", "$0.00 ", "$16.00 "))
        row[COLUMN["County Name"]] = county
        row[COLUMN["Contract ID"]] = plan.contract_id
        row[COLUMN["Plan ID"]] = plan.pbp
        row[COLUMN["Segment ID"]] = "0"
        row[COLUMN["Contract Plan ID"]] = f"{plan.contract_id}_{plan.pbp}"
        row[COLUMN["Contract Plan Segment ID"]] = f"{plan.contract_id}_{plan.pbp}_0"
        row[COLUMN["Contract Category Type"]] = "SNP"
        row[COLUMN["Parent Organization Name"]] = f"Benchmark Parent {number % 40}"
        row[COLUMN["Contract Name"]] = f"BENCHMARK HEALTH PLAN {number}, INC."
        row[COLUMN["Organization Marketing Name"]] = f"Benchmark Health {number}"
        row[COLUMN["Plan Name"]] = f"Benchmark Dual {plan.contract_id}-{plan.pbp} (HMO D-SNP)"
        row[COLUMN["Plan Type"]] = "HMO D-SNP"
        row[COLUMN["Special Needs Plan (SNP) Indicator"]] = "Yes"
        row[COLUMN["SNP Type"]] = "Dual-Eligible"
        row[COLUMN["Dual Eligible SNP (D-SNP) Integration Status"]] = plan.level
        row[COLUMN["D-SNP Applicable Integrated Plan (AIP) Identifier"]] = (
            "Yes" if plan.level != "CO" else "No"
        )
        row[COLUMN["Medicare Zero-Dollar Cost Sharing D-SNP Plan"]] = facts.choice(("Yes", "No"))
        row[COLUMN["Part C Premium"]] = part_c
        row[COLUMN["Monthly Consolidated Premium (Part C + D)"]] = (
            "$38.40 " if part_c == "$0.00 " else "$54.40 "
        )
        row[COLUMN["In-Network Maximum Out-of-Pocket (MOOP) Amount"]] = facts.choice(
            ("$9,250.00 ", "$3,400.00 ", "$8,850.00 ")
        )
        for column in (
            "Part C Summary Star Rating",
            "Part D Summary Star Rating",
            "Overall Star Rating",
        ):
            row[COLUMN[column]] = stars.choice(("3.0", "3.5", "4.0", "4.5", *STAR_TEXTS))
        return row

    def _other_row(self, base: list[str], state: str) -> list[str]:
        row = list(base)
        kind = self.rng.choices(("ma_pd", "pdp", "c_snp", "i_snp"), (80, 6, 9, 5))[0]
        contract = f"H{self.rng.randint(5000, 5999):04d}"
        row[COLUMN["County Name"]] = self.rng.choice(self.counties[state])
        row[COLUMN["Plan ID"]] = f"{self.rng.randint(1, 120):03d}"
        row[COLUMN["Segment ID"]] = "0"
        row[COLUMN["Contract Name"]] = f"OTHER MA PLAN {contract}, INC."
        row[COLUMN["Plan Name"]] = f"Other Plan {contract} (HMO)"
        if kind == "pdp":
            contract = f"S{self.rng.randint(5000, 5999):04d}"
            row[COLUMN["Contract Category Type"]] = "PDP"
            row[COLUMN["County Name"]] = "All Counties"
            row[COLUMN["Plan Type"]] = "Medicare Prescription Drug Plan"
            row[COLUMN["Part C Premium"]] = "Not Applicable"
            row[COLUMN["Monthly Consolidated Premium (Part C + D)"]] = "Not Applicable"
            row[COLUMN["In-Network Maximum Out-of-Pocket (MOOP) Amount"]] = "Not Applicable"
        elif kind in {"c_snp", "i_snp"}:
            row[COLUMN["Contract Category Type"]] = "SNP"
            row[COLUMN["Special Needs Plan (SNP) Indicator"]] = "Yes"
            if kind == "c_snp":
                row[COLUMN["SNP Type"]] = "Chronic or Disabling Condition"
                row[COLUMN["Plan Type"]] = "HMO C-SNP"
                row[COLUMN["Chronic or Disabling Condition SNP (C-SNP) Condition Type"]] = (
                    "Diabetes mellitus"
                )
            else:
                row[COLUMN["SNP Type"]] = "Institutional"
                row[COLUMN["Plan Type"]] = "HMO I-SNP"
                row[COLUMN["SNP Institutional Type"]] = "Facility-based Institutional (FI-SNP)"
        row[COLUMN["Contract ID"]] = contract
        return row


class Command(BaseCommand):
    help = (
        "Generate a national-size MA Landscape CSV (seeded, in a temporary folder) and time "
        "its import and no-op re-import on this database; everything is rolled back."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--rows", type=int, default=300_000, help="Rows of all plan types.")
        parser.add_argument("--dsnp-plans", type=int, default=1_000)
        parser.add_argument("--dsnp-rows", type=int, default=60_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--year", type=int, default=2027, help="Contract Year of the file.")
        parser.add_argument(
            "--no-tracemalloc",
            action="store_true",
            help="Skip the second, traced pass that measures peak Python allocations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counties = County.objects.count()
        if counties < NATIONAL_COUNTIES:
            raise CommandError(
                f"The national geography is not loaded in this database ({counties:,} "
                "counties): run `manage.py load_geography` first."
            )
        trace = not options["no_tracemalloc"]
        self.stdout.write(f"Database: {self._vendor()}; {counties:,} counties loaded.")
        with tempfile.TemporaryDirectory(prefix="icf-landscape-bench-") as folder:
            path = Path(folder) / f"CY{options['year']}_Landscape_benchmark.csv"
            started = time.perf_counter()
            generator = Generator(
                seed=options["seed"],
                year=options["year"],
                rows=options["rows"],
                dsnp_plans=options["dsnp_plans"],
                dsnp_rows=options["dsnp_rows"],
            )
            rows, dsnp_rows, plans = generator.write(path)
            self.stdout.write(
                f"Generated {path.name}: {rows:,} rows ({dsnp_rows:,} D-SNP plan-county rows, "
                f"{plans:,} D-SNPs, {len(generator.counties)} states and territories), "
                f"{path.stat().st_size / 1_048_576:,.1f} MB in "
                f"{time.perf_counter() - started:.1f} s (seed {options['seed']})."
            )
            self.stdout.write(f"Max RSS before importing: {_mb(_max_rss())}.")
            try:
                with transaction.atomic(), override_settings(DEBUG=False):
                    before = transaction.savepoint()
                    first = self._measure(path, trace=False)
                    second = self._measure(path, trace=False)
                    traced: tuple[Figures, Figures] | None = None
                    if trace:
                        # tracemalloc slows allocation-heavy Python several times over, so
                        # the peaks come from a second, traced pass over the same database.
                        transaction.savepoint_rollback(before)
                        traced = (self._measure(path, trace=True), self._measure(path, trace=True))
                    raise _Rollback
            except _Rollback:
                pass
        self._print("First load", first, traced[0] if traced else None)
        self._print("Re-import", second, traced[1] if traced else None)
        self.stdout.write("Rolled back: the database is as it was.")
        if second.report.changes != 0 or first.report.rejected:
            raise CommandError("The re-import of the same file was expected to make 0 changes.")
        within = "within" if max(first.seconds, second.seconds) < 60 else "NOT within"
        self.stdout.write(f"Both imports are {within} the 60 s target.")

    def _measure(self, path: Path, trace: bool) -> Figures:
        def apply(report: ImportReport) -> None:
            apply_landscape(report, path)

        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        report = run_import(
            kind=ImportRun.Kind.LANDSCAPE,
            path=path,
            apply=apply,
            dry_run=False,
            # Inside the rolled-back transaction: the demo, if any, comes back afterwards.
            remove_demo=True,
        )
        seconds = time.perf_counter() - started
        peak = None
        if trace:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return Figures(report=report, seconds=seconds, python_peak=peak, max_rss=_max_rss())

    def _print(self, label: str, figures: Figures, traced: Figures | None) -> None:
        report = figures.report
        outcome = report.text().splitlines()
        verdict = next(
            (line for line in outcome if line.startswith(("Made", "REJECTED"))), outcome[-1]
        )
        peak = _mb(traced.python_peak) if traced else "not measured"
        self.stdout.write(
            f"{label}: {report.rows_read:,} rows read, {report.rows_kept:,} D-SNP rows kept, "
            f"{figures.seconds:.1f} s; max RSS {_mb(figures.max_rss)}; Python peak {peak} "
            f"(tracemalloc{f', traced pass {traced.seconds:.1f} s' if traced else ''}). "
            f"{verdict}"
        )
        for line in report.notes.get("Changes by kind", []):
            self.stdout.write(f"    {line}")
        unmatched = report.notes.get(
            "County names not matched (those service-area rows were skipped)", []
        )
        self.stdout.write(f"    county names not matched: {len(unmatched)}")

    @staticmethod
    def _vendor() -> str:
        if connection.vendor == "sqlite":
            return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
        if connection.vendor == "postgresql":
            version = connection.cursor().connection.info.server_version
            return f"PostgreSQL {version // 10000}.{version % 10000}"
        return connection.vendor
