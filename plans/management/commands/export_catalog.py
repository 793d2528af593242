"""manage.py export_catalog [--states XX,YY] [--output FILE]: the catalog CSV that
import_catalog reads back (docs/catalog-format.md). Sample (demo) rows are left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.imports.catalog_csv import export_catalog
from plans.models import State


class Command(BaseCommand):
    help = (
        "Write the catalog's own data (state policy and contacts, card terms, Medicaid "
        "plans, plan facts, PACE service areas) as catalog CSV. Sample rows are left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--states", help="Comma-separated state codes, e.g. FL,PR (default: every state)."
        )
        parser.add_argument("--output", type=Path, help="Write to this file (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        states = None
        if options["states"]:
            states = [s.strip().upper() for s in options["states"].split(",") if s.strip()]
            unknown = sorted(set(states) - set(State.objects.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"Not states in the catalog: {', '.join(unknown)}.")
        output: Path | None = options["output"]
        if output is None:
            summary = export_catalog(out=self.stdout, states=states)
        else:
            # UTF-8 with a byte-order mark, so Excel shows accents (Doña Ana, Spanish text)
            # correctly; the import accepts the mark.
            with output.open("w", encoding="utf-8-sig", newline="") as handle:
                summary = export_catalog(out=handle, states=states)
        counts = ", ".join(f"{n:,} {record}" for record, n in summary.rows.items() if n)
        message = f"Wrote {summary.total:,} rows ({counts or 'none'})."
        if summary.skipped_samples:
            message += (
                f" Left out {summary.skipped_samples:,} sample (demo) rows: importing them "
                "would make made-up data real."
            )
        # The report goes to stderr so that stdout stays a clean CSV when no file is given.
        self.stderr.write(message)
