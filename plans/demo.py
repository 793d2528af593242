"""The demo catalog: made-up sample plans in real states that exercise every kind and rule.

Loading replaces every earlier sample row, so the demo can be reloaded at will;
``remove_demo_catalog`` takes it out before real data goes in. Rows are created
through ``full_clean()`` so the demo obeys the same validation as admin edits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from plans.models import (
    CardTerm,
    Contract,
    County,
    MedicaidPlan,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    StateContact,
    StatePolicy,
)

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_catalog.json"
# What happens on January 1 to this year's sample plans, in CMS's Plan Crosswalk layout.
DEMO_CROSSWALK = Path(settings.BASE_DIR) / "fixtures" / "demo_plan_crosswalk.txt"
SAMPLE_SOURCE = "Sample data (fixtures/demo_catalog.json): not a real plan"


class DemoCatalogError(Exception):
    """The demo catalog cannot be loaded (for example, geography is missing)."""


@dataclass(frozen=True)
class DemoReport:
    plans: int
    medicaid_plans: int
    states: int


@transaction.atomic
def remove_demo_catalog() -> int:
    """Delete every sample row; returns how many plans went. Real rows are untouched."""
    plans = Plan.objects.filter(is_sample=True)
    count = plans.count()
    plans.delete()
    MedicaidPlan.objects.filter(is_sample=True).delete()
    StateContact.objects.filter(is_sample=True).delete()
    StatePolicy.objects.filter(is_sample=True).delete()
    CardTerm.objects.filter(says__icontains="(sample wording)").delete()
    # A contract someone recorded for a sample organization would protect it.
    Contract.objects.filter(organization__is_sample=True).delete()
    Organization.objects.filter(is_sample=True).delete()
    ParentOrganization.objects.filter(
        name__startswith="Sample ", organizations__isnull=True, medicaid_plans__isnull=True
    ).delete()
    return count


def _full_save(obj: Any) -> Any:
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def load_demo_catalog(*, today: date, path: Path = DEMO_FILE) -> DemoReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    if Plan.objects.filter(is_sample=False).exists():
        raise DemoCatalogError(
            "This database holds real plans: the sample catalog is not mixed with them."
        )
    remove_demo_catalog()

    needed = {fips for plan in data["plans"] for fips in plan["counties"]}
    for state in data["states"].values():
        for medicaid_plan in state["medicaid_plans"]:
            needed.update(medicaid_plan["counties"])
    counties = County.objects.in_bulk(needed)
    missing = sorted(needed - set(counties))
    if missing:
        raise DemoCatalogError(
            "The demo catalog needs these counties, which are not loaded: "
            f"{', '.join(missing)}. Run `manage.py load_geography` first."
        )

    parents = {
        name: ParentOrganization.objects.get_or_create(name=name)[0] for name in data["parents"]
    }
    organizations = {
        row["legal_name"]: _full_save(
            Organization(
                legal_name=row["legal_name"],
                marketing_name=row["marketing_name"],
                parent=parents[row["parent"]],
                is_pace=row.get("is_pace", False),
                source=SAMPLE_SOURCE,
                is_sample=True,
            )
        )
        for row in data["organizations"]
    }

    years = [today.year + offset for offset in data["plan_year_offsets"]]
    medicaid_plans: dict[tuple[str, int], MedicaidPlan] = {}
    review = {
        "status": PublicationStatus.PUBLISHED,
        "source": SAMPLE_SOURCE,
        "last_reviewed": today,
        "is_sample": True,
    }
    for code, state_data in data["states"].items():
        state = State.objects.get(code=code)
        if StatePolicy.objects.filter(state=state, is_sample=False).exists():
            raise DemoCatalogError(f"{code} has a real state policy: the sample is not loaded.")
        _full_save(StatePolicy(state=state, **state_data["policy"], **review))
        for contact in state_data["contacts"]:
            _full_save(StateContact(state=state, verified=False, **contact, **review))
        for order, term in enumerate(state_data["card_terms"]):
            _full_save(CardTerm(state=state, sort_order=order, **term))
        for row in state_data["medicaid_plans"]:
            for year in years:
                medicaid_plan = _full_save(
                    MedicaidPlan(
                        state=state,
                        plan_year=year,
                        code=row["code"],
                        name=row["name"],
                        parent=parents[row["parent"]] if row["parent"] else None,
                        **review,
                    )
                )
                medicaid_plan.service_area.set([counties[f] for f in row["counties"]])
                medicaid_plans[(row["name"], year)] = medicaid_plan

    plan_count = 0
    fields = {f.name for f in Plan._meta.get_fields()}
    for row in data["plans"]:
        plan_years = [today.year + offset for offset in row.get("plan_year_offsets", [])]
        for year in plan_years or years:
            values = {k: v for k, v in row.items() if k in fields}
            for money in ("premium", "premium_with_extra_help"):
                if money in values:
                    values[money] = Decimal(values[money])
            values["organization"] = organizations[row["organization"]]
            values.setdefault("kind", PlanKind.DSNP)
            if row.get("aligned_medicaid_plan"):
                values["aligned_medicaid_plan"] = medicaid_plans[
                    (row["aligned_medicaid_plan"], year)
                ]
            plan = Plan(plan_year=year, **{**review, **values})
            if "dual_categories" in row:
                plan.set_dual_categories(row["dual_categories"])
            _full_save(plan)
            ServiceArea.objects.bulk_create(
                ServiceArea(plan=plan, county=counties[fips], zip_codes=zips)
                for fips, zips in row["counties"].items()
            )
            plan_count += 1
    _apply_demo_crosswalk(year=years[0] + 1)
    return DemoReport(
        plans=plan_count, medicaid_plans=len(medicaid_plans), states=len(data["states"])
    )


def _apply_demo_crosswalk(*, year: int) -> None:
    """Through the real importer, so the demo shows what a crosswalk records."""
    # Imported here: the importers' shared module imports this one.
    from plans.imports.common import ImportReport
    from plans.imports.plan_crosswalk import apply_plan_crosswalk
    from plans.models import ImportRun

    report = ImportReport(
        kind=ImportRun.Kind.PLAN_CROSSWALK,
        file_name=DEMO_CROSSWALK.name,
        checksum="",
        dry_run=False,
    )
    apply_plan_crosswalk(report, DEMO_CROSSWALK, year=year, include_samples=True)
    if report.rejected:
        raise DemoCatalogError(f"The sample Plan Crosswalk is wrong: {report.rejected[0]}")
