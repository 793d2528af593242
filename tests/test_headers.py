"""Security headers on every public page, the admin's own CSP with nonces, cookies only
in the admin, and links out that send no Referer."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from plans.content import load_content
from plans.models import Plan

pytestmark = pytest.mark.django_db

FULL_DUAL = {
    "zip": "33125",
    "county": "12086",
    "medicare": "ab",
    "coverage": "original",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
    "date": "2026-11-22",
}
# One URL of every kind of public page (tests/test_page_cache.py uses them too).
PUBLIC_PAGES = {
    "start": "/en/",
    "start-es": "/es/",
    "step": "/en/find/zip/",
    "step-with-answers": "/en/find/medicare/?zip=33125&county=12086",
    "results": f"/en/results/?{urlencode(FULL_DUAL)}",
    "results-es": f"/es/results/?{urlencode(FULL_DUAL)}",
    "results-print": f"/en/results/print/?{urlencode(FULL_DUAL)}&plan=2026:H9001-001",
    "plan": "/en/plans/2026/H9001-001/",
    "compare": "/en/compare/?plan=2026:H9001-001&plan=2026:H9002-001",
    "counselor": "/en/counselor/",
    "learn": "/en/learn/",
    "article": "/en/learn/pace/",
    "glossary": "/es/glossary/",
    "quality": "/en/quality/FL/",
    "api-eligibility": f"/api/v1/eligibility?{urlencode(FULL_DUAL)}",
    "api-openapi": "/api/v1/openapi.json",
}
HTMX_PAGES = {
    "step": "/en/find/medicare/?zip=33125&county=12086",
    "results": f"/en/results/?{urlencode(FULL_DUAL)}",
}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def site(demo_catalog: None) -> None:
    """The demo catalog, the articles and glossary, and a plan with links out."""
    load_content()
    Plan.objects.filter(contract_id="H9001", pbp="001", plan_year=2026).update(
        website="https://plan.example.org/",
        provider_directory_url="https://plan.example.org/doctors",
    )


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- Every public page ------------------------------------------------------------


def test_public_pages_carry_the_security_headers(client: Client, site: None) -> None:
    for name, url in PUBLIC_PAGES.items():
        response = client.get(url, secure=True)
        assert response.status_code == 200, name
        csp = csp_directives(response["Content-Security-Policy"])
        # No nonce and nothing inline: the same bytes are valid for everyone, so a cache
        # may keep them.
        assert csp["script-src"] == ["'self'"], name
        assert csp["style-src"] == ["'self'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], name
        assert "nonce-" not in response["Content-Security-Policy"], name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), name
        permissions = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
            assert f"{feature}=()" in permissions, name


def test_public_pages_set_no_cookie_and_do_not_vary_on_it(client: Client, site: None) -> None:
    for name, url in PUBLIC_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert not response.cookies, name
        assert "Set-Cookie" not in response, name
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        assert "cookie" not in vary, name
    for name, url in HTMX_PAGES.items():
        response = client.get(url, headers=HTMX)
        assert response.status_code == 200, name
        assert b"<html" not in response.content, name  # the partial, not the page
        assert not response.cookies, name
        assert "cookie" not in response.get("Vary", "").lower(), name


class _Markup(HTMLParser):
    """What a strict CSP would block, and every link out."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes = 0
        self.nonces = 0
        self.links: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if "style" in values:
            self.style_attributes += 1
        if "nonce" in values:
            self.nonces += 1
        if tag == "a" and values.get("href"):
            self.links.append((values["href"] or "", set((values.get("rel") or "").split())))


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


HTML_PAGES = {name: url for name, url in PUBLIC_PAGES.items() if not name.startswith("api-")}


def test_public_pages_have_no_inline_script_or_style(client: Client, site: None) -> None:
    for name, url in HTML_PAGES.items():
        found = markup(client.get(url).content.decode())
        assert found.inline_scripts == found.style_elements == found.style_attributes == 0, name
        assert found.nonces == 0, name


def test_links_out_send_no_referrer(client: Client, site: None) -> None:
    # A link to a plan's or anyone else's site must not tell them the page it came from:
    # the results URL holds the person's answers.
    for name, url in HTML_PAGES.items():
        found = markup(client.get(url).content.decode())
        for href, rel in found.links:
            if urlsplit(href).scheme in ("http", "https"):
                assert {"noopener", "noreferrer"} <= rel, f"{name}: {href}"


def test_the_plan_page_links_to_the_plans_site_without_referrer(client: Client, site: None) -> None:
    found = markup(client.get(PUBLIC_PAGES["plan"]).content.decode())
    outside = {href for href, rel in found.links if {"noopener", "noreferrer"} <= rel}
    assert {"https://plan.example.org/", "https://plan.example.org/doctors"} <= outside


# --- The admin ----------------------------------------------------------------------


def _nonce_matches(response_html: str, header: str) -> str:
    nonces = set(re.findall(r'nonce="([^"]+)"', response_html))
    assert len(nonces) == 1, nonces
    nonce = nonces.pop()
    csp = csp_directives(header)
    assert f"'nonce-{nonce}'" in csp["script-src"]
    assert f"'nonce-{nonce}'" in csp["style-src"]
    return nonce


def test_admin_login_gets_the_nonce_policy(client: Client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    first = _nonce_matches(response.content.decode(), response["Content-Security-Policy"])
    again = client.get(reverse("admin:login"))
    assert _nonce_matches(again.content.decode(), again["Content-Security-Policy"]) != first
    assert csp_directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert "Permissions-Policy" in response
    assert "ETag" not in response  # never treated as a public page


def test_admin_pages_work_under_their_policy(client: Client, demo_catalog: None) -> None:
    user = User.objects.create_superuser("headers-admin", password="not used 1234567")
    client.force_login(user)
    for name in ("admin:index", "admin:plans_plan_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _nonce_matches(response.content.decode(), response["Content-Security-Policy"])
        assert "ETag" not in response
    plan = Plan.objects.filter(is_sample=True).first()
    assert plan is not None
    change = client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert change.status_code == 200
    _nonce_matches(change.content.decode(), change["Content-Security-Policy"])


def test_admin_cookies_are_secure_httponly_and_stay_in_the_admin(client: Client) -> None:
    User.objects.create_superuser("cookie-admin", password="a long test password 123")
    login_page = client.get(reverse("admin:login"))
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        reverse("admin:login"),
        {"username": "cookie-admin", "password": "a long test password 123"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        assert cookie["secure"] and cookie["httponly"]
        # Never sent with a public page, so those stay anonymous and cacheable.
        assert cookie["path"] == f"/{settings.ADMIN_URL}"


def test_the_admin_policy_allows_the_history_pages_inline_style_by_hash() -> None:
    # django-simple-history's history list has an inline style attribute; an upgrade that
    # changes it must change the hash in ADMIN_CSP, or the browser refuses it again.
    import simple_history

    template = Path(simple_history.__file__).parent / "templates/simple_history"
    styles = {
        style
        for path in template.glob("*.html")
        for style in re.findall(r'style="([^"]*)"', path.read_text(encoding="utf-8"))
    }
    assert styles
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in settings.ADMIN_CSP["style-src"], style
    assert "'unsafe-inline'" not in settings.ADMIN_CSP["style-src"]
