"""Time the eligibility engine on a synthetic state of 500 plans, without the database.

    manage.py bench_eligibility [--plans 500] [--runs 50] [--seed 2026]

Every plan serves the person's county (the worst case: none is dropped before the rules
run), plus a realistic spread of other counties; PACE plans serve only some ZIP codes.
Prints the median and 95th percentile of ``decide_all``; the target is under 20 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from argparse import ArgumentParser
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from finder.eligibility import (
    Answers,
    MedicaidPlanFacts,
    PlanFacts,
    StateFacts,
    decide_all,
)
from finder.eligibility.facts import IntegrationLevel, PlanKind

TARGET_MS = 20.0
COUNTY = "06037"


def synthetic_state(rng: random.Random, counties: list[str]) -> StateFacts:
    medicaid_plans = tuple(
        MedicaidPlanFacts(
            id=f"mc-{i}",
            name=f"Medicaid Plan {i}",
            parent_id=f"parent-{i % 8}",
            enrolls_full_benefit_duals=i % 5 != 0,
            counties=frozenset(rng.sample(counties, rng.randint(5, len(counties)))) | {COUNTY},
        )
        for i in range(12)
    )
    return StateFacts(
        code="CA",
        name="Synthetic State",
        dsnp_default_categories=frozenset({"qmb_plus", "slmb_plus", "fbde"}),
        medicaid_plan_lock_in=True,
        medicaid_plans=medicaid_plans,
    )


def synthetic_plans(rng: random.Random, counties: list[str], count: int) -> list[PlanFacts]:
    plans: list[PlanFacts] = []
    for i in range(count):
        kind: PlanKind = "pace" if i % 10 == 0 else "dsnp"
        served = {COUNTY, *rng.sample(counties, rng.randint(0, 30))}
        if kind == "pace":
            area = {
                c: frozenset(f"9{rng.randint(0, 9999):04d}" for _ in range(rng.randint(3, 12)))
                for c in served
            }
        else:
            area = {c: frozenset() for c in served}
        levels: tuple[IntegrationLevel, ...] = ("CO", "CO", "HIDE", "FIDE")
        level = None if kind == "pace" else rng.choice(levels)
        aligned = kind == "dsnp" and level == "FIDE"
        plans.append(
            PlanFacts(
                id=f"plan-{i}",
                cms_id=f"H{1000 + i // 10:04d}-{i % 1000:03d}",
                name=f"Plan {i}",
                kind=kind,
                plan_year=rng.choice((2026, 2027)),
                service_area=area,
                integration_level=level,
                is_aip=aligned or (level == "CO" and rng.random() < 0.1),
                exclusively_aligned=aligned,
                aligned_medicaid_plan_id=f"mc-{rng.randrange(12)}" if aligned else None,
                parent_id=f"parent-{rng.randrange(10)}",
                dual_categories=None
                if rng.random() < 0.5
                else frozenset(rng.sample(["qmb_plus", "slmb_plus", "fbde", "qmb", "slmb"], 3)),
                age_min=55 if kind == "pace" else rng.choice((None, None, 21, 65)),
                age_max=rng.choice((None, None, 64)) if kind == "dsnp" else None,
                sanctioned=rng.random() < 0.02,
                pace_waiting_list=kind == "pace" and rng.random() < 0.3,
                premium=Decimal(rng.choice(("0", "0", "12.50", "36.40"))),
                premium_with_extra_help=Decimal("0"),
            )
        )
    return plans


def person() -> Answers:
    return Answers(
        zip="90012",
        county=COUNTY,
        medicare="ab",
        coverage="not_sure",
        medicaid="not_sure",
        medicaid_plan="mc-3",
        medicaid_change="not_sure",
        age="65plus",
        care_needs="not_sure",
        nursing_home="not_sure",
        date=date(2026, 10, 20),
    )


class Command(BaseCommand):
    help = "Time decide_all over a synthetic state of 500 plans (no database)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--plans", type=int, default=500)
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        counties = [f"06{n:03d}" for n in range(1, 116, 2)]
        state = synthetic_state(rng, counties)
        plans = synthetic_plans(rng, counties, options["plans"])
        answers = person()
        # The first run words every distinct finding once (the words are cached for the
        # life of the process); later runs are what a results page costs.
        start = time.perf_counter()
        decide_all(answers, plans, state)
        first_ms = (time.perf_counter() - start) * 1000

        timings_ms: list[float] = []
        results = None
        for _ in range(max(1, options["runs"])):
            start = time.perf_counter()
            results = decide_all(answers, plans, state)
            timings_ms.append((time.perf_counter() - start) * 1000)
        timings_ms.sort()
        median = statistics.median(timings_ms)
        p95 = timings_ms[min(len(timings_ms) - 1, round(0.95 * len(timings_ms)) - 1)]
        assert results is not None
        self.stdout.write(f"plans decided: {results.count} of {len(plans)}")
        self.stdout.write(
            f"eligible: {len(results.eligible)}  may qualify: {len(results.may_qualify)}  "
            f"not eligible: {len(results.not_eligible)}"
        )
        self.stdout.write(f"first run (words not yet cached): {first_ms:.2f} ms")
        self.stdout.write(f"runs: {len(timings_ms)}")
        self.stdout.write(f"median: {median:.2f} ms")
        self.stdout.write(f"p95: {p95:.2f} ms")
        self.stdout.write(
            f"target: < {TARGET_MS:.0f} ms ({'met' if p95 < TARGET_MS else 'MISSED'})"
        )
