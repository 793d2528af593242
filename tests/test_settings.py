"""Every knob comes from the environment; a bad value stops start-up with a plain message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import finder.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({"DEBUG": "true", "CONN_MAX_AGE": "soon"}, "CONN_MAX_AGE must be a whole number"),
        ({"DEBUG": "true", "CONN_MAX_AGE": "-1"}, "CONN_MAX_AGE must be at least 0"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with"),
        ({"DEBUG": "true", "CACHE_URL": "memcached://x:11211"}, "CACHE_URL must be empty"),
        ({"DEBUG": "true", "CACHE_URL": "redis://"}, "'redis://'"),
    ],
    ids=[
        "bad-bool",
        "missing-secret",
        "bad-int",
        "negative-int",
        "unknown-database",
        "unknown-cache",
        "cache-without-host",
    ],
)
def test_bad_values_are_plain_errors(env: dict[str, str], message: str) -> None:
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_sqlite_is_the_default_and_database_url_selects_postgresql() -> None:
    assert load_settings(DEBUG="true").stdout.strip() == "django.db.backends.sqlite3"
    result = load_settings(DEBUG="true", DATABASE_URL="postgres://u@%2Ftmp%2Fpg/db")
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("unix:///run/redis/redis.sock", "django.core.cache.backends.redis.RedisCache"),
    ],
    ids=["unset-locmem", "redis-tcp", "redis-socket"],
)
def test_cache_url_selects_the_cache(url: str, backend: str) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL"}}
    env = {**clean, "DEBUG": "true", **({"CACHE_URL": url} if url else {})}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import finder.settings as s; c = s.CACHES['default']; "
            "print(c['BACKEND'], c.get('LOCATION'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split()[0] == backend
    if url:
        assert result.stdout.split()[1] == url
