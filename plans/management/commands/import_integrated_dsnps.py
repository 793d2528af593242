"""manage.py import_integrated_dsnps FILE [--dry-run]: CMS's list of FIDE and HIDE SNPs
→ the integration level of plans already in the catalog, with every conflict reported."""

from __future__ import annotations

from pathlib import Path

from plans.imports.common import ImportCommand, ImportReport
from plans.imports.integrated_dsnps import apply_integrated_dsnps
from plans.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import CMS's integrated D-SNP list (contract_year, state, contract_id, plan_id, "
        "integration_status, contract_name): sets the integration level of plans already "
        "in the catalog and reports every disagreement with the Landscape."
    )
    kind = ImportRun.Kind.INTEGRATED_DSNPS

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        apply_integrated_dsnps(report, path)
