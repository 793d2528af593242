"""Admin imports run on the task worker, never inside the web request.

Most tests keep the real (database) backend, so an upload only queues; they then run the
task as the worker would (``import_upload.call``), or start the real worker
(``db_worker --batch``) end to end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plans import tasks
from plans.imports import contract_directory
from plans.imports.common import ImportReport
from plans.models import ImportRun, ImportUpload, Organization, Plan

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = Path(__file__).parent / "imports" / "files" / "contract_directory_small.csv"
IMPORT_URL = "admin:plans_importrun_import"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def database_tasks() -> Iterator[None]:
    # The default, set here too so that a TASKS_BACKEND=immediate shell cannot change it.
    with override_settings(TASKS=DATABASE_BACKEND):
        yield


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def upload(client: Client, name: str, content: bytes, kind: str = "contract_directory") -> str:
    """Upload through the admin; returns the run page the browser is sent to."""
    response = client.post(
        reverse(IMPORT_URL),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 303, response.content[:500]
    return str(response["Location"])


def queue(user: User, content: bytes | None = None, kind: str = "contract_directory") -> ImportRun:
    return tasks.queue_dry_run(
        kind=kind,
        file_name="contract_directory_small.csv",
        content=DIRECTORY.read_bytes() if content is None else content,
        user=user,
        remove_demo=False,
    )


def run_task(run: ImportRun, *, dry_run: bool) -> ImportRun:
    """Run the queued task in this process, as the worker would."""
    tasks.import_upload.call(run.pk, dry_run=dry_run)
    run.refresh_from_db()
    return run


def test_an_upload_is_queued_and_the_browser_goes_to_its_page_at_once(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(
        contract_directory,
        "apply_contract_directory",
        lambda report, path: calls.append(path),
    )
    location = upload(admin_client, "directory.csv", DIRECTORY.read_bytes())

    run = ImportRun.objects.get()
    assert location == reverse("admin:plans_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.QUEUED and run.outcome == ""
    assert run.file_name == "directory.csv" and run.user is not None
    assert bytes(run.upload.content) == DIRECTORY.read_bytes()
    # The request queued the work and ran none of it.
    assert calls == [] and not Organization.objects.exists()
    task = DBTaskResult.objects.get()
    assert str(task.id) == run.task_id
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "plans.tasks.import_upload"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {"dry_run": True}}

    page = admin_client.get(location)
    assert page.status_code == 200
    assert "Queued: waiting for the task worker" in page.text
    assert f'<a href="{location}">Reload this page</a>' in page.text
    assert "python manage.py db_worker" in page.text
    assert "http-equiv" not in page.text  # no automatic refresh
    listing = admin_client.get(reverse("admin:plans_importrun_changelist"))
    assert 'class="field-state">Queued<' in listing.text


def test_a_running_run_says_so_and_offers_a_reload_link(
    admin_client: Client, admin_user: User
) -> None:
    run = queue(admin_user)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)
    url = reverse("admin:plans_importrun_change", args=[run.pk])
    page = admin_client.get(url)
    assert "Running: the task worker is importing this file" in page.text
    assert f'<a href="{url}">Reload this page</a>' in page.text
    assert "http-equiv" not in page.text


def test_the_task_runs_a_dry_run_and_keeps_the_upload_for_the_confirmation(
    admin_user: User,
) -> None:
    run = run_task(queue(admin_user), dry_run=True)
    assert run.state == ImportRun.State.FINISHED
    assert run.outcome == ImportRun.Outcome.DRY_RUN
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert "Would make 11 changes" in run.report and "Dry run: nothing was changed." in run.report
    assert not Organization.objects.exists()
    assert run.upload is not None  # until it is confirmed or expires


def test_the_task_applies_with_counts_and_report(admin_client: Client, admin_user: User) -> None:
    dry_run = run_task(queue(admin_user), dry_run=True)
    applied = tasks.queue_apply(dry_run, user=admin_user)
    assert applied.state == ImportRun.State.QUEUED and applied.upload_id == dry_run.upload_id
    assert not Organization.objects.exists()

    applied = run_task(applied, dry_run=False)
    assert applied.state == ImportRun.State.FINISHED
    assert applied.outcome == ImportRun.Outcome.APPLIED
    assert (applied.added, applied.changed, applied.unpublished, applied.rejected) == (11, 0, 0, 0)
    assert "Made 11 changes: 11 added" in applied.report
    assert applied.checksum == dry_run.checksum
    assert Organization.objects.count() == 3
    # The stored bytes are gone once the import is done.
    assert not ImportUpload.objects.exists()
    assert applied.upload is None

    page = admin_client.get(reverse("admin:plans_importrun_change", args=[applied.pk]))
    assert "Imported: CMS MA Contract Directory" in page.text
    assert "Made 11 changes" in page.text and "Reload this page" not in page.text


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "landscape",
            b"PK\x03\x04\x14\x00broken zip",
            "This is an Excel workbook (.xlsx, .xlsb or .xls), not CSV",
        ),
        ("catalog", DIRECTORY.read_bytes(), "The header has unknown columns"),
        ("contract_directory", b"\xff\xfe\x00garbage", "This is not a CSV text file"),
    ],
    ids=["malformed-zip", "wrong-kind", "not-text"],
)
def test_a_broken_file_is_rejected_with_a_message_and_changes_nothing(
    admin_user: User, demo_geography: None, kind: str, content: bytes, message: str
) -> None:
    before = (Organization.objects.count(), Plan.objects.count())
    run = run_task(queue(admin_user, content, kind=kind), dry_run=True)
    assert run.state == ImportRun.State.FINISHED
    assert run.outcome == ImportRun.Outcome.REJECTED
    assert message in run.report and "nothing was changed" in run.report
    assert (Organization.objects.count(), Plan.objects.count()) == before
    assert not ImportUpload.objects.exists()


def test_a_crash_inside_the_importer_fails_the_run_and_changes_nothing(
    admin_client: Client, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(report: ImportReport, path: Path) -> None:
        Organization.objects.create(legal_name="Written before the crash")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(contract_directory, "apply_contract_directory", crash)
    run = queue(admin_user)
    with pytest.raises(RuntimeError):
        run_task(run, dry_run=True)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and run.outcome == ""
    assert run.finished_at is not None
    assert "unexpected error (RuntimeError: disk on fire)" in run.report
    assert "Nothing was changed" in run.report
    assert not Organization.objects.exists()
    assert not ImportUpload.objects.exists()

    page = admin_client.get(reverse("admin:plans_importrun_change", args=[run.pk]))
    assert "Failed: CMS MA Contract Directory (nothing was changed)" in page.text
    assert "disk on fire" in page.text and "Reload this page" not in page.text


def test_a_task_delivered_twice_imports_once(admin_user: User) -> None:
    dry_run = run_task(queue(admin_user), dry_run=True)
    applied = run_task(tasks.queue_apply(dry_run, user=admin_user), dry_run=False)
    assert tasks.import_upload.call(applied.pk, dry_run=False) == "skipped"
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).count() == 1


def test_a_run_whose_worker_died_is_marked_failed(admin_client: Client, admin_user: User) -> None:
    run = queue(admin_user)
    long_ago = timezone.now() - tasks.STALLED_AFTER - timedelta(minutes=1)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, started_at=long_ago)
    recent = queue(admin_user)
    ImportRun.objects.filter(pk=recent.pk).update(state=ImportRun.State.RUNNING)

    listing = admin_client.get(reverse("admin:plans_importrun_changelist"))
    assert 'class="field-state">Failed (nothing changed)<' in listing.text
    run.refresh_from_db()
    recent.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert "its task worker must have stopped" in run.report
    assert recent.state == ImportRun.State.RUNNING  # may still be working


def test_uploads_are_kept_only_as_long_as_they_can_be_used(admin_user: User) -> None:
    waiting = queue(admin_user)  # queued: kept however long the worker takes
    confirmable = run_task(queue(admin_user), dry_run=True)
    later = timezone.now() + tasks.UPLOAD_MAX_AGE + timedelta(minutes=1)
    assert tasks.remove_stale_uploads(now=later) == 1
    waiting.refresh_from_db()
    confirmable.refresh_from_db()
    assert waiting.upload is not None
    assert confirmable.upload is None


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_dry_run_then_the_import(admin_client: Client) -> None:
    location = upload(admin_client, "contract_directory_small.csv", DIRECTORY.read_bytes())
    assert "Queued" in admin_client.get(location).text

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    dry_run = ImportRun.objects.get()
    assert dry_run.state == ImportRun.State.FINISHED
    assert dry_run.outcome == ImportRun.Outcome.DRY_RUN
    assert "Would make 11 changes" in admin_client.get(location).text

    response = admin_client.post(reverse("admin:plans_importrun_apply", args=[dry_run.pk]))
    assert response.status_code == 303
    assert not Organization.objects.exists()  # queued, not run by the request

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    applied = ImportRun.objects.get(outcome=ImportRun.Outcome.APPLIED)
    assert applied.state == ImportRun.State.FINISHED
    assert applied.added == 11 and "Made 11 changes" in applied.report
    assert Organization.objects.count() == 3
    assert not ImportUpload.objects.exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
    assert "Imported: CMS MA Contract Directory" in admin_client.get(response["Location"]).text


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_records_a_crash_as_a_failed_run(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(report: ImportReport, path: Path) -> None:
        raise ValueError("unexpected cell")

    monkeypatch.setattr(contract_directory, "apply_contract_directory", crash)
    upload(admin_client, "contract_directory_small.csv", DIRECTORY.read_bytes())
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert "ValueError: unexpected cell" in run.report and run.task_id in run.report
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED
    assert "unexpected cell" in task.traceback


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    return subprocess.run(
        [sys.executable, "-c", "import finder.settings as s; print(s.TASKS['default']['BACKEND'])"],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_tasks_backend_is_database_by_default_immediate_on_request_and_nothing_else() -> None:
    assert load_settings().stdout.strip() == "django_tasks_db.DatabaseBackend"
    assert load_settings(TASKS_BACKEND="database").stdout.strip() == (
        "django_tasks_db.DatabaseBackend"
    )
    assert load_settings(TASKS_BACKEND="immediate").stdout.strip() == (
        "django.tasks.backends.immediate.ImmediateBackend"
    )
    bad = load_settings(TASKS_BACKEND="celery")
    assert bad.returncode != 0
    assert "ImproperlyConfigured" in bad.stderr
    assert "TASKS_BACKEND must be database or immediate, not 'celery'" in bad.stderr
