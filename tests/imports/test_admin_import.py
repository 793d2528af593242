"""'Import a file' in the admin: upload → dry-run report → confirm, and every way to fail.

The runs go through the task queue; here the immediate backend runs each task as soon as
it is queued, so every page shows the finished run. tests/test_import_tasks.py covers
the queue itself (queued and running pages, the database worker, crashes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from plans import tasks
from plans.imports.common import ImportReport
from plans.models import ImportRun, ImportUpload, Organization, State, StateRole

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
DIRECTORY = FILES / "contract_directory_small.csv"
URL = "admin:plans_importrun_import"


@pytest.fixture(autouse=True)
def immediate_tasks() -> Iterator[None]:
    backend = "django.tasks.backends.immediate.ImmediateBackend"
    with override_settings(TASKS={"default": {"BACKEND": backend}}):
        yield


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = User.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
    client.force_login(user)
    return client


def upload(
    client: Client, path: Path = DIRECTORY, kind: str = "contract_directory", **extra: str
) -> HttpResponse:
    with path.open("rb") as handle:
        return client.post(reverse(URL), {"kind": kind, "file": handle, **extra})


def run_page(client: Client, response: HttpResponse) -> HttpResponse:
    """The run's page the upload or the confirmation redirected to."""
    assert response.status_code == 303, response.content[:500]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def confirm(client: Client, run: ImportRun) -> HttpResponse:
    return client.post(reverse("admin:plans_importrun_apply", args=[run.pk]))


def dry_run_of(response: HttpResponse) -> ImportRun:
    run_id = response["Location"].rstrip("/").split("/")[-2]
    return ImportRun.objects.get(pk=run_id)


def test_upload_dry_run_then_confirm(admin_client: Client) -> None:
    page = admin_client.get(reverse(URL))
    assert page.status_code == 200
    assert "Upload a file for a dry run" in page.text
    assert 'name="csrfmiddlewaretoken"' in page.text  # the admin's CSRF protection applies

    uploaded = upload(admin_client)
    dry = run_page(admin_client, uploaded)
    assert "Dry run: CMS MA Contract Directory" in dry.text
    assert "Would make 11 changes" in dry.text
    assert "Apply these changes" in dry.text
    assert not Organization.objects.exists()
    dry_run = ImportRun.objects.get()
    assert dry_run.outcome == ImportRun.Outcome.DRY_RUN
    assert dry_run.state == ImportRun.State.FINISHED
    assert ImportUpload.objects.count() == 1  # kept for the confirmation

    done = run_page(admin_client, confirm(admin_client, dry_run))
    assert "Imported: CMS MA Contract Directory" in done.text
    assert "Made 11 changes" in done.text
    assert Organization.objects.count() == 3
    applied = ImportRun.objects.get(outcome=ImportRun.Outcome.APPLIED)
    assert applied.file_name == "contract_directory_small.csv"
    assert applied.checksum == dry_run.checksum
    assert applied.user.username == "admin"
    assert not ImportUpload.objects.exists()  # the upload is gone once applied


def test_a_confirmed_upload_cannot_be_applied_twice(admin_client: Client) -> None:
    dry_run = dry_run_of(upload(admin_client))
    confirm(admin_client, dry_run)
    again = confirm(admin_client, dry_run)
    assert again.status_code == 400
    assert "no longer here" in again.text and "Nothing was changed" in again.text
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).count() == 1
    assert (
        "Apply these changes"
        not in admin_client.get(reverse("admin:plans_importrun_change", args=[dry_run.pk])).text
    )


def test_a_bad_file_gets_its_report_and_no_confirm_button(
    admin_client: Client, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Legal Entity Name,Something Else\nA,B\n", encoding="utf-8")
    page = run_page(admin_client, upload(admin_client, bad))
    assert "Rejected: CMS MA Contract Directory (nothing was changed)" in page.text
    assert "This does not look like the expected file" in page.text
    assert "Apply these changes" not in page.text
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED
    assert not ImportUpload.objects.exists()


def test_a_missing_file_or_kind_redisplays_the_form(admin_client: Client) -> None:
    page = admin_client.post(reverse(URL), {"kind": "contract_directory"})
    assert page.status_code == 400
    assert "This field is required." in page.text
    page = admin_client.post(
        reverse(URL), {"kind": "star_ratings", "file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert page.status_code == 400 and "Select a valid choice" in page.text
    assert not ImportRun.objects.exists() and not ImportUpload.objects.exists()


def test_only_a_finished_dry_run_can_be_applied(admin_client: Client, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Legal Entity Name,Something Else\nA,B\n", encoding="utf-8")
    rejected = dry_run_of(upload(admin_client, bad))
    page = confirm(admin_client, rejected)
    assert page.status_code == 400
    assert "Only a finished dry run without rejected rows can be applied" in page.text
    assert confirm(admin_client, ImportRun(pk=999_999)).status_code == 404
    url = reverse("admin:plans_importrun_apply", args=[rejected.pk])
    assert admin_client.get(url).status_code == 405
    assert not Organization.objects.exists()
    assert not ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).exists()


def test_an_expired_dry_run_changes_nothing(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    dry_run = dry_run_of(upload(admin_client))
    monkeypatch.setattr(tasks, "UPLOAD_MAX_AGE", timedelta(seconds=-1))
    page = confirm(admin_client, dry_run)
    assert page.status_code == 400
    assert "more than an hour old" in page.text
    assert not Organization.objects.exists()
    run = admin_client.get(reverse("admin:plans_importrun_change", args=[dry_run.pk]))
    assert "more than an hour old" in run.text and "Apply these changes" not in run.text


def test_a_stored_file_changed_after_the_dry_run_is_not_applied(admin_client: Client) -> None:
    dry_run = dry_run_of(upload(admin_client))
    ImportUpload.objects.update(content=b"Legal Entity Name\nSwapped\n")
    page = run_page(admin_client, confirm(admin_client, dry_run))
    assert "Rejected: CMS MA Contract Directory (nothing was changed)" in page.text
    assert "changed after it was uploaded" in page.text
    assert not Organization.objects.exists()


def test_a_dry_run_belongs_to_its_user(admin_client: Client) -> None:
    dry_run = dry_run_of(upload(admin_client))
    other = User.objects.create_superuser("other", "other@example.org", "a-long-password-2")
    second = Client()
    second.force_login(other)
    run = second.get(reverse("admin:plans_importrun_change", args=[dry_run.pk]))
    assert run.status_code == 200 and "Apply these changes" not in run.text
    page = confirm(second, dry_run)
    assert page.status_code == 400 and "not yours" in page.text
    assert not Organization.objects.exists()


def test_the_demo_blocks_applying_unless_removal_is_chosen(
    admin_client: Client, demo_catalog: None
) -> None:
    page = run_page(admin_client, upload(admin_client))
    assert "real data is never mixed with it" in page.text
    assert "Apply these changes" not in page.text
    blocked = ImportRun.objects.get()
    assert confirm(admin_client, blocked).status_code == 400
    uploaded = upload(admin_client, remove_demo="on")
    page = run_page(admin_client, uploaded)
    assert "The sample (demo) catalog is deleted first." in page.text
    done = run_page(admin_client, confirm(admin_client, dry_run_of(uploaded)))
    assert "Made 11 changes" in done.text
    assert not Organization.objects.filter(is_sample=True).exists()


def test_only_national_admins_and_state_reviewers_may_import(client: Client) -> None:
    assert client.get(reverse(URL)).status_code == 302  # to the admin login
    staff = User.objects.create_user("clerk", password="a-long-password-3", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(URL)).status_code == 403
    assert upload(client).status_code == 403
    # Django's model permission is not enough: state roles decide (plans/roles.py).
    staff.user_permissions.add(Permission.objects.get(codename="add_importrun"))
    assert client.get(reverse(URL)).status_code == 403
    florida = State.objects.create(code="FL", fips="12", name="Florida")
    StateRole.objects.create(user=staff, state=florida, role=StateRole.Role.EDITOR)
    staff = User.objects.get(pk=staff.pk)  # roles are read once per user object
    client.force_login(staff)
    assert client.get(reverse(URL)).status_code == 403
    assert upload(client).status_code == 403
    assert not ImportRun.objects.exists()


def test_a_state_reviewer_imports_landscape_files_only(client: Client) -> None:
    reviewer = User.objects.create_user("rev", password="a-long-password-3", is_staff=True)
    florida = State.objects.create(code="FL", fips="12", name="Florida")
    StateRole.objects.create(user=reviewer, state=florida, role=StateRole.Role.REVIEWER)
    client.force_login(reviewer)
    form = client.get(reverse(URL))
    assert form.status_code == 200
    assert "CMS MA Landscape" in form.text
    assert "CMS MA Contract Directory" not in form.text
    assert "sample (demo) catalog" not in form.text
    refused = upload(client)  # a Contract Directory: national data
    assert refused.status_code == 400
    assert not ImportRun.objects.exists()


def test_the_import_history_links_to_the_import_page_and_shows_states(
    admin_client: Client,
) -> None:
    upload(admin_client)
    page = admin_client.get(reverse("admin:plans_importrun_changelist"))
    assert page.status_code == 200
    assert reverse(URL) in page.text and "Import a file" in page.text
    assert 'class="field-state">Finished<' in page.text


def test_an_importer_that_is_not_installed_is_named_plainly(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(tasks.IMPORTERS, "landscape", ("plans.imports.not_written_yet", "apply"))
    page = upload(admin_client, kind="landscape")
    assert page.status_code == 400
    assert "The CMS MA Landscape importer is not installed yet." in page.text
    assert not ImportRun.objects.exists() and not ImportUpload.objects.exists()


def test_the_landscape_kind_calls_apply_landscape(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plans.imports import landscape

    calls: list[tuple[ImportReport, bytes]] = []

    def fake(report: ImportReport, path: Path) -> None:
        calls.append((report, path.read_bytes()))
        report.note("Seen by the fake", path.suffix)

    monkeypatch.setattr(landscape, "apply_landscape", fake)
    uploaded = upload(admin_client, kind="landscape")
    page = run_page(admin_client, uploaded)
    assert "Dry run: CMS MA Landscape" in page.text and "Seen by the fake" in page.text
    confirm(admin_client, dry_run_of(uploaded))
    assert [report.dry_run for report, _ in calls] == [True, False]
    assert calls[0][1] == calls[1][1] == DIRECTORY.read_bytes()  # the same stored upload
