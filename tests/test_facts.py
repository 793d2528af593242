"""The per-version catalog facts (finder/facts.py): built once per catalog version, rebuilt
on the next request after any change, never kept inside a transaction; the same against
the per-process default (LocMem) and a real Redis shared by several app servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import transaction

from finder import facts
from finder.catalog import for_county
from finder.glossary import published_terms
from plans import catalog_version
from plans.models import GlossaryTerm, PublicationStatus
from tests.factories import CountyFactory, PlanFactory, ServiceAreaFactory


@pytest.fixture
def fresh() -> Iterator[None]:
    facts.clear_local()
    yield
    facts.clear_local()


def counted(value: Callable[[], object]) -> tuple[Callable[[], object], list[int]]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value()

    return build, calls


def _catalog_follows_the_version() -> None:
    area = ServiceAreaFactory(plan=PlanFactory(name="Before"), county=CountyFactory())
    county, plan = area.county, area.plan
    first = for_county(county, (2026,))
    assert [p.name for p in first.plans.values()] == ["Before"]
    assert for_county(county, (2026,)) is first  # the same object: built once
    version = catalog_version.current()
    plan.name = "After"
    plan.save()  # an admin edit: raises the version on commit
    assert catalog_version.current() > version
    assert [p.name for p in for_county(county, (2026,)).plans.values()] == ["After"]
    plan.status = PublicationStatus.DRAFT
    plan.save()  # unpublished: gone from the next read
    assert for_county(county, (2026,)).plans == {}


@pytest.mark.django_db(transaction=True)
def test_a_county_catalog_is_built_once_per_version_with_locmem(fresh: None) -> None:
    assert "LocMemCache" in caches["facts"].__class__.__name__
    _catalog_follows_the_version()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_county_catalog_is_built_once_per_version_with_redis(redis_cache, fresh) -> None:  # type: ignore[no-untyped-def]
    assert "RedisCache" in redis_cache.__class__.__name__
    _catalog_follows_the_version()


def _shared_between_processes(cache) -> None:  # type: ignore[no-untyped-def]
    build, calls = counted(lambda: {"built": True})
    assert facts.cached("example", ("a",), build) == {"built": True}
    facts.clear_local()  # another worker: nothing in its memory, the value in the cache
    assert facts.cached("example", ("a",), build) == {"built": True}
    assert len(calls) == 1
    CountyFactory()  # any catalog change: a new version, a new key
    facts.clear_local()
    facts.cached("example", ("a",), build)
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_value_is_read_from_the_facts_cache_when_this_process_has_none(fresh: None) -> None:
    _shared_between_processes(caches["facts"])


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_value_built_by_one_server_is_read_from_redis_by_another(redis_cache, fresh) -> None:  # type: ignore[no-untyped-def]
    build, calls = counted(lambda: ["from the first server"])
    facts.cached("example", ("b",), build)
    facts.clear_local()
    assert facts.cached("example", ("b",), build) == ["from the first server"]
    assert len(calls) == 1
    assert any(k.startswith(b"test-") for k in redis_cache._cache.get_client().keys("*"))
    _shared_between_processes(redis_cache)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_glossary_terms_follow_an_edit_with_redis(redis_cache, fresh) -> None:  # type: ignore[no-untyped-def]
    GlossaryTerm.objects.create(
        slug="qmb", language="en", term="QMB", definition="Old.", status="published"
    )
    assert published_terms("en")["qmb"].definition == "Old."
    GlossaryTerm.objects.filter(slug="qmb").update(definition="New.")
    catalog_version.bump()  # what a bulk write (an import) does
    facts.clear_local()
    assert published_terms("en")["qmb"].definition == "New."


@pytest.mark.django_db(transaction=True)
def test_within_one_request_a_value_is_looked_up_once(fresh: None) -> None:
    build, calls = counted(lambda: ["first"])
    request_started.send(sender=None)
    try:
        facts.cached("example", ("d",), build)
        facts.clear_local()
        caches["facts"].clear()
        # Nothing left anywhere but the request's own note of what it was given.
        assert facts.cached("example", ("d",), build) == ["first"]
        assert facts.cached("example", ("other",), build) == ["first"]
        assert len(calls) == 2  # one per distinct value, not per lookup
    finally:
        request_finished.send(sender=None)
    CountyFactory()  # a catalog change between two requests
    request_started.send(sender=None)
    try:
        facts.cached("example", ("d",), build)
        assert len(calls) == 3  # the next request builds it for the new version
    finally:
        request_finished.send(sender=None)


@pytest.mark.django_db
def test_nothing_is_kept_inside_a_transaction(fresh: None) -> None:
    # A test transaction (or a view run inside one) may see rows that are rolled back
    # later; their version raise waits for a commit that may never come.
    build, calls = counted(lambda: 1)
    facts.cached("example", ("c",), build)
    facts.cached("example", ("c",), build)
    assert len(calls) == 2
    with facts.trust_transaction():
        facts.cached("example", ("c",), build)
        facts.cached("example", ("c",), build)
    assert len(calls) == 3
    with transaction.atomic():
        facts.cached("example", ("c",), build)
    assert len(calls) == 4


# --- The page cache and the facts on Redis, through the pages ------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_pages_are_kept_in_redis_and_follow_an_edit(redis_cache, demo_catalog, client) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.models import Plan
    from tests.test_headers import PUBLIC_PAGES

    results = PUBLIC_PAGES["results"]
    first = client.get(results)
    assert first.status_code == 200
    pages = caches["default"]._cache.get_client().keys("*:page:*")
    assert pages, "the results page was not kept in Redis"
    facts.clear_local()  # another app server: no copy of its own
    with CaptureQueriesContext(connection) as captured:
        again = client.get(results)
    assert again.content == first.content
    assert len(captured) == 1  # the catalog version; the page came from Redis
    plan = Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)
    plan.name = "Renamed in the admin"
    plan.save()
    facts.clear_local()
    assert b"Renamed in the admin" in client.get(results).content
    # A page not kept (another sort) is rendered from the facts in Redis: no catalog reads.
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{results}&sort=cost").status_code == 200
    assert len(captured) == 1


@pytest.mark.django_db(transaction=True)
def test_a_plan_page_is_read_once_per_version_and_follows_an_edit(  # type: ignore[no-untyped-def]
    fresh, demo_catalog, client, settings
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.models import Plan

    settings.PAGE_CACHE = False  # rendered every time: only the facts are kept
    plan = Plan.objects.get(contract_id="H9001", pbp="001", plan_year=2026)
    url = f"/en/plans/2026/{plan.cms_id}/?county=12086&date=2026-11-22"
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert len(again) < len(first)
    assert not [q for q in again.captured_queries if '"plans_plan"' in q["sql"]]
    plan.name = "Renamed in the admin"
    plan.save()
    assert b"Renamed in the admin" in client.get(url).content
    plan.status = PublicationStatus.DRAFT
    plan.save()
    assert client.get(url).status_code == 404
