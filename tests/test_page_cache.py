"""Public pages cacheable by URL: Cache-Control, ETag and 304, the server-side page cache,
and a catalog change seen on the very next request.

These tests commit, as production does (``transaction=True``): a page read inside an
open transaction is never validated or kept (it may show what is rolled back), which
the last tests check.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from finder import page_cache
from plans.content import load_content
from plans.models import Plan, PublicationStatus
from tests.test_headers import HTMX, PUBLIC_PAGES

PLAN_PAGE = PUBLIC_PAGES["plan"]
RESULTS = PUBLIC_PAGES["results"]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(transactional_db: None, demo_catalog: None) -> None:
    """The demo catalog, committed."""


def queries(client: Client, url: str, **headers: str) -> tuple[HttpResponse, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def served_from_cache(response: HttpResponse) -> bool:
    # A rendered page now costs one query too (the catalog facts are kept per version,
    # finder/facts.py), so the query count no longer tells a copy from a render.
    return getattr(response, "_page_cache_served", False)


def plan_h9001() -> Plan:
    return Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)


# --- Headers ------------------------------------------------------------------------


def test_cache_control_etag_and_vary(client: Client, committed: None) -> None:
    response = client.get(PLAN_PAGE)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert "HX-Request" in response["Vary"]
    # The language is in the URL: splitting caches by browser language would be waste.
    assert "Accept-Language" not in response["Vary"]


def test_page_max_age_comes_from_settings(
    client: Client, committed: None, settings: Settings
) -> None:
    settings.PAGE_MAX_AGE = 120
    assert client.get(PLAN_PAGE)["Cache-Control"] == "public, max-age=120"


def test_the_etag_names_url_language_and_htmx(client: Client, committed: None) -> None:
    page = client.get(RESULTS)["ETag"]
    assert client.get(RESULTS)["ETag"] == page  # stable while nothing changes
    assert client.get(RESULTS, headers=HTMX)["ETag"] != page
    assert client.get(RESULTS.replace("/en/", "/es/", 1))["ETag"] != page
    assert client.get(f"{RESULTS}&sort=stars")["ETag"] != page


def test_the_etag_changes_with_the_day(client: Client, committed: None) -> None:
    # Results without a date are worked out for today, and plans can be scheduled to
    # appear on a date: yesterday's page is not today's.
    etag = client.get(PLAN_PAGE)["ETag"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda: tomorrow)
        assert client.get(PLAN_PAGE)["ETag"] != etag


# --- 304 ---------------------------------------------------------------------------


def test_if_none_match_is_a_304_without_rendering(client: Client, committed: None) -> None:
    first = client.get(PLAN_PAGE)
    response, count = queries(client, PLAN_PAGE, **{"If-None-Match": first["ETag"]})
    assert response.status_code == 304 and response.content == b""
    assert count == 1  # the catalog version, nothing else
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"] == first["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert "Content-Length" not in response
    weak = client.get(PLAN_PAGE, headers={"If-None-Match": f'"other", W/{first["ETag"]}'})
    assert weak.status_code == 304
    other = client.get(PUBLIC_PAGES["compare"], headers={"If-None-Match": first["ETag"]})
    assert other.status_code == 200


# --- The server-side page cache -------------------------------------------------------


def test_a_second_request_is_served_from_the_page_cache(client: Client, committed: None) -> None:
    first, cold = queries(client, RESULTS)
    second, warm = queries(client, RESULTS)
    assert cold > 5
    assert warm == 1  # the catalog version only
    assert served_from_cache(second) and not served_from_cache(first)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_htmx_partial_is_kept_apart_from_the_page(client: Client, committed: None) -> None:
    page = client.get(RESULTS).content
    partial, _count = queries(client, RESULTS, **HTMX)
    assert not served_from_cache(partial)  # not the full page's copy
    assert b"<html" in page and b"<html" not in partial.content
    again, count = queries(client, RESULTS, **HTMX)
    assert count == 1 and again.content == partial.content


def test_page_cache_off(client: Client, committed: None, settings: Settings) -> None:
    settings.PAGE_CACHE = False
    client.get(RESULTS)
    response, _count = queries(client, RESULTS)
    assert not served_from_cache(response)
    assert response["ETag"]  # validators do not depend on the page cache


def test_a_request_with_a_session_cookie_is_never_served_a_copy(
    client: Client, committed: None, settings: Settings
) -> None:
    client.get(RESULTS)
    client.cookies[settings.SESSION_COOKIE_NAME] = "someone"
    response, _count = queries(client, RESULTS)
    assert not served_from_cache(response)


def test_only_shareable_responses_are_kept() -> None:
    assert page_cache.shareable(HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("sessionid", "x")
    varies = HttpResponse("page", headers={"Vary": "Cookie"})
    private = HttpResponse("page", headers={"Cache-Control": "private"})
    not_found = HttpResponse("page", status=404)
    for response in (with_cookie, varies, private, not_found):
        assert not page_cache.shareable(response)


def test_errors_are_not_kept_and_redirects_are(
    client: Client, committed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[str] = []
    monkeypatch.setattr(caches["default"], "set", lambda key, *args, **kw: kept.append(key))
    bad_compare = "/en/compare/?plan=nonsense"
    for url, status in (("/en/plans/2026/H0000-001/", 404), (bad_compare, 400)):
        response = client.get(url)
        assert response.status_code == status, url
        assert "ETag" not in response
    assert kept == []
    # The wizard's submit without JavaScript redirects to the next step: a function of
    # the URL like a page, so it is kept (no ETag: a browser follows it, never revalidates).
    redirect = RESULTS.replace("medicaid=full", "medicaid=lots")
    response = client.get(redirect)
    assert response.status_code == 302 and "ETag" not in response
    assert len(kept) == 1
    client.get(PLAN_PAGE)
    assert len(kept) == 2


def test_the_admin_is_never_cached(client: Client, committed: None) -> None:
    first = client.get("/admin/login/")
    assert "ETag" not in first and "public" not in first.get("Cache-Control", "")
    assert first.content != client.get("/admin/login/").content  # a new CSRF token each time


# --- A catalog change is seen on the next request ------------------------------------


def test_editing_a_plan_shows_at_once_with_a_new_etag(client: Client, committed: None) -> None:
    before = client.get(PLAN_PAGE)
    plan = plan_h9001()
    plan.name = "Renamed Sample Plan"
    plan.save()
    after = client.get(PLAN_PAGE, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200  # the old ETag no longer matches
    assert after["ETag"] != before["ETag"]
    assert "Renamed Sample Plan" in after.content.decode()


def test_unpublishing_a_plan_removes_it_at_once(client: Client, committed: None) -> None:
    etag = client.get(PLAN_PAGE)["ETag"]
    link = f'href="{PLAN_PAGE}?'
    assert link in client.get(RESULTS).content.decode()
    Plan.objects.filter(pk=plan_h9001().pk).update(status=PublicationStatus.DRAFT)
    # A bulk update sends no signal: the writer raises the version, as imports do.
    from plans import catalog_version

    catalog_version.bump()
    assert client.get(PLAN_PAGE, headers={"If-None-Match": etag}).status_code == 404
    assert link not in client.get(RESULTS).content.decode()


def test_a_change_in_an_admin_style_transaction_shows_after_commit(
    client: Client, committed: None
) -> None:
    from django.db import transaction

    etag = client.get(PLAN_PAGE)["ETag"]
    with transaction.atomic():
        plan = plan_h9001()
        plan.status = PublicationStatus.DRAFT
        plan.save()
    assert client.get(PLAN_PAGE, headers={"If-None-Match": etag}).status_code == 404


# --- Inside an open transaction ---------------------------------------------------------


@pytest.mark.django_db
def test_a_page_read_inside_a_transaction_is_neither_validated_nor_kept(
    client: Client, demo_catalog: None
) -> None:
    # The test's own transaction is open: this connection sees uncommitted rows.
    response = client.get(PLAN_PAGE)
    assert response.status_code == 200
    assert "ETag" not in response
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    _response, count = queries(client, PLAN_PAGE)
    assert count > 1


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_head_is_answered_like_get_and_post_is_refused(
    client: Client, committed: None, name: str
) -> None:
    # Load balancers and link checkers send HEAD; public pages change nothing, so POST
    # has no business there.
    load_content()
    url = PUBLIC_PAGES[name]
    head = client.head(url)
    assert head.status_code == 200, url
    assert head.content == b""
    assert client.post(url).status_code == 405
