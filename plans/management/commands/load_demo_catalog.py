"""Load (or, with --remove, delete) the sample catalog of fixtures/demo_catalog.json."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plans.demo import DemoCatalogError, load_demo_catalog, remove_demo_catalog


class Command(BaseCommand):
    help = "Load the made-up sample plans used to try the app (replaces earlier sample rows)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help="Delete every sample row and load nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            removed = remove_demo_catalog()
            self.stdout.write(f"Removed the sample catalog ({removed} sample plans).")
            return
        try:
            report = load_demo_catalog(today=timezone.localdate())
        except DemoCatalogError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Loaded the sample catalog: {report.plans} plans, {report.medicaid_plans} "
            f"Medicaid plans, {report.states} states."
        )
