"""Probes for a load balancer or orchestrator, outside the language-prefixed URLs.

    GET /healthz  the process answers (no database): 200 "ok"
    GET /readyz   the default database answers SELECT 1: 200 "ready", else 503

A probe must see the present, never a copy: ``Cache-Control: no-store``. They are also
exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT), as probes often speak plain
HTTP to the process; they still need a Host from ALLOWED_HOSTS.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return _plain("ok")


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError) as error:
        logger.warning("Not ready: database unavailable: %s", type(error).__name__)
        return _plain("database unavailable", status=503)
    return _plain("ready")
