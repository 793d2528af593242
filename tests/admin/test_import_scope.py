"""A state reviewer's import touches only their states; runs are seen by their states."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from plans import roles, tasks
from plans.models import ImportRun, Plan, State, StateRole

# The Landscape tests' helpers and their `geography` fixture (states with all counties).
from tests.imports.test_landscape import dsnp, geography, write_landscape  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("geography")]


@pytest.fixture(autouse=True)
def immediate_tasks() -> Iterator[None]:
    backend = "django.tasks.backends.immediate.ImmediateBackend"
    with override_settings(TASKS={"default": {"BACKEND": backend}}):
        yield


def reviewer_of(code: str, name: str) -> User:
    user = User.objects.create_user(name, password="a long test password 123", is_staff=True)
    StateRole.objects.create(user=user, state=State.objects.get(code=code), role="reviewer")
    return user


def test_reviewer_landscape_import_skips_other_states(tmp_path: Path) -> None:
    path = write_landscape(
        tmp_path / "two-states.csv",
        [
            dsnp(state="FL", county="Broward", contract="H1001"),
            dsnp(state="GA", state_name="Georgia", county="Fulton", contract="H1002"),
        ],
    )
    florida = reviewer_of("FL", "fl_rev")
    client = Client()
    client.force_login(florida)
    with path.open("rb") as handle:
        response = client.post(
            reverse("admin:plans_importrun_import"), {"kind": "landscape", "file": handle}
        )
    assert response.status_code == 303, response.content[:800]
    dry_run = ImportRun.objects.get()
    assert dry_run.states == ["FL"], dry_run.report
    client.post(reverse("admin:plans_importrun_apply", args=[dry_run.pk]))
    applied = ImportRun.objects.exclude(pk=dry_run.pk).get()
    assert applied.outcome == ImportRun.Outcome.APPLIED, applied.report
    assert Plan.objects.filter(contract_id="H1001").exists()
    assert not Plan.objects.filter(contract_id="H1002").exists()

    # Georgia's reviewer does not see Florida's runs; Florida's does.
    georgia = reviewer_of("GA", "ga_rev")
    assert not roles.may_see_run(georgia, applied)
    other = Client()
    other.force_login(georgia)
    page = other.get(reverse("admin:plans_importrun_changelist"))
    assert "two-states.csv" not in page.text
    assert other.get(reverse("admin:plans_importrun_change", args=[applied.pk])).status_code in (
        302,
        404,
    )
    page = client.get(reverse("admin:plans_importrun_changelist"))
    assert "two-states.csv" in page.text


def test_a_tampered_upload_of_another_kind_is_refused_by_the_worker() -> None:
    reviewer = reviewer_of("FL", "fl_rev")
    run = tasks.queue_dry_run(
        kind=ImportRun.Kind.CATALOG,
        file_name="catalog.csv",
        content=b"record\\n",
        user=reviewer,
        remove_demo=False,
        limit_states=["FL"],
    )
    run.refresh_from_db()
    assert run.outcome == ImportRun.Outcome.REJECTED
    assert "Only national admins" in run.report
