"""The container files hold together without a container engine: compose.yaml parses and
names the expected services, and everything the Dockerfile copies exists and is not
left out of the build context by .dockerignore. (No image is built here.)"""

from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _sep, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def copied_sources() -> list[str]:
    sources = []
    for keyword, rest in instructions():
        if keyword == "COPY":
            words = [w for w in shlex.split(rest) if not w.startswith("--")]
            sources += words[:-1]
    return sources


def ignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    path = path.rstrip("/")
    return any(
        fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/")) for p in patterns
    )


def test_every_copied_path_exists_and_reaches_the_build() -> None:
    sources = copied_sources()
    assert "pyproject.toml" in sources and "gunicorn.conf.py" in sources
    for source in sources:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
        assert not ignored(source), f".dockerignore leaves out {source}, which is copied"


def test_dockerfile_runs_gunicorn_as_a_non_root_user_with_a_health_check() -> None:
    steps = dict(instructions())  # the last of each keyword
    assert steps["FROM"] == "python:3.12-slim"
    assert steps["USER"] not in ("", "root", "0")
    assert steps["EXPOSE"] == "8000"
    assert steps["CMD"] == '["gunicorn", "-c", "gunicorn.conf.py", "finder.wsgi"]'
    assert "/healthz" in steps["HEALTHCHECK"] and "urllib" in steps["HEALTHCHECK"]
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert "collectstatic" in runs and "compilemessages" in runs and "gettext" in runs
    assert "[dev]" not in runs


def test_dockerignore_keeps_local_state_out() -> None:
    for local in (".venv", ".git", "db.sqlite3", "staticfiles", "locale/es/LC_MESSAGES/django.mo"):
        assert ignored(local), f"{local} would be sent to the build"


def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_file_has_database_web_and_worker() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}

    db = services["db"]
    assert db["image"] == "postgres:15" and "healthcheck" in db
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"], "the database keeps its data in a named volume"

    for name in ("migrate", "web", "worker"):
        service = services[name]
        assert service["image"] == "integrated-care-finder" and service["build"] == "."
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert "change-me" in service["environment"]["SECRET_KEY"]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "command" not in services["web"], "the web server runs the image's CMD (gunicorn)"
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    # The image's health check probes the web server: only the web service keeps it.
    assert "healthcheck" not in services["web"]
    assert (
        services["worker"]["healthcheck"] == services["migrate"]["healthcheck"] == {"disable": True}
    )
