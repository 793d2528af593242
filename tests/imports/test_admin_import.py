"""'Import a file' in the admin: upload → dry-run report → confirm, and every way to fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from plans import admin_import
from plans.imports.common import ImportReport
from plans.models import ImportRun, Organization

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
DIRECTORY = FILES / "contract_directory_small.csv"
URL = "admin:plans_importrun_import"


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setattr(admin_import, "UPLOAD_DIR", folder)
    return folder


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = User.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
    client.force_login(user)
    return client


def upload(
    client: Client, path: Path = DIRECTORY, kind: str = "contract_directory", **extra: str
) -> HttpResponse:
    with path.open("rb") as handle:
        return client.post(
            reverse(URL),
            {"step": "upload", "kind": kind, "file": handle, **extra},
        )


def token_of(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no confirm form on the page"
    return match.group(1)


def confirm(client: Client, token: str) -> HttpResponse:
    return client.post(reverse(URL), {"step": "confirm", "token": token})


def test_upload_dry_run_then_confirm(admin_client: Client, upload_dir: Path) -> None:
    page = admin_client.get(reverse(URL))
    assert page.status_code == 200
    assert "Upload a file for a dry run" in page.text
    assert 'name="csrfmiddlewaretoken"' in page.text  # the admin's CSRF protection applies

    dry = upload(admin_client)
    assert dry.status_code == 200
    assert "Dry run: CMS MA Contract Directory" in dry.text
    assert "Would make 11 changes" in dry.text
    assert "Apply these changes" in dry.text
    assert not Organization.objects.exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN
    stored = list(upload_dir.iterdir())
    assert len(stored) == 1 and stored[0].name.endswith(".csv")

    done = confirm(admin_client, token_of(dry.text))
    assert done.status_code == 200
    assert "Imported: CMS MA Contract Directory" in done.text
    assert "Made 11 changes" in done.text
    assert Organization.objects.count() == 3
    applied = ImportRun.objects.get(outcome=ImportRun.Outcome.APPLIED)
    assert applied.file_name == "contract_directory_small.csv"
    assert applied.user.username == "admin"
    assert not list(upload_dir.iterdir())  # the upload is gone once applied


def test_a_confirmed_upload_cannot_be_applied_twice(admin_client: Client) -> None:
    token = token_of(upload(admin_client).text)
    confirm(admin_client, token)
    again = confirm(admin_client, token)
    assert again.status_code == 400
    assert "no longer here" in again.text and "Nothing was changed" in again.text
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).count() == 1


def test_a_bad_file_gets_its_report_and_no_confirm_button(
    admin_client: Client, tmp_path: Path, upload_dir: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Legal Entity Name,Something Else\nA,B\n", encoding="utf-8")
    page = upload(admin_client, bad)
    assert page.status_code == 200
    assert "Rejected: CMS MA Contract Directory (nothing was changed)" in page.text
    assert "This does not look like the expected file" in page.text
    assert "Apply these changes" not in page.text
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED
    assert not list(upload_dir.iterdir())


def test_a_missing_file_or_kind_redisplays_the_form(admin_client: Client) -> None:
    page = admin_client.post(reverse(URL), {"step": "upload", "kind": "contract_directory"})
    assert page.status_code == 400
    assert "This field is required." in page.text
    page = admin_client.post(
        reverse(URL),
        {"step": "upload", "kind": "star_ratings", "file": SimpleUploadedFile("a.csv", b"x")},
    )
    assert page.status_code == 400 and "Select a valid choice" in page.text


def test_a_tampered_confirmation_changes_nothing(admin_client: Client) -> None:
    token = token_of(upload(admin_client).text)
    payload, _, signature = token.rpartition(":")
    forged = signing.dumps({"kind": "catalog", "checksum": "0" * 64}, salt="wrong")
    for bad in (token[:-2] + "xx", forged, payload + ":" + signature[::-1], ""):
        page = confirm(admin_client, bad)
        assert page.status_code == 400
        assert "Nothing was changed" in page.text or "confirmation is missing" in page.text
    assert not Organization.objects.exists()
    assert not ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).exists()


def test_an_expired_confirmation_changes_nothing(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_of(upload(admin_client).text)
    monkeypatch.setattr(admin_import, "UPLOAD_MAX_AGE", -1)
    page = confirm(admin_client, token)
    assert page.status_code == 400
    assert "more than an hour old" in page.text
    assert not Organization.objects.exists()


def test_a_stored_file_changed_after_the_dry_run_is_not_applied(
    admin_client: Client, upload_dir: Path
) -> None:
    token = token_of(upload(admin_client).text)
    (stored,) = upload_dir.iterdir()
    stored.write_text("Legal Entity Name\nSwapped\n", encoding="utf-8")
    page = confirm(admin_client, token)
    assert page.status_code == 400
    assert "changed after its dry run" in page.text
    assert not Organization.objects.exists()


def test_a_confirmation_belongs_to_its_user(admin_client: Client, client: Client) -> None:
    token = token_of(upload(admin_client).text)
    other = User.objects.create_superuser("other", "other@example.org", "a-long-password-2")
    second = Client()
    second.force_login(other)
    page = confirm(second, token)
    assert page.status_code == 400 and "not yours" in page.text
    assert not Organization.objects.exists()


def test_the_demo_blocks_applying_unless_removal_is_chosen(
    admin_client: Client, demo_catalog: None
) -> None:
    page = upload(admin_client)
    assert "real data is never mixed with it" in page.text
    assert "Apply these changes" not in page.text
    page = upload(admin_client, remove_demo="on")
    assert "The sample (demo) catalog is deleted first." in page.text
    done = confirm(admin_client, token_of(page.text))
    assert "Made 11 changes" in done.text
    assert not Organization.objects.filter(is_sample=True).exists()


def test_only_staff_with_the_import_permission_may_import(client: Client) -> None:
    assert client.get(reverse(URL)).status_code == 302  # to the admin login
    staff = User.objects.create_user("clerk", password="a-long-password-3", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(URL)).status_code == 403
    assert upload(client).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="add_importrun"))
    assert client.get(reverse(URL)).status_code == 200


def test_the_import_history_links_to_the_import_page(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:plans_importrun_changelist"))
    assert page.status_code == 200
    assert reverse(URL) in page.text and "Import a file" in page.text


def test_an_importer_that_is_not_installed_is_named_plainly(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        admin_import.IMPORTERS, "landscape", ("plans.imports.not_written_yet", "apply")
    )
    page = upload(admin_client, kind="landscape")
    assert page.status_code == 400
    assert "The CMS MA Landscape importer is not installed yet." in page.text


def test_the_landscape_kind_calls_apply_landscape(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plans.imports import landscape

    calls: list[tuple[ImportReport, Path]] = []

    def fake(report: ImportReport, path: Path) -> None:
        calls.append((report, path))
        report.note("Seen by the fake", path.suffix)

    monkeypatch.setattr(landscape, "apply_landscape", fake)
    page = upload(admin_client, kind="landscape")
    assert "Dry run: CMS MA Landscape" in page.text and "Seen by the fake" in page.text
    confirm(admin_client, token_of(page.text))
    assert [report.dry_run for report, _ in calls] == [True, False]
    assert calls[0][1] == calls[1][1]  # the same stored upload
