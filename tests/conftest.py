"""Shared fixtures. Settings are chosen by the environment before pytest starts
(scripts/run-tests exports DATABASE_URL), never here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _no_catalog_version_watch(settings) -> None:  # type: ignore[no-untyped-def]
    # Test transactions and flushes change the counter faster than a notification
    # arrives: every test reads the row, except the tests of the watch itself.
    settings.CATALOG_VERSION_WATCH = False


@pytest.fixture
def shared_data() -> Path:
    """The public CMS files beside the clone; skipped without them, except in CI."""
    path = Path(settings.SHARED_DATA_DIR)
    if not path.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the shared data folder {path} is missing.")
        pytest.skip(f"The shared CMS data folder {path} is not on this machine.")
    return path


# The counties and ZIPs the demo catalog and the page tests use, so tests need not
# load the national geography (browser tests flush the database after each test).
DEMO_GEOGRAPHY = {
    "FL": (
        "12",
        "Florida",
        {
            "12086": ("Miami-Dade County", ["33125", "33126", "33130"]),
            "12011": ("Broward County", ["33301", "33009"]),
        },
    ),
    "CA": (
        "06",
        "California",
        {
            "06037": ("Los Angeles County", ["90012", "90033"]),
            "06059": ("Orange County", ["92801"]),
        },
    ),
    "PR": ("72", "Puerto Rico", {"72127": ("San Juan Municipio", ["00901", "00907"])}),
}


@pytest.fixture
def demo_geography(db: None) -> None:
    from plans.models import County, State, ZipCounty

    for code, (fips, name, counties) in DEMO_GEOGRAPHY.items():
        state, _ = State.objects.get_or_create(
            code=code, defaults={"fips": fips, "name": name, "is_territory": code == "PR"}
        )
        for county_fips, (county_name, zips) in counties.items():
            county, _ = County.objects.get_or_create(
                fips=county_fips, defaults={"state": state, "name": county_name}
            )
            for zip_code in zips:
                ZipCounty.objects.get_or_create(zip_code=zip_code, county=county)


@pytest.fixture
def demo_catalog(demo_geography: None) -> None:
    """The sample catalog as of 2026-11-22 (plan years 2026 and 2027)."""
    import datetime

    from plans.demo import load_demo_catalog

    load_demo_catalog(today=datetime.date(2026, 11, 22))


@pytest.fixture
def redis_cache(settings):  # type: ignore[no-untyped-def]
    """The page and facts caches on the throwaway Redis scripts/run-tests starts (TEST_REDIS_URL),
    emptied before and after; skipped loudly without it, except in CI."""
    from django.core.cache import caches

    from finder import facts

    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        message = (
            "TEST_REDIS_URL is not set: no Redis to test the shared cache against "
            "(install redis-server; scripts/run-tests starts one)."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(f"REDIS TESTS SKIPPED: {message}")
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{os.getpid()}-{name}",
        }
        for name in ("default", "facts")
    }
    caches["default"].clear()
    facts.clear_local()
    yield caches["facts"]
    caches["default"].clear()
    facts.clear_local()
