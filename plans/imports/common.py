"""What every import shares: the report, the transaction, the record of the run.

An importer supplies ``apply(report)``, which parses the file and writes through the
ORM, counting what it added, changed and unpublished and rejecting bad rows with their
row numbers. ``run_import`` runs it inside one transaction and rolls everything back
when a row was rejected or when it is a dry run, so a bad file changes nothing; then it
records the run (outside that transaction, so a rejected or dry run is recorded too).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from plans import catalog_version
from plans.demo import remove_demo_catalog
from plans.models import ImportRun, catalog_has_sample_rows

# Report at most this many rejected rows or notes of one sort in full; count the rest.
MAX_LISTED = 200


def fold_name(name: str) -> str:
    """A name as imports compare it: case and runs of whitespace ignored.

    CMS writes one legal entity as ``HEALTHKEEPERS, INC.`` in one file (or on one
    contract) and ``HealthKeepers,  Inc.`` in another; both are one organization.
    """
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file, the header being line 1
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    file_name: str
    checksum: str
    dry_run: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    unpublished: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    rejected: list[RowError] = field(default_factory=list)
    # Named lists of things to look at that do not reject the file, e.g.
    # "county names not matched", "conflicts".
    notes: dict[str, list[str]] = field(default_factory=dict)
    states: set[str] = field(default_factory=set)
    plan_years: set[int] = field(default_factory=set)
    run: ImportRun | None = None

    def reject(self, row: int, message: str) -> None:
        self.rejected.append(RowError(row, message))

    def note(self, heading: str, item: str) -> None:
        items = self.notes.setdefault(heading, [])
        if item not in items:
            items.append(item)

    @property
    def changes(self) -> int:
        return self.added + self.changed + self.unpublished

    @property
    def outcome(self) -> str:
        if self.rejected:
            return ImportRun.Outcome.REJECTED
        return ImportRun.Outcome.DRY_RUN if self.dry_run else ImportRun.Outcome.APPLIED

    def text(self) -> str:
        """The plain report printed by commands and shown in the admin."""
        lines = [f"{self.file_name} (SHA-256 {self.checksum[:12]}…)"]
        lines.append(f"Rows read: {self.rows_read:,}; rows kept: {self.rows_kept:,}.")
        if self.states:
            lines.append(f"States: {', '.join(sorted(self.states))}.")
        if self.plan_years:
            lines.append(f"Plan years: {', '.join(map(str, sorted(self.plan_years)))}.")
        if self.rejected:
            lines.append(
                f"REJECTED: {len(self.rejected):,} bad rows, so nothing was changed. "
                "Fix these rows and import again (rows are counted as in the file, the "
                "first row, usually the header, being row 1):"
            )
            lines += [f"  {error}" for error in self.rejected[:MAX_LISTED]]
            if len(self.rejected) > MAX_LISTED:
                lines.append(f"  … and {len(self.rejected) - MAX_LISTED:,} more.")
        else:
            verb = "Would make" if self.dry_run else "Made"
            if self.changes == 0:
                lines.append(f"{verb} 0 changes ({self.unchanged:,} unchanged).")
            else:
                lines.append(
                    f"{verb} {self.changes:,} changes: {self.added:,} added, "
                    f"{self.changed:,} changed, {self.unpublished:,} unpublished "
                    f"({self.unchanged:,} unchanged)."
                )
            if self.dry_run:
                lines.append("Dry run: nothing was changed.")
        for heading, items in self.notes.items():
            lines.append(f"{heading} ({len(items):,}):")
            lines += [f"  {item}" for item in items[:MAX_LISTED]]
            if len(items) > MAX_LISTED:
                lines.append(f"  … and {len(items) - MAX_LISTED:,} more.")
        return "\n".join(lines)


class ImportRefused(Exception):
    """The import cannot start (sample data present, a file that cannot be read, …)."""


class _RollBack(Exception):
    pass


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refuse_to_mix_with_samples(*, remove_demo: bool) -> None:
    """Real data never mixes silently with the demo catalog."""
    if not catalog_has_sample_rows():
        return
    if not remove_demo:
        raise ImportRefused(
            "The database holds the sample (demo) catalog. Real data is not mixed with it: "
            "run again with --remove-demo to delete the sample rows first."
        )
    remove_demo_catalog()


def run_import(
    *,
    kind: str,
    path: Path,
    apply: Callable[[ImportReport], None],
    dry_run: bool,
    user: User | None = None,
    remove_demo: bool = False,
    display_name: str | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Run ``apply`` in one transaction; keep its writes only if no row was rejected and
    this is not a dry run. The run is recorded in every case: in ``run`` when given (a
    run queued from the admin, already saved), else in a new one."""
    if not path.is_file():
        raise ImportRefused(f"There is no file at {path}.")
    report = ImportReport(
        kind=kind,
        file_name=display_name or path.name,
        checksum=file_checksum(path),
        dry_run=dry_run,
    )
    try:
        with transaction.atomic():
            if not dry_run:
                refuse_to_mix_with_samples(remove_demo=remove_demo)
            report.run = run or ImportRun.objects.create(
                kind=kind,
                file_name=report.file_name,
                checksum=report.checksum,
                user=user,
                outcome=ImportRun.Outcome.DRY_RUN,
            )
            apply(report)
            if report.rejected or dry_run:
                raise _RollBack
            # Importers write in bulk, which sends no signals: raise the catalog version
            # here, once, when this transaction commits.
            catalog_version.bump()
            _finish(report.run, report)
    except _RollBack:
        # Everything was rolled back, a run created above included: record it afresh.
        # A given run was saved before this transaction, so it is still there.
        report.run = run or ImportRun.objects.create(
            kind=kind,
            file_name=report.file_name,
            checksum=report.checksum,
            user=user,
            outcome=report.outcome,
        )
        _finish(report.run, report)
    return report


def _finish(run: ImportRun, report: ImportReport) -> None:
    run.state = ImportRun.State.FINISHED
    run.outcome = report.outcome
    run.finished_at = timezone.now()
    run.states = sorted(report.states)
    run.plan_years = sorted(report.plan_years)
    run.added, run.changed, run.unpublished = report.added, report.changed, report.unpublished
    run.rejected = len(report.rejected)
    run.report = report.text()
    run.save()


class ImportCommand(BaseCommand):
    """Base of the ``import_*`` commands: FILE, --dry-run, --remove-demo, --user."""

    kind: str = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; change nothing."
        )
        parser.add_argument(
            "--remove-demo",
            action="store_true",
            help="Delete the sample (demo) catalog first; real data never mixes with it.",
        )
        parser.add_argument("--user", help="Username to record as the importer.")

    def apply(self, report: ImportReport, path: Path, options: dict[str, object]) -> None:
        raise NotImplementedError

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user {options['user']!r}.")
        try:
            report = run_import(
                kind=self.kind,
                path=path,
                apply=lambda report: self.apply(report, path, options),
                dry_run=bool(options["dry_run"]),
                user=user,
                remove_demo=bool(options["remove_demo"]),
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.text())
        if report.rejected:
            first = report.rejected[0]
            raise CommandError(
                f"Import rejected: {len(report.rejected):,} bad rows. Row {first.row}: "
                f"{first.message.rstrip('.')}. Nothing was imported."
            )


def assign_changed(obj: Model, values: dict[str, Any]) -> bool:
    """Set on ``obj`` the values that differ from what it holds; True if any did.

    Imports count a row as changed only when a value really changed, so that importing
    the same file twice says "Made 0 changes".
    """
    differs = False
    for name, value in values.items():
        if isinstance(value, Model):
            if getattr(obj, f"{name}_id") != value.pk:
                setattr(obj, name, value)
                differs = True
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            differs = True
    return differs
