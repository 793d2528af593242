"""manage.py import_landscape FILE [--states XX,YY] [--dry-run] [--remove-demo] [--user NAME]:
the CMS MA Landscape CSV → D-SNPs, their counties, premiums and their contracts' stars."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from plans.imports.common import ImportCommand, ImportReport
from plans.imports.landscape import apply_landscape
from plans.models import ImportRun, State


def parse_states(value: str | None) -> set[str] | None:
    """'fl, pr' -> {'FL', 'PR'}; None when no limit was asked for."""
    if value is None:
        return None
    codes = {code.strip().upper() for code in value.split(",") if code.strip()}
    if not codes or any(not re.fullmatch(r"[A-Z]{2}", code) for code in codes):
        raise CommandError("--states needs USPS codes separated by commas, e.g. FL,PR.")
    unknown = codes - set(State.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown:
        raise CommandError(
            f"Unknown or not loaded states in --states: {', '.join(sorted(unknown))}."
        )
    return codes


class Command(ImportCommand):
    help = (
        "Import the CMS MA Landscape CSV (CY2025+ layout): D-SNPs with their counties, "
        "premiums and Star Ratings. Plans of the covered states and years that are no "
        "longer in the file are unpublished, never deleted. One transaction; a bad file "
        "changes nothing."
    )
    kind = ImportRun.Kind.LANDSCAPE

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--states",
            metavar="XX,YY",
            help="Only import (and judge) these states' rows; the rest of the file is skipped.",
        )

    def handle(self, *args: object, **options: object) -> None:
        # Checked before the import starts, so a typo is a plain error, not a recorded run.
        states = options.get("states")
        options["states"] = parse_states(states if isinstance(states, str) else None)
        super().handle(*args, **options)

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        states = options.get("states")
        apply_landscape(report, path, states=states if isinstance(states, set) else None)
