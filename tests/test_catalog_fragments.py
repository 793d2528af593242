"""Parts of pages rendered once per catalog version ({% catalog_fragment %}, the footer's
taglines, the plan page's plan): a page served from them is byte for byte the page
rendered afresh, in either language and in any order, and a catalog change shows on the
next request."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.template import Context, Template
from django.test import Client

from finder import facts
from plans.content import load_content
from plans.models import Plan
from tests.test_golden_pages import PAGES, _check

# Outside a transaction: finder/facts.py keeps nothing inside one.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


@pytest.fixture
def catalog(demo_catalog: None, settings) -> None:  # type: ignore[no-untyped-def]
    load_content()
    settings.PAGE_CACHE = False
    facts.clear_local()


def test_pages_from_kept_fragments_match_the_golden_pages(
    catalog: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("finder.views._today", lambda: datetime.date(2026, 11, 22))
    question_pages = [p for p in PAGES if p[0].startswith("question-")]
    plan = Plan.objects.published().order_by("plan_year", "contract_id", "pbp").first()
    assert plan is not None
    # Twice round, languages interleaved: the second round is served from kept parts.
    for _round in range(2):
        for language in ("en", "es"):
            for name, url, _day in question_pages:
                response = client.get(f"/{language}{url}")
                assert response.status_code == 200
                _check(f"{name}.{language}", response.content.decode())
            url = f"/{language}/plans/{plan.plan_year}/{plan.cms_id}/"
            first, again = client.get(url), client.get(url)
            assert first.status_code == again.status_code == 200
            assert first.content == again.content


def test_a_catalog_change_shows_on_the_next_request(catalog: None, client: Client) -> None:
    plan = Plan.objects.published().order_by("plan_year", "contract_id", "pbp").first()
    assert plan is not None
    url = f"/en/plans/{plan.plan_year}/{plan.cms_id}/"
    assert plan.name in client.get(url).content.decode()
    banner = "Sample data."
    assert banner in client.get("/en/").content.decode()  # the demo rows are samples
    Plan.objects.update(is_sample=False)  # in bulk: no signal, the version stays
    assert banner in client.get("/en/").content.decode()  # kept for this version
    plan.name, plan.is_sample = "Renamed Plan For The Test", False
    plan.save()  # raises the catalog version on commit
    assert "Renamed Plan For The Test" in client.get(url).content.decode()
    assert banner not in client.get("/en/").content.decode()


class Renders:
    """``{{ counter.next }}`` in a template: 0, 1, 2… each time that part is rendered."""

    def __init__(self) -> None:
        self._calls = itertools.count()

    def next(self) -> int:
        return next(self._calls)


def test_a_fragment_renders_once_per_language_and_vary_on_value(
    catalog: None, rf: pytest.FixtureRequest
) -> None:
    from django.utils import translation

    template = Template(
        '{% load i18n finder_tags %}{% catalog_fragment "t" which %}'
        "{% translate 'Glossary' %} {{ which }} {{ counter.next }}{% endcatalog_fragment %}"
    )
    counter = Renders()

    request = rf.get("/en/")  # type: ignore[attr-defined]

    def render(which: str) -> str:
        return template.render(Context({"request": request, "which": which, "counter": counter}))

    with translation.override("en"):
        assert render("a") == "Glossary a 0"
        assert render("a") == "Glossary a 0"  # kept
        assert render("b") == "Glossary b 1"
    with translation.override("es"):
        assert render("a") == "Glosario a 2"
    # Not a page (no request in the context): rendered every time, nothing kept.
    with translation.override("en"):
        plain = template.render(Context({"which": "a", "counter": counter}))
    assert plain == "Glossary a 3"
