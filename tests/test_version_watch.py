"""The catalog version from PostgreSQL's notifications (plans/version_watch.py): a change
from any connection reaches this process, its own change at once, and a lost listening
connection means reading the row again, never an old number."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from plans import catalog_version, version_watch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def watching(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite the row is read each time.")
    settings.CATALOG_VERSION_WATCH = True
    version_watch.stop()
    catalog_version.current()  # creates the row; starts the watch
    assert version_watch.wait_until_known() is not None, "the watch never connected"
    yield
    version_watch.stop()


def _other_connection() -> psycopg.Connection:
    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


def _row() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM plans_catalogversion WHERE id = 1")
        return int(cursor.fetchone()[0])


def _eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False


def test_the_version_comes_from_memory_while_watched(watching: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        version = catalog_version.current()
    assert version == _row()
    assert len(queries) == 0


def test_a_change_by_another_server_arrives_by_notification(watching: None) -> None:
    before = catalog_version.current()
    with _other_connection() as other:
        other.execute("UPDATE plans_catalogversion SET version = version + 7 WHERE id = 1")
    assert _eventually(lambda: version_watch.known("", 1) == before + 7)
    assert catalog_version.current() == before + 7 == _row()


def test_this_process_sees_its_own_raise_at_once(watching: None) -> None:
    before = catalog_version.current()
    catalog_version.bump()  # outside a transaction: raised at once
    # No waiting for the notification: the very next read has it.
    assert catalog_version.current() == _row() > before


def test_a_lost_listening_connection_means_reading_the_row(watching: None) -> None:
    with _other_connection() as other:
        ended = other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [version_watch.APPLICATION],
        ).fetchall()
        assert ended == [(True,)]
        assert _eventually(lambda: version_watch.known("", 1) is None, seconds=2)
        other.execute("UPDATE plans_catalogversion SET version = version + 1 WHERE id = 1")
    # Whatever the watch knows meanwhile, the answer is the row's.
    assert catalog_version.current() == _row()
    # And it connects again by itself.
    assert _eventually(lambda: version_watch.known("", 1) == _row())


def test_inside_a_transaction_the_row_is_read(watching: None) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        catalog_version.current()
    assert len(queries) == 1


def test_a_running_watch_is_not_used_once_the_setting_is_off(watching: None, settings) -> None:  # type: ignore[no-untyped-def]
    # A watch started earlier in the process (a test run's set-up, with the setting's
    # default) must not answer for tests whose transactions outrun its notifications.
    assert version_watch.known("", 1) is not None
    settings.CATALOG_VERSION_WATCH = False
    assert version_watch.known("", 1) is None
    with CaptureQueriesContext(connection) as queries:
        version = catalog_version.current()
    assert len(queries) == 1  # the row is read
    assert version == _row()


def test_off_by_default_in_the_test_suite() -> None:
    version_watch.stop()
    catalog_version.current()
    assert version_watch.known("", 1) is None
    assert version_watch._watcher is None
