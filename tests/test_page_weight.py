"""A first visit transfers well under 150 KB compressed (large-print users are often on
slow phone connections): the page plus every stylesheet, script and icon it links."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 150 * 1024


def linked_assets(html: str) -> list[str]:
    """Paths under STATIC_ROOT of the files a page links (hashed names)."""
    return re.findall(r'(?:href|src)="/static/([^"]+)"', html)


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/find/zip/",
        "/en/results/?zip=33125&county=12086&medicare=ab&medicaid=full&date=2026-11-22",
    ],
)
def test_first_visit_is_under_budget(client: Client, demo_catalog: None, path: str) -> None:
    html = client.get(path).content
    total = len(gzip.compress(html))
    assets = linked_assets(html.decode())
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        file = Path(settings.STATIC_ROOT) / asset
        assert file.is_file(), f"{asset} is linked but not collected"
        total += len(gzip.compress(file.read_bytes()))
    print(f"{path}: {total / 1024:.1f} KB compressed")
    assert total < BUDGET_BYTES
