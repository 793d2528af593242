"""The start page: served in both languages, the sample banner while demo rows exist."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_start_page_in_english_and_spanish(client: Client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert b'href="/es/"' in response.content  # the language switch link
    assert client.get("/es/").status_code == 200


def test_sample_banner_only_while_sample_rows_exist(client: Client) -> None:
    assert b"Sample data." not in client.get("/en/").content
    PlanFactory(is_sample=True)
    assert b"Sample data." in client.get("/en/").content


def test_national_help_is_in_the_footer(client: Client) -> None:
    content = client.get("/en/").content.decode()
    assert "1-877-839-2675" in content  # SHIP locator
    assert "1-800-633-4227" in content and "1-877-486-2048" in content  # 1-800-MEDICARE


def test_public_page_sets_no_cookie(client: Client) -> None:
    response = client.get("/en/")
    assert not response.cookies
