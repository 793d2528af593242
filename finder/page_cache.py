"""Public pages cacheable by URL: an ETag, a 304 without rendering, a server-side copy.

A public page (the language-prefixed pages and the JSON API) is a function of its URL
(the answers live in the query string), its language, whether htmx asked for the
swappable part only, the day (results are worked out for today, and plans can be
scheduled to appear on a date), the deployed code and templates, and the catalog. The
catalog is summed up by one counter, ``plans.catalog_version``, raised on every change:
the ETag and the cache key both move on the next request after a change, so nothing is
ever purged and stale entries simply age out.

For each public GET: a matching If-None-Match gets a 304 at the cost of one tiny query;
else a copy from the page cache (``PAGE_CACHE``, on by default); else the view runs, and
its response is kept if it is safe to share: a 200 to a request with no session cookie,
setting no cookie, not varying on Cookie, not private. Open data keeps its own
validators (finder/open_data.py) and is left alone here.

Listed above the session, CSRF, locale and message middleware, so it sees every cookie
and Vary header they add before deciding to keep a response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import has_vary_header, patch_vary_headers
from django.utils.translation import get_language

from finder import facts, outage
from finder.open_data import not_modified
from plans import catalog_version

API_PREFIX = "/api/v1/"
# Views here send their own ETag, built from the open-data catalog version.
OWN_VALIDATORS_MODULE = "finder.open_data"
# What a deployment is made of: a new one changes every ETag, so no browser keeps a
# page naming static files or wording the new deployment no longer has.
BUILD_SOURCES = (
    "templates/**/*.html",
    "templates/**/*.txt",
    "finder/**/*.py",
    "finder/**/*.json",
    "plans/**/*.py",
    "locale/**/*.mo",
)


@dataclass(frozen=True)
class PageKey:
    """The ETag and cache key of one public request; both None when it must not be
    validated or kept (see ``process_view``)."""

    etag: str | None
    cache_key: str | None


def is_public(path: str) -> bool:
    prefixes = (*(f"/{code}/" for code, _name in settings.LANGUAGES), API_PREFIX)
    return path.startswith(prefixes)


def cache_control() -> str:
    # Revalidate every time by default: a 304 costs one tiny query and no rendering,
    # and an unpublished plan must vanish at once (docs/decisions.md).
    if settings.PAGE_MAX_AGE == 0:
        return "public, max-age=0, must-revalidate"
    return f"public, max-age={settings.PAGE_MAX_AGE}"


@cache
def build_id() -> str:
    base = Path(settings.BASE_DIR)
    files = sorted({path for pattern in BUILD_SOURCES for path in base.glob(pattern)})
    files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    digest = hashlib.sha256()
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:  # no manifest yet (DEBUG), or a file gone since the glob
            continue
        digest.update(path.name.encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def page_key(request: HttpRequest, version: int, language: str | None = None) -> PageKey:
    language = language or getattr(request, "LANGUAGE_CODE", None) or get_language()
    htmx = request.headers.get("HX-Request") == "true"
    parts = (
        build_id(),
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        language,
        "partial" if htmx else "page",
        str(version),
        facts.today().isoformat(),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    # A request carrying the admin's session cookie is never served a shared copy, nor
    # its response kept: only anonymous pages are shared.
    anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
    keep = settings.PAGE_CACHE and anonymous
    return PageKey(etag=f'"{digest}"', cache_key=f"page:{digest}" if keep else None)


# The wizard's form submits answer with a redirect to the next step (without JavaScript):
# as much a function of the URL as a page, and as worth keeping.
KEPT_STATUSES = frozenset({200, 301, 302, 303, 307, 308})


def url_language(path: str) -> str | None:
    """The language a public page's URL names (/en/…, /es/…), or None."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return code
    return None


def shareable(response: HttpResponseBase) -> bool:
    """A page or redirect that anyone asking for the same URL may be given."""
    if response.status_code not in KEPT_STATUSES or response.streaming or response.cookies:
        return False
    if has_vary_header(response, "Cookie") or has_vary_header(response, "*"):
        return False
    control = response.get("Cache-Control", "").lower()
    return "private" not in control and "no-store" not in control


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def _served(self, request: HttpRequest, version: int, language: str | None) -> Any:
        """A 304 or a kept copy for this request, or None; records the request's key."""
        # The facts a rendered page reads are keyed by the same version (finder/facts.py).
        facts.use_version(version)
        key = page_key(request, version, language)
        request._page_key = key  # type: ignore[attr-defined]
        if key.etag is not None and not_modified(request, key.etag):
            unchanged = HttpResponseNotModified()
            unchanged["ETag"] = key.etag
            unchanged["Cache-Control"] = cache_control()
            unchanged._page_cache_served = True  # type: ignore[attr-defined]
            return unchanged
        if key.cache_key is not None:
            kept: HttpResponseBase | None = caches["default"].get(key.cache_key)
            if kept is not None:
                kept._page_cache_served = True  # type: ignore[attr-defined]
                return kept
        return None

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.method != "GET" or not is_public(request.path_info):
            return None
        if hasattr(request, "_page_key"):
            return None  # looked up already, before the URL was resolved (__call__)
        if getattr(view_func, "__module__", None) == OWN_VALIDATORS_MODULE:
            return None
        if connection.in_atomic_block:
            # This connection may hold uncommitted catalog changes (a test, or code
            # calling a view inside a transaction): what it shows may yet be rolled back,
            # so it gets no validator and is neither served from nor kept in the cache.
            request._page_key = PageKey(etag=None, cache_key=None)  # type: ignore[attr-defined]
            return None
        try:
            version = catalog_version.current()
        except outage.DATABASE_DOWN as error:
            return outage.outage_response(request, error)
        return self._served(request, version, None)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = url_language(request.path_info)
        if request.method == "GET" and language is not None and not connection.in_atomic_block:
            # The language pages are looked up before the URL is resolved and the inner
            # middleware runs: a kept page then costs one tiny query and little else.
            # (The API is left to process_view: open data keeps its own validators.)
            try:
                version = catalog_version.current()
            except outage.DATABASE_DOWN as error:
                return outage.outage_response(request, error)
            served = self._served(request, version, language)
            if served is not None:
                patch_vary_headers(served, ("HX-Request",))
                return served
        response = self.get_response(request)
        key: PageKey | None = getattr(request, "_page_key", None)
        if key is None:
            return response
        # Every public response, whatever its status: the htmx partial and the full
        # page share a URL.
        patch_vary_headers(response, ("HX-Request",))
        if response.status_code == 304:
            # The inner middleware measured the empty body; a 304 must not claim 0 bytes.
            del response["Content-Length"]
            return response
        if response.status_code not in KEPT_STATUSES or getattr(
            response, "_page_cache_served", False
        ):
            return response
        if "Cache-Control" not in response:
            response["Cache-Control"] = cache_control()
        if key.etag is not None and response.status_code == 200:
            response["ETag"] = key.etag
        if key.cache_key is not None and shareable(response):
            caches["default"].set(key.cache_key, response, settings.PAGE_CACHE_SECONDS)
        return response
