"""Real-browser tests: Playwright drives the Debian ``chromium`` package against Django's
``live_server``. No browser is ever downloaded (``playwright install`` is not used).

Every test in this folder is marked ``browser``. Without /usr/bin/chromium the tests are
skipped with a loud reason, except under ``CI=true``, where a missing browser fails them.
See docs/browser-tests.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
# Playwright already adds most of these itself (--headless, --no-sandbox, --no-first-run,
# --disable-background-networking, --disable-component-update, --disable-sync,
# --disable-dev-shm-usage); they are listed so the launch does not depend on that.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Fail fast: the pages are local and small.
TIMEOUT_MS = 10_000
MISSING = (
    f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. "
    "Install it with `apt-get install -y chromium chromium-driver` (as root); "
    "`playwright install` is not used."
)
HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (before ``-m`` deselects)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    skipped = terminalreporter.stats.get("skipped", [])
    if any(MISSING in str(getattr(report, "longrepr", "")) for report in skipped):
        for line in ("#" * 78, f"# {MISSING}", "#" * 78):
            terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {MISSING}", pytrace=False)
        pytest.skip(MISSING)
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to
    # run beside one unless told (scripts/run-tests exports it too).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser: Browser, base_url: str, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 800},
        locale="en-US",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"refused by the browser: {message.text}")
            if message.type == "error"
            and ("Content Security Policy" in message.text or message.text.startswith("Refused"))
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"static file answered {response.status}: {response.url}")
            if response.status >= 400 and "/static/" in response.url
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail("The page had problems:\n- " + "\n- ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """pytest-django's live server, except that static files are served as in production:
    by WhiteNoise from the collected STATIC_ROOT (scripts/run-tests runs collectstatic).
    pytest-django's default handler looks files up through the finders, which know no
    hashed names, so under the manifest storage every stylesheet and script would be a 404.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


def _no_static_handler(application):  # type: ignore[no-untyped-def]
    return application


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh page (JavaScript on) whose relative URLs go to ``live_server``."""
    yield from _page(browser, live_server.url, javascript=True)


@pytest.fixture
def page_nojs(browser: Browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh page with JavaScript off: what the site must still do without scripts.
    ``page.evaluate`` hangs in such a page (and so does axe): use locators only."""
    yield from _page(browser, live_server.url, javascript=False)
