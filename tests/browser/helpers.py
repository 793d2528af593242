"""Helpers for the browser tests: axe-core checks and optional screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
SCREENSHOT_WIDTHS = (390, 1280)


def axe_violations(page: Page) -> list[dict]:
    """Run the axe-core bundled with axe-playwright-python on the page as it is now.
    Needs JavaScript on in the page's context."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, label: str) -> None:
    """Fail listing every axe violation (id, impact, help, offending elements)."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"axe found {len(violations)} violation(s) on {label} ({page.url}):\n"
            + format_violations(violations),
            pytrace=False,
        )


def save_screenshots(page: Page, name: str) -> list[Path]:
    """With SCREENSHOTS=1, save full-page PNGs of the page at 390 and 1280 px widths to
    tests/browser/screenshots/ (git-ignored). Does nothing otherwise."""
    if os.environ.get("SCREENSHOTS") != "1":
        return []
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    original = page.viewport_size
    saved = []
    try:
        for width in SCREENSHOT_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            path = SCREENSHOT_DIR / f"{slug}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
    finally:
        if original:
            page.set_viewport_size(original)
    return saved
