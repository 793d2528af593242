"""Probes (/healthz, /readyz) and the plain 503 page when the database is lost.

The database is made to fail the way a dead server looks to Django: every query raises
OperationalError (``connection.execute_wrapper``, Django's documented hook around each
query).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from finder import outage
from plans import catalog_version
from tests.test_headers import HTMX, PUBLIC_PAGES

RESULTS = PUBLIC_PAGES["results"]


@contextmanager
def database_down(*, spare: str | None = None) -> Iterator[None]:
    """Every query fails, except those naming ``spare`` (a table name)."""

    def fail(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if spare is not None and spare in sql:
            return execute(sql, *args)
        raise OperationalError("connection to server failed: Connection refused")

    with connection.execute_wrapper(fail):
        yield


def assert_outage_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "1-800-633-4227" in html and "1-877-486-2048" in html  # 1-800-MEDICARE, TTY
    assert 'lang="en"' in html and 'lang="es"' in html
    assert "temporarily unavailable" in html and "no está disponible" in html
    assert "Traceback" not in html and "OperationalError" not in html


# --- Probes -------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_the_database(
    client: Client, django_assert_num_queries: Callable[[int], Any]
) -> None:
    with django_assert_num_queries(0), database_down():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_asks_the_database(client: Client) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.content == b"ready\n"
    assert ready["Cache-Control"] == "no-store"
    with database_down():
        down = client.get("/readyz")
    assert down.status_code == 503 and down.content == b"database unavailable\n"
    assert down["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_probes_are_not_redirected_to_https(client: Client, settings: Settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/en/").status_code == 301  # everything else is


# --- The outage page ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_view_losing_the_database_shows_the_outage_page(
    client: Client, demo_catalog: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), database_down():
        response = client.get(RESULTS)
    assert_outage_page(response)
    assert "HX-Refresh" not in response
    records = [r for r in caplog.records if r.name == "finder.outage"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert "/en/results/" in message and "OperationalError" in message
    assert "33125" not in message and "\n" not in message  # no query string, one line


@pytest.mark.django_db
def test_the_outage_page_even_with_debug_on(
    client: Client, demo_catalog: None, settings: Settings
) -> None:
    settings.DEBUG = True
    with database_down():
        assert_outage_page(client.get(RESULTS))


@pytest.mark.django_db
def test_an_htmx_request_is_told_to_reload(client: Client, demo_catalog: None) -> None:
    # htmx swaps no 5xx body: the reload shows the page to the person.
    with database_down():
        response = client.get(RESULTS, headers=HTMX)
    assert_outage_page(response)
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db(transaction=True)
def test_the_page_cache_losing_the_database_shows_the_outage_page(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # Committed (no open transaction), so the page cache reads the catalog version first.
    with caplog.at_level(logging.ERROR), database_down():
        response = client.get("/en/?zip=33125")
    assert_outage_page(response)
    # Our line with the reason, and Django's usual one-line "Service Unavailable: /en/":
    # neither with a traceback or the query string.
    assert "finder.outage" in {r.name for r in caplog.records}
    for record in caplog.records:
        assert record.exc_info is None
        assert "33125" not in record.getMessage()


@pytest.mark.django_db(transaction=True)
def test_a_view_losing_the_database_after_the_cache_check(client: Client) -> None:
    catalog_version.current()  # the row exists: reading it is one spared query
    with database_down(spare="plans_catalogversion"):
        assert_outage_page(client.get("/en/counselor/"))


def test_handler500_shows_the_outage_page_for_a_lost_database() -> None:
    request = RequestFactory().get("/en/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = outage.server_error(request)
    assert_outage_page(response)
    try:
        raise ValueError("a bug")
    except ValueError:
        other = outage.server_error(request)
    assert other.status_code == 500
    assert b"Something went wrong" in other.content
