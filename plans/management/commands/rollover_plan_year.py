"""manage.py rollover_plan_year --state FL --from-year 2026 [--apply] [--as USERNAME]"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans import rollover
from plans.models import State


class Command(BaseCommand):
    help = (
        "Copy a state's Medicaid plans, alignments and enrollment rules into the next plan "
        "year as scheduled drafts. Shows what would happen unless --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", required=True, help="Two-letter state code, e.g. FL.")
        parser.add_argument("--from-year", type=int, required=True)
        parser.add_argument("--publish-from", type=date.fromisoformat, default=None)
        parser.add_argument("--apply", action="store_true", help="Make the copies.")
        parser.add_argument(
            "--as", dest="username", required=True, help="The admin the history records."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state = State.objects.filter(code=options["state"].upper()).first()
        if state is None:
            raise CommandError(f"No state {options['state']!r}.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            report = rollover.roll_over(
                state=state,
                from_year=options["from_year"],
                user=user,
                publish_from=options["publish_from"],
                dry_run=not options["apply"],
            )
        except rollover.RolloverRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(report.summary)
