"""manage.py import_contract_directory FILE [--dry-run] [--remove-demo]: the CMS MA
Contract Directory (.xlsx or CSV) → parent organizations and organizations."""

from __future__ import annotations

from pathlib import Path

from plans.imports.common import ImportCommand, ImportReport
from plans.imports.contract_directory import apply_contract_directory
from plans.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import the CMS MA Contract Directory (xlsx or CSV): sponsors, PACE organizations "
        "and their parent organizations. One transaction; a bad file changes nothing."
    )
    kind = ImportRun.Kind.CONTRACT_DIRECTORY

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        apply_contract_directory(report, path)
