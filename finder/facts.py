"""What public pages read from the catalog, built once per catalog version per process.

A results page used to rebuild, for every request, things that change only when the
catalog does: a county's plans and their engine facts, the state's facts and Medicaid
plans, its contacts and taglines, the glossary terms, the sample-data flag. Each is now
kept under a key made of the catalog version (``plans.catalog_version``), the day
(scheduled rows appear on a date), the deployed code and what it is about, so, as with
the page cache, nothing is ever purged: an admin edit, an import or a publish raises
the version and the next request builds afresh.

Two levels: a small per-process memory (the object itself, no copying: the common case
costs a dictionary look-up) in front of Django's ``facts`` cache, which is shared by
several app servers when ``CACHE_URL`` points at Redis (a process that has not built a
value yet then unpickles it instead of querying). Values must be treated as read-only.

Inside a transaction nothing is kept or reused (as in the page cache): the connection
may see rows of its own that are not committed, and their raise of the version happens
only at commit. ``trust_transaction()`` lifts that for code that knows the transaction
holds nothing it will change while reading (the benchmark commands).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import get_script_prefix
from django.utils import timezone

from plans import catalog_version

# Enough for the counties, ZIPs and states people look at between two catalog changes in
# one process, small enough to bound its memory (a busy county's plans are ~1 MB).
LOCAL_ENTRIES = 4096
# Entries in the shared cache outlive no change (the key moves), so this only bounds
# what a long-unchanged catalog keeps there.
SHARED_SECONDS = 24 * 3600

# Keyed by the tuple of the key's parts: a hit costs no hashing of a digest (the shared
# cache's key, ``key()``, is built only on a miss).
_local: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_local_version: int | None = None
_lock = threading.Lock()
_request = threading.local()
_MISSING = object()


def request_started(**kwargs: Any) -> None:
    """Connected to Django's ``request_started``: one read of the version per request."""
    _request.in_request = True
    # This thread's connection wrapper (the same object all request long): asking the
    # connection proxy for it on each of a page's ~30 look-ups cost more than the look-up.
    _request.connection = connections[DEFAULT_DB_ALIAS]
    _request.version = None
    _request.seen = {}
    _request.script_prefix = None
    _request.today = None


def request_finished(**kwargs: Any) -> None:
    _request.in_request = False
    _request.connection = None
    _request.version = None
    _request.seen = None
    _request.script_prefix = None
    _request.today = None


def use_version(version: int) -> None:
    """The version the page cache middleware read for this request: reused here, so a
    page costs no second read of it."""
    if getattr(_request, "in_request", False):
        _request.version = version


@contextmanager
def trust_transaction() -> Iterator[None]:
    """Keep and reuse values inside the current transaction (see the module docstring).
    Only entries of this process's memory, under a token of their own: never shared."""
    previous = getattr(_request, "trusted", None)
    _request.trusted = f"tx{id(object())}-{timezone.now().timestamp()}"
    try:
        yield
    finally:
        _request.trusted = previous


def _per_request[T](name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request, kept under ``name`` until the request ends; asked
    afresh every time outside a request (a task worker or a command must see every
    change)."""
    found: T | None = getattr(_request, name, None)
    if found is None:
        found = compute()
        if getattr(_request, "in_request", False):
            setattr(_request, name, found)
    return found


def _version() -> int:
    return _per_request("version", catalog_version.current)


def today() -> date:
    """``timezone.localdate()`` of this request: the page cache's key, the facts' keys
    and the views all ask for it."""
    return _per_request("today", timezone.localdate)


def script_prefix() -> str:
    """``get_script_prefix()`` of this request: every kept part's key has it."""
    return _per_request("script_prefix", get_script_prefix)


def _build_id() -> str:
    from finder.page_cache import build_id  # the page cache's: templates and code

    return build_id()


def key(name: str, *parts: object) -> str:
    """The shared-cache key of one value: short whatever the parts are."""
    text = "\x1f".join(str(p) for p in parts)
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return f"facts:{name}:{digest}"


def _remember(local_key: tuple[object, ...], value: Any) -> None:
    with _lock:
        _local[local_key] = value
        _local.move_to_end(local_key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _forget_older(version: int) -> None:
    """A newer version makes every local entry unreachable: drop them at once."""
    global _local_version
    with _lock:
        if _local_version is None or version > _local_version:
            _local.clear()
            _local_version = version


def cached[T](name: str, parts: tuple[object, ...], build: Callable[[], T]) -> T:
    """``build()`` once per catalog version, day and deployment for these parts."""
    trusted: str | None = getattr(_request, "trusted", None)
    current = getattr(_request, "connection", None) or connection
    if current.in_atomic_block and trusted is None:
        return build()
    # A page asks for the same few values many times (the glossary once per text):
    # within one request the version, day and deployment cannot change, so the answer
    # found the first time is the answer.
    seen: dict[tuple[object, ...], Any] | None = getattr(_request, "seen", None)
    if seen is not None and trusted is None:
        found = seen.get((name, *parts), _MISSING)
        if found is not _MISSING:
            return cast(T, found)
    value = _cached(name, parts, build, trusted)
    if seen is not None and trusted is None:
        seen[(name, *parts)] = value
    return value


def _cached[T](
    name: str, parts: tuple[object, ...], build: Callable[[], T], trusted: str | None
) -> T:
    version, day = _version(), today().isoformat()
    local_key = (name, _build_id(), version, day, trusted or "", *parts)
    with _lock:
        found = _local.get(local_key, _MISSING)
        if found is not _MISSING:
            _local.move_to_end(local_key)
    if found is not _MISSING:
        return cast(T, found)
    _forget_older(version)
    shared = caches["facts"]
    full_key = key(*local_key)
    if trusted is None:
        found = shared.get(full_key, _MISSING)
        if found is not _MISSING:
            _remember(local_key, found)
            return cast(T, found)
    value = build()
    if trusted is None:
        shared.set(full_key, value, SHARED_SECONDS)
    _remember(local_key, value)
    return value


def has_sample_rows() -> bool:
    """``catalog_has_sample_rows()``, which every public page asks (the banner)."""
    from plans.models import catalog_has_sample_rows

    return cached("sample", (), catalog_has_sample_rows)


def clear_local() -> None:
    """Forget this process's copies (tests: to read through the shared cache)."""
    global _local_version
    with _lock:
        _local.clear()
        _local_version = None
