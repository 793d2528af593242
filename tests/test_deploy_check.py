"""Production readiness: ``check --deploy`` is clean with production settings, and the
production server's logs never hold a wizard answer (query string) or an IP address."""

from __future__ import annotations

import logging
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def production_env(**extra: str) -> dict[str, str]:
    """Only what a deployment sets: nothing of the test run leaks in (its SECRET_KEY,
    DJANGO_ALLOW_ASYNC_UNSAFE, a DATABASE_URL)."""
    kept = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TZ") if k in os.environ}
    return {
        **kept,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "SECURE_SSL_REDIRECT": "true",
        **extra,
    }


def test_check_deploy_reports_no_issues() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is security.W021 (HSTS preload), the domain owner's call:
    # finder/settings.py says why.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_counts_preload_once_chosen() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(SECURE_HSTS_PRELOAD="true"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# --- gunicorn -----------------------------------------------------------------------


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    for name in ("BIND", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_access_log_has_no_query_string_and_no_address(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(monkeypatch)
    log_format = str(config["access_log_format"])
    assert config["accesslog"] == "-"
    assert "%(U)s" in log_format  # the path, without its query
    # q: query string; r: request line (with the query); h: remote address; f: referrer
    # (a same-origin Referer carries the previous page's answers); a: user agent;
    # {...}i/e: any request header or environ value.
    for atom in ("%(q)s", "%(r)s", "%(h)s", "%(f)s", "%(a)s"):
        assert atom not in log_format
    assert not re.search(r"%\(\{[^}]*\}[ie]\)s", log_format)


def test_bind_and_workers_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = gunicorn_config(monkeypatch)
    assert defaults["bind"] == ["127.0.0.1:8000"] and defaults["workers"] == 2
    chosen = gunicorn_config(monkeypatch, BIND="0.0.0.0:9000", WEB_CONCURRENCY="5")
    assert chosen["bind"] == ["0.0.0.0:9000"] and chosen["workers"] == 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The production command, on a free local port, logging to a file."""
    port = _free_port()
    log = tmp_path / "stdout.log"
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "finder.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
                    time.sleep(0.2)
            yield base, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_production_server_logs_no_answers_and_no_address(
    gunicorn: tuple[str, Path],
) -> None:
    base, log = gunicorn
    for path in ("/healthz?zip=33125&age=65plus", "/readyz?zip=33125&age=65plus"):
        with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
            assert response.status == 200  # plain HTTP: probes are exempt from the redirect
            assert response.headers["Cache-Control"] == "no-store"
    deadline = time.monotonic() + 10
    while "/readyz" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in log.read_text().splitlines() if '"GET /' in line]
    assert any('"GET /healthz" 200' in line for line in lines), log.read_text()
    assert any('"GET /readyz" 200' in line for line in lines), log.read_text()
    text = log.read_text()
    assert "33125" not in text and "65plus" not in text
    assert "127.0.0.1" not in "\n".join(lines)


# --- Django's own request log -----------------------------------------------------------


@pytest.mark.django_db
def test_django_request_log_names_the_path_only(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/en/plans/2026/H0000-001/?zip=33125&age=65plus").status_code == 404
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["Not Found: /en/plans/2026/H0000-001/"]
