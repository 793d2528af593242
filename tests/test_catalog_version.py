"""The catalog version: raised once per committed transaction that changed the catalog,
never by one that was rolled back, and once by every applied import."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.test.utils import CaptureQueriesContext

from plans import catalog_version
from plans.imports.common import ImportReport, run_import
from plans.models import County, ImportRun, MedicaidPlan, Plan
from tests.factories import CountyFactory, MedicaidPlanFactory, PlanFactory

# Models public pages never show: the record of imports, the counter itself, and the
# admin's own bookkeeping (roles, changes waiting for review).
NOT_CATALOG = {"ImportRun", "ImportUpload", "CatalogVersion", "StateRole", "PendingChange"}


class _Rollback(Exception):
    pass


def raises(queries: CaptureQueriesContext) -> int:
    return sum(
        q["sql"].startswith("UPDATE") and "plans_catalogversion" in q["sql"]
        for q in queries.captured_queries
    )


# --- Reading ------------------------------------------------------------------------


@pytest.mark.django_db
def test_current_creates_the_row_once_and_is_stable() -> None:
    first = catalog_version.current()
    assert first > 1_000_000_000_000_000  # started from the clock, in microseconds
    with CaptureQueriesContext(connection) as queries:
        assert catalog_version.current() == first
    assert len(queries) == 1


# --- Raising (these commit, as production does) ------------------------------------------


def _new_request() -> None:
    # What Django does when a request starts (the test client leaves it out): the
    # persistent connection's health check is due again.
    connection.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_the_version_read_stands_in_for_the_health_check(client) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL keeps connections between requests (CONN_MAX_AGE).")
    assert connection.health_check_enabled
    client.get("/en/")
    _new_request()
    with mock.patch.object(
        connections["default"], "is_usable", side_effect=AssertionError("SELECT 1 sent")
    ):
        assert client.get("/en/").status_code == 200
    assert connection.health_check_done


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_between_requests_is_replaced_on_the_version_read(client) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL keeps connections between requests (CONN_MAX_AGE).")
    client.get("/en/")
    lost = connection.connection
    pid = lost.info.backend_pid
    # Ended from another connection, as a database restart or an idle timeout would.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    _new_request()
    version = catalog_version.current()
    assert version > 0
    assert connection.connection is not lost
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db
def test_inside_a_transaction_the_version_read_is_not_the_health_check() -> None:
    # A retry on a new connection would lose the transaction: the plain read, and Django's
    # own check stays due.
    assert connection.in_atomic_block
    before = connection.health_check_done
    catalog_version.current()
    assert connection.health_check_done == before


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_raises_it_at_once() -> None:
    before = catalog_version.current()
    PlanFactory()
    assert catalog_version.current() > before


@pytest.mark.django_db(transaction=True)
def test_many_saves_in_one_transaction_raise_it_once() -> None:
    plans = [PlanFactory() for _ in range(3)]
    before = catalog_version.current()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(40):
            plan = plans[n % 3]
            plan.name = f"Renamed {n}"
            plan.save()
        assert catalog_version.current() == before  # not before the commit
    assert raises(queries) == 1
    assert catalog_version.current() > before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_it_alone() -> None:
    plan = PlanFactory()
    before = catalog_version.current()
    with pytest.raises(_Rollback), transaction.atomic():
        plan.name = "Never seen"
        plan.save()
        raise _Rollback
    assert catalog_version.current() == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_takes_its_raise_with_it() -> None:
    plan = PlanFactory()
    before = catalog_version.current()
    with transaction.atomic(), pytest.raises(_Rollback), transaction.atomic():
        plan.name = "Never seen"
        plan.save()
        raise _Rollback
    assert catalog_version.current() == before
    # A change after the rolled-back savepoint, in the same transaction, still counts.
    with transaction.atomic():
        with pytest.raises(_Rollback), transaction.atomic():
            plan.save()
            raise _Rollback
        plan.name = "Seen"
        plan.save()
    assert catalog_version.current() > before


@pytest.mark.django_db(transaction=True)
def test_deletes_and_medicaid_plan_counties_raise_it() -> None:
    plan = PlanFactory()
    medicaid_plan: MedicaidPlan = MedicaidPlanFactory()
    county: County = CountyFactory()
    before = catalog_version.current()
    plan.delete()
    after_delete = catalog_version.current()
    assert after_delete > before
    medicaid_plan.service_area.add(county)
    assert catalog_version.current() > after_delete


def _import(tmp_path: Path, *, dry_run: bool, reject: bool) -> None:
    plan = Plan.objects.get()
    source = tmp_path / "file.csv"
    source.write_text("anything\n")

    def apply(report: ImportReport) -> None:
        # Bulk writes, as importers do: no signal is sent.
        Plan.objects.filter(pk=plan.pk).update(name="Imported name")
        report.changed += 1
        if reject:
            report.reject(2, "bad row")

    run_import(kind=ImportRun.Kind.CATALOG, path=source, apply=apply, dry_run=dry_run)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("dry_run", "reject", "raised"),
    [(False, False, True), (True, False, False), (False, True, False)],
    ids=["applied", "dry-run", "rejected"],
)
def test_an_applied_import_raises_it_even_when_it_writes_in_bulk(
    tmp_path: Path, dry_run: bool, reject: bool, raised: bool
) -> None:
    PlanFactory()
    before = catalog_version.current()
    _import(tmp_path, dry_run=dry_run, reject=reject)
    assert (catalog_version.current() > before) is raised
    assert (Plan.objects.get().name == "Imported name") is raised


# --- Which models -------------------------------------------------------------------


def test_every_catalog_model_raises_it_on_save_and_delete() -> None:
    for model in catalog_version.CATALOG_MODELS:
        assert post_save.has_listeners(model), model
        assert post_delete.has_listeners(model), model
    assert m2m_changed.has_listeners(MedicaidPlan.service_area.through)


def test_every_model_of_the_plans_app_is_catalog_or_named_as_not() -> None:
    # A new model shown on public pages must join CATALOG_MODELS, or its changes would
    # not reach cached pages.
    covered = {model.__name__ for model in catalog_version.CATALOG_MODELS}
    for model in apps.get_app_config("plans").get_models():
        name = model.__name__
        if name.startswith("Historical"):  # django-simple-history's audit copies
            continue
        assert name in covered or name in NOT_CATALOG, name
