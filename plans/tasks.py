"""What the task worker runs: the imports started from the admin.

The admin stores the upload in the database (``ImportUpload``), records a queued
``ImportRun`` and enqueues ``import_upload``; the worker (``manage.py db_worker``) runs
it. The task writes the stored bytes to a private temporary folder and calls the same
``run_import`` and importer functions as the ``import_*`` commands, so the rules of every
import hold here too: one transaction, every row checked, a bad file changes nothing.

A run always ends finished or failed, never stuck: an error inside the import marks it
failed (the transaction has rolled back), and a worker killed mid-import leaves a run
that ``give_up_stalled`` marks failed once no import could still be running.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from plans.imports.common import ImportRefused, ImportReport, run_import
from plans.models import ImportRun, ImportUpload, catalog_has_sample_rows

logger = logging.getLogger(__name__)

# How long a dry run's upload may wait to be confirmed: long enough to read the report,
# short enough that a forgotten tab cannot apply a stale file hours later.
UPLOAD_MAX_AGE = timedelta(hours=1)
# Far longer than any import takes (a national Landscape file: minutes). A run still
# "running" after this lost its worker; the database rolled its transaction back.
STALLED_AFTER = timedelta(hours=2)

# kind → (module, function); imported only when used, since the Landscape importer is
# written separately and may not be installed yet.
IMPORTERS: dict[str, tuple[str, str]] = {
    ImportRun.Kind.LANDSCAPE: ("plans.imports.landscape", "apply_landscape"),
    ImportRun.Kind.CONTRACT_DIRECTORY: (
        "plans.imports.contract_directory",
        "apply_contract_directory",
    ),
    ImportRun.Kind.INTEGRATED_DSNPS: ("plans.imports.integrated_dsnps", "apply_integrated_dsnps"),
    ImportRun.Kind.CATALOG: ("plans.imports.catalog_csv", "apply_catalog"),
    ImportRun.Kind.PLAN_CROSSWALK: ("plans.imports.plan_crosswalk", "apply_plan_crosswalk"),
}

NOTHING_CHANGED = (
    "Nothing was changed: the whole import is one transaction, and it was rolled back."
)


def importer_for(kind: str) -> Callable[[ImportReport, Path], None]:
    module_name, function_name = IMPORTERS[kind]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise ImportRefused(
            f"The {ImportRun.Kind(kind).label} importer is not installed yet."
        ) from error
    function: Callable[[ImportReport, Path], None] = getattr(module, function_name)
    return function


def safe_file_name(name: str) -> str:
    """The uploaded name reduced to harmless characters, for the temporary copy.

    Importers tell formats apart by content; the name only shows up in messages such
    as "bad.csv: no header", so keep it recognisable.
    """
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    return cleaned[:100] or "upload"


def queue_dry_run(
    *,
    kind: str,
    file_name: str,
    content: bytes,
    user: User | None,
    remove_demo: bool,
    limit_states: list[str] | None = None,
) -> ImportRun:
    """Store an uploaded file and queue its dry run for the task worker."""
    checksum = hashlib.sha256(content).hexdigest()
    remove_stale_uploads()
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            content=content,
            checksum=checksum,
            remove_demo=remove_demo,
            limit_states=limit_states or [],
        )
        run = ImportRun.objects.create(
            kind=kind,
            file_name=file_name,
            checksum=checksum,
            user=user,
            state=ImportRun.State.QUEUED,
            upload=upload,
        )
        _enqueue(run, dry_run=True)
    return run


def apply_refusal(dry_run: ImportRun, user: User, *, now: datetime | None = None) -> str:
    """Why ``user`` may not apply this dry run now, in plain words; "" if they may."""
    if dry_run.state != ImportRun.State.FINISHED or dry_run.outcome != ImportRun.Outcome.DRY_RUN:
        return "Only a finished dry run without rejected rows can be applied. Nothing was changed."
    if dry_run.user_id is None or dry_run.user_id != user.pk:
        return "This dry run is not yours to apply. Nothing was changed."
    if (
        dry_run.upload_id is None
        or ImportRun.objects.filter(upload_id=dry_run.upload_id).exclude(pk=dry_run.pk).exists()
    ):
        return (
            "The uploaded file is no longer here to apply (this dry run was confirmed "
            "already, or it expired). Nothing was changed. Upload the file again."
        )
    now = now or timezone.now()
    if dry_run.finished_at is None or dry_run.finished_at < now - UPLOAD_MAX_AGE:
        return (
            "This dry run is more than an hour old, so it can no longer be confirmed. "
            "Nothing was changed. Upload the file again."
        )
    remove_demo = (
        ImportUpload.objects.filter(pk=dry_run.upload_id)
        .values_list("remove_demo", flat=True)
        .first()
    )
    if catalog_has_sample_rows() and not remove_demo:
        return (
            "The catalog holds the sample (demo) data, and real data is never mixed with it. "
            "Upload the file again with “Delete the sample (demo) catalog first” ticked."
        )
    return ""


def queue_apply(dry_run: ImportRun, *, user: User) -> ImportRun:
    """Queue the import that ``dry_run`` reported on, of the very same stored upload.

    Raises ImportRefused with the reason when it may not be applied (see apply_refusal).
    """
    with transaction.atomic():
        # Locks the upload, so two clicks on "Apply" cannot both queue an import.
        ImportUpload.objects.select_for_update().filter(pk=dry_run.upload_id).values_list(
            "pk", flat=True
        ).first()
        dry_run.refresh_from_db()
        refusal = apply_refusal(dry_run, user)
        if refusal:
            raise ImportRefused(refusal)
        run = ImportRun.objects.create(
            kind=dry_run.kind,
            file_name=dry_run.file_name,
            checksum=dry_run.checksum,
            user=user,
            state=ImportRun.State.QUEUED,
            upload_id=dry_run.upload_id,
        )
        _enqueue(run, dry_run=False)
    return run


def _enqueue(run: ImportRun, *, dry_run: bool) -> None:
    # Inside the caller's transaction: with the database backend the worker never sees a
    # task without its run, nor is a run left queued without a task.
    result = import_upload.enqueue(run.pk, dry_run=dry_run)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    # The immediate backend has run the task already.
    run.refresh_from_db()


@task
def import_upload(run_id: int, *, dry_run: bool) -> str:
    """Run a queued admin import; returns the run's final state."""
    # Claiming the run in one UPDATE means a task delivered twice never imports twice.
    # started_at moves from when the run was queued to when the import really started,
    # which is what give_up_stalled measures.
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.QUEUED).update(
        state=ImportRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.warning("Import run %s is not queued any more; not running it again.", run_id)
        return "skipped"
    run = ImportRun.objects.select_related("upload", "user").get(pk=run_id)
    upload_id = run.upload_id
    try:
        _import(run, dry_run=dry_run)
    except BaseException as error:
        # BaseException too: a worker stopped with a second Ctrl+C raises SystemExit here.
        _fail(run, error)
        raise
    finally:
        keep = dry_run and run.outcome == ImportRun.Outcome.DRY_RUN
        if upload_id is not None and not keep:
            _delete_uploads([upload_id])
    remove_stale_uploads()
    return run.state


def _import(run: ImportRun, *, dry_run: bool) -> None:
    try:
        upload = run.upload
        if upload is None:
            raise ImportRefused(
                "The uploaded file is no longer stored (it was imported already, or it "
                "expired). Upload it again."
            )
        content = bytes(upload.content)  # PostgreSQL gives a memoryview
        if hashlib.sha256(content).hexdigest() != run.checksum:
            raise ImportRefused(
                "The stored upload changed after it was uploaded, so it was not imported. "
                "Upload the file again."
            )
        apply = importer_for(run.kind)
        limit = set(upload.limit_states or ())
        if limit and run.kind != ImportRun.Kind.LANDSCAPE:
            raise ImportRefused("Only national admins import this kind of file.")
        with tempfile.TemporaryDirectory(prefix="icf-import-") as folder:
            path = Path(folder) / safe_file_name(run.file_name)
            path.write_bytes(content)
            run_import(
                kind=run.kind,
                path=path,
                apply=(
                    (lambda report: apply(report, path, states=limit))  # type: ignore[call-arg]
                    if limit
                    else (lambda report: apply(report, path))
                ),
                dry_run=dry_run,
                user=run.user,
                remove_demo=upload.remove_demo,
                display_name=run.file_name,
                run=run,
            )
    except ImportRefused as error:
        # The file cannot be imported at all (wrong kind, unreadable): a rejected run
        # with the reason, like a file with bad rows.
        run.state = ImportRun.State.FINISHED
        run.outcome = ImportRun.Outcome.REJECTED
        run.finished_at = timezone.now()
        run.report = f"{run.file_name}\nREJECTED: {error} Nothing was changed."
        run.save(update_fields=["state", "outcome", "finished_at", "report"])


def _fail(run: ImportRun, error: BaseException) -> None:
    logger.error("Import run %s failed.", run.pk, exc_info=error)
    detail = " ".join(str(error).split())[:300]
    reason = type(error).__name__ + (f": {detail}" if detail else "")
    where = f" (task {run.task_id})" if run.task_id else ""
    run.state = ImportRun.State.FAILED
    run.outcome = ""
    run.finished_at = timezone.now()
    run.report = (
        f"{run.file_name}\nFAILED: the import stopped with an unexpected error ({reason}). "
        f"{NOTHING_CHANGED} The full error is in the task worker's log and in the "
        f"task results{where}. Upload the file again to retry, or report the error."
    )
    # Only a run still in progress: one that committed before the error stays finished.
    ImportRun.objects.filter(
        pk=run.pk, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]
    ).update(state=run.state, outcome="", finished_at=run.finished_at, report=run.report)


def give_up_stalled(*, now: datetime | None = None) -> int:
    """Mark failed the runs that have been running longer than any import takes.

    Their worker was killed (or its machine stopped) mid-import, so their transaction
    was rolled back and nothing will ever finish them. Returns how many were marked.
    """
    now = now or timezone.now()
    # Read before writing: on SQLite an UPDATE waits for a running import's write lock
    # even when it matches nothing, and this runs on admin pages.
    stalled = list(
        ImportRun.objects.filter(
            state=ImportRun.State.RUNNING, started_at__lt=now - STALLED_AFTER
        ).values_list("pk", flat=True)
    )
    if not stalled:
        return 0
    hours = STALLED_AFTER // timedelta(hours=1)
    return ImportRun.objects.filter(pk__in=stalled, state=ImportRun.State.RUNNING).update(
        state=ImportRun.State.FAILED,
        outcome="",
        finished_at=now,
        report=(
            f"FAILED: this import was still running after {hours} hours, so its task "
            f"worker must have stopped during it. {NOTHING_CHANGED} Upload the file "
            "again to retry."
        ),
    )


def remove_stale_uploads(*, now: datetime | None = None) -> int:
    """Delete stored uploads nobody can use any more; returns how many.

    An upload is kept while a run of it is queued or running, and for UPLOAD_MAX_AGE
    after its dry run finished (so that it can be confirmed).
    """
    cutoff = (now or timezone.now()) - UPLOAD_MAX_AGE
    stale = (
        ImportUpload.objects.filter(uploaded_at__lt=cutoff)
        .exclude(runs__state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING])
        .exclude(runs__finished_at__gte=cutoff)
        .values_list("pk", flat=True)
    )
    ids = list(stale)
    if not ids:
        return 0
    return _delete_uploads(ids)


def _delete_uploads(ids: list[int]) -> int:
    # only("pk"): deleting must not read the files' bytes back from the database.
    deleted, _ = ImportUpload.objects.filter(pk__in=ids).only("pk").delete()
    return deleted
