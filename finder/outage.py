"""A database outage shows a plain 503 page in English and Spanish, never a stack trace.

The page is a static file (templates/503.html): rendering it must not need the
database, and with the database down the language of the URL cannot be trusted to
pick a translation, so it carries both. The free national help lines are on it.

Three ways in, one response:
- ``DatabaseOutageMiddleware.process_exception``: a view (or the template it renders)
  loses the database; works with DEBUG on too.
- ``outage_response`` called directly by middleware that reads the database itself
  (the page cache reading the catalog version).
- ``server_error`` (handler500): anything else that escapes, from any layer.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


@cache
def _page() -> bytes:
    return (Path(settings.BASE_DIR) / "templates" / "503.html").read_bytes()


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    # One line and the path only: the wizard's answers live in the query string.
    reason = (str(error).strip().splitlines() or [""])[0][:200]
    logger.error(
        "Database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        reason,
    )
    response = HttpResponse(_page(), status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    if request.headers.get("HX-Request") == "true":
        # htmx swaps no 5xx body: reload the page, which then shows this one.
        response["HX-Refresh"] = "true"
    return response


class DatabaseOutageMiddleware:
    """Near the top of MIDDLEWARE: Django asks it last, after every other middleware
    has had its chance at the exception."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            return outage_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the outage page for a lost database, else Django's static 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return outage_response(request, error)
    return defaults.server_error(request)
