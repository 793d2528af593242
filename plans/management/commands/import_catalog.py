"""manage.py import_catalog FILE [--dry-run] [--remove-demo]: the project's own catalog CSV
(state policy and contacts, card terms, Medicaid plans, plan facts, PACE service areas)."""

from __future__ import annotations

from pathlib import Path

from plans.imports.catalog_csv import apply_catalog
from plans.imports.common import ImportCommand, ImportReport
from plans.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import the Integrated Care Finder catalog CSV (docs/catalog-format.md). "
        "One transaction; a bad row changes nothing."
    )
    kind = ImportRun.Kind.CATALOG

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        apply_catalog(report, path)
