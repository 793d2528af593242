"""This process's copy of the catalog version, kept current by PostgreSQL's LISTEN/NOTIFY.

Every public request needs the catalog version (plans/catalog_version.py) before it can
use a kept page or kept facts; read from the database it is one round trip, and on a
busy two-core server that round trip was a third of a whole question page
(scripts/bench-http). A trigger on the counter's table (migration 0008) sends the new
version on the ``icf_catalog_version`` channel whenever the row changes, delivered when
the writing transaction commits; one thread per process listens on a connection of its
own and keeps the last value. A request then reads the version from memory.

It is trusted only while the listening connection is up: until it has connected and
read the row, and after any error, ``known()`` answers None and the caller reads the row
as before. A version this process raised itself is taken at once (``saw``), so its next
request never shows the catalog from before its own change; another server's change
arrives a few milliseconds after its commit. Every
``REFRESH_SECONDS`` the thread reads the row again, so a change that fired no trigger
(a restored database) is seen within that time. On SQLite, inside a transaction (the
connection may see rows of its own) and with ``CATALOG_VERSION_WATCH`` off (the test
suite, except the tests of this module), nothing here is used.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

CHANNEL = "icf_catalog_version"
# How the listening connections show in pg_stat_activity.
APPLICATION = "icf-catalog-version-watch"
REFRESH_SECONDS = 5.0
RETRY_SECONDS = 1.0
# How long the thread waits for a notification before it looks whether it was stopped.
WAIT_SECONDS = 0.5


class Watcher:
    def __init__(self, params: dict[str, Any], table: str, row: int) -> None:
        self._params = params
        self._select = f"SELECT version FROM {table} WHERE id = {int(row)}"
        self._lock = threading.Lock()
        self._known: int | None = None
        self._stopped = threading.Event()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="catalog-version", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._forget()

    @property
    def known(self) -> int | None:
        return self._known

    def saw(self, version: int) -> None:
        """A newer version than known (a notification, or this process raised it): the
        notifications of several writers may arrive out of order, never go back."""
        with self._lock:
            if self._known is not None and version > self._known:
                self._known = version

    def _notified(self, version: int) -> None:
        # Listening, so the notification is the row's value even when the first read
        # found no row yet (a database just created or flushed: the row's INSERT
        # notifies too).
        with self._lock:
            if self._known is None or version > self._known:
                self._known = version

    def _set(self, version: int | None) -> None:
        with self._lock:
            self._known = version

    def _forget(self) -> None:
        self._set(None)

    def _run(self) -> None:
        import psycopg

        while not self._stopped.is_set():
            try:
                with psycopg.connect(**self._params, autocommit=True) as listening:
                    listening.execute(f"LISTEN {CHANNEL}")
                    # After LISTEN: a change committed from here on is notified, one
                    # committed before it is in the row read now.
                    self._read(listening)
                    read_at = time.monotonic()
                    while not self._stopped.is_set():
                        for note in listening.notifies(timeout=WAIT_SECONDS):
                            self._notified(int(note.payload))
                        if time.monotonic() - read_at >= REFRESH_SECONDS:
                            self._read(listening)
                            read_at = time.monotonic()
            except Exception as error:  # noqa: BLE001 - any failure: read the row instead
                self._forget()
                if not self._stopped.is_set():
                    logger.warning("Catalog version watch interrupted: %s", error)
                    self._stopped.wait(RETRY_SECONDS)
        self._forget()

    def _read(self, listening: Any) -> None:
        found = listening.execute(self._select).fetchone()
        self._set(int(found[0]) if found else None)


_watcher: Watcher | None = None
_start_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "CATALOG_VERSION_WATCH", False)) and (
        connection.vendor == "postgresql"
    )


def known(table: str, row: int) -> int | None:
    """The version as last notified, or None: then read the row."""
    # Asked every time, not only before starting: a watch started earlier in this process
    # (the test run's set-up) must not answer once the setting is off.
    if not enabled():
        return None
    watcher = _watcher
    if watcher is None or watcher.pid != os.getpid():
        watcher = _start(table, row)
    return watcher.known


def _start(table: str, row: int) -> Watcher:
    global _watcher
    with _start_lock:
        # A process forked from one that watched has the object but not the thread.
        if _watcher is None or _watcher.pid != os.getpid():
            params = {**connection.get_connection_params(), "application_name": APPLICATION}
            _watcher = Watcher(params, table, row)
            _watcher.start()
        return _watcher


def watching() -> bool:
    """Whether this process has a watch whose value requests may use."""
    watcher = _watcher
    return watcher is not None and watcher.pid == os.getpid() and enabled()


def saw(version: int) -> None:
    watcher = _watcher
    if watcher is not None and watcher.pid == os.getpid():
        watcher.saw(version)


def stop() -> None:
    """Stop this process's watch (tests); the next ``known()`` starts a new one."""
    global _watcher
    with _start_lock:
        if _watcher is not None:
            _watcher.stop()
            _watcher.thread.join(timeout=WAIT_SECONDS + RETRY_SECONDS + 1)
        _watcher = None


def wait_until_known(timeout: float = 5.0) -> int | None:
    """The watched version once the thread has connected (tests and benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        watcher = _watcher
        if watcher is not None and watcher.known is not None:
            return watcher.known
        time.sleep(0.01)
    return None
