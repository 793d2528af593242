"""Load the national articles, glossary and language taglines of fixtures/content/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.content import ContentError, load_content


class Command(BaseCommand):
    help = (
        "Load the national educational articles, glossary terms and language taglines "
        "from fixtures/content/ (idempotent; see docs/content-format.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", type=Path, default=None, help="Another content folder (for tests)."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete national rows that no file describes (kept by default).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_content(directory=options["directory"], prune=options["prune"])
        except ContentError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        self.stdout.write(f"Articles: {report.articles}.")
        self.stdout.write(f"Glossary terms: {report.glossary}.")
        self.stdout.write(f"Language taglines: {report.taglines}.")
