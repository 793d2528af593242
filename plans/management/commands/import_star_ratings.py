"""manage.py import_star_ratings FILE... [--dry-run]: one CMS Star Ratings year.

Give the year's measure data, measure stars, summary ratings and disenrollment reasons
files, in any order (domain stars and CAI files may be given too; they are not imported).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from plans.imports.common import ImportCommand, ImportReport
from plans.imports.star_ratings import apply_star_ratings
from plans.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import one CMS Star Ratings year from its measure data, measure stars, summary "
        "ratings and disenrollment reasons files (Medicare Advantage contracts only)."
    )
    kind = ImportRun.Kind.STAR_RATINGS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        # The shared command takes one FILE, recorded as the run's file; the year's other
        # files follow it, and the report lists every file with its SHA-256.
        parser.add_argument(
            "more_files", nargs="*", type=Path, help="The other files of the same year."
        )

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        more = options.get("more_files") or []
        assert isinstance(more, list)
        apply_star_ratings(report, paths=[path, *more])
