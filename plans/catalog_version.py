"""The catalog version: one number that changes whenever a public page may change.

Public pages build their ETag and their page-cache key from it (finder/page_cache.py),
so a change is visible on the next request with nothing to purge. Every save or delete
of a catalog model raises it through signals (connected in ``PlansConfig.ready``);
imports, which also write in bulk without signals, raise it once more themselves.

The counter is raised when the transaction commits, once however many rows it wrote:
until then no other connection can see the change anyway, and a long import must not
hold a lock on the one counter row that every admin save also wants.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from plans import models, version_watch

ROW = 1

# Everything a public page or the API shows. Not ImportRun (a record of the work, shown
# only in the admin), nor the admin's own bookkeeping.
CATALOG_MODELS: tuple[type[Any], ...] = (
    models.State,
    models.StatePolicy,
    models.CardTerm,
    models.StateContact,
    models.County,
    models.ZipCounty,
    models.ParentOrganization,
    models.Organization,
    models.MedicaidPlan,
    models.Contract,
    models.Plan,
    models.ServiceArea,
    models.SupplementalBenefit,
    models.ContractRating,
    models.ContractMeasure,
    models.MeasureMedian,
    models.Article,
    models.GlossaryTerm,
    models.LanguageTagline,
)


def _clock() -> int:
    return time.time_ns() // 1000


def _table() -> str:
    return connection.ops.quote_name(models.CatalogVersion._meta.db_table)


def _read() -> tuple[Any, ...] | None:
    # Plain SQL, not the ORM: every public request asks, and building the ORM query cost
    # several times the query itself (scripts/bench-http).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {_table()} WHERE id = %s", [ROW])
        return cursor.fetchone()


def current() -> int:
    """The version now: one primary-key read; the row is created on first use.

    It is the first query of nearly every public request, so on a persistent connection
    it doubles as the connection's health check (CONN_HEALTH_CHECKS): Django would
    otherwise send a "SELECT 1" before it, a second round trip on every request. A
    connection that fails it is closed and the read made once more on a new one, as
    Django's own check would have done.

    On PostgreSQL the row is not read at all while this process listens for its changes
    (plans/version_watch.py): the version then comes from memory.
    """
    if not connection.in_atomic_block:
        watched = version_watch.known(_table(), ROW)
        if watched is not None:
            return watched
    standing_in = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if standing_in:
        connection.health_check_done = True
        try:
            found = _read()
        except (OperationalError, InterfaceError):
            connection.close()
            found = _read()
    else:
        found = _read()
    if found:
        return int(found[0])
    # Started from the clock, not 1: a database flushed or recreated next to a cache
    # that outlived it must not reuse a number that once meant another catalog.
    row, _created = models.CatalogVersion.objects.get_or_create(
        pk=ROW, defaults={"version": _clock()}
    )
    return row.version


def _raise_counter() -> None:
    # max(version + 1, now in µs): never a number used before, even after a database
    # restore brought back an older one.
    raised = models.CatalogVersion.objects.filter(pk=ROW).update(
        version=Greatest(F("version") + 1, Value(_clock())), changed_at=timezone.now()
    )
    if not raised:
        current()
    # The watch would learn it a moment later, from the notification: this process's
    # next request must not show the version before its own change. Without a watch
    # (SQLite, the setting off) the next request reads the row anyway.
    if version_watch.watching():
        found = _read()
        if found:
            version_watch.saw(int(found[0]))


class _PendingBump:
    """The one raise a transaction will run when it commits."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _raise_counter()


def bump() -> None:
    """Raise the version when the current transaction commits (at once outside one).

    Once per transaction: a 10,000-row import raises it once. A savepoint rolled back
    takes its pending raise with it (Django drops its on-commit callbacks), so a later
    change in the same transaction registers a new one.
    """
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _PendingBump) and not callback.done:
                return
    # Robust: the change is committed by then; a failed raise is logged, not shown.
    transaction.on_commit(_PendingBump(), robust=True)


def _changed(sender: type[Any], **kwargs: Any) -> None:
    bump()


def _counties_changed(sender: type[Any], action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        bump()


def connect_signals() -> None:
    for model in CATALOG_MODELS:
        uid = f"catalog-version-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    # A Medicaid plan's counties are a many-to-many field: a save of the plan does not
    # cover them.
    m2m_changed.connect(
        _counties_changed,
        sender=models.MedicaidPlan.service_area.through,
        dispatch_uid="catalog-version-medicaid-plan-counties",
    )
