"""manage.py import_plan_crosswalk FILE [--year YEAR] [--dry-run]: the CMS Plan Crosswalk
→ what happens on January 1 to last year's catalog plans (renews, moves, ends)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from plans.imports.common import ImportCommand, ImportReport
from plans.imports.plan_crosswalk import apply_plan_crosswalk
from plans.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import the CMS Plan Crosswalk (PREVIOUS_CONTRACT_ID, PREVIOUS_PLAN_ID, …, STATUS): "
        "sets whether each of last year's catalog plans renews, where its members are "
        "moved, or that it ends. The whole file is refused on any bad row."
    )
    kind = ImportRun.Kind.PLAN_CROSSWALK

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--year",
            type=int,
            help=(
                "The crosswalk (contract) year, e.g. 2027 for the 2026 → 2027 crosswalk. "
                "Default: the year in CMS's file name (PlanCrosswalk2027_10012026.txt)."
            ),
        )

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        year = options.get("year")
        apply_plan_crosswalk(report, path, year=year if isinstance(year, int) else None)
