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
    ],
    ids=["bad-bool", "missing-secret", "bad-int", "negative-int", "unknown-database"],
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
