"""Parts of pages kept per answer ({% answer_fragment %}): a page put together from parts
kept while rendering other pages is byte for byte the page rendered with nothing kept, for
every question, place, answer, error and language tried; and what a kept part did to the
page's glossary (terms linked, definitions printed) is done again when it is reused.

The pages are rendered in one pass that keeps everything, so each reuses what earlier,
different URLs left behind (a value missing from a fragment's vary_on shows up here as a
page that differs), then each again with every kept part forgotten."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.template import Context, Template
from django.test import Client

from finder import facts
from finder.questions import BY_NAME
from finder.wizard import STEPS
from plans.content import load_content
from tests.test_catalog_fragments import Renders

# Outside a transaction: finder/facts.py keeps nothing inside one.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

DAY = datetime.date(2026, 11, 22)
EARLIER = {
    "medicare": "ab",
    "coverage": "dsnp",
    "medicaid": "full",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "current_plan": "none",
    "age": "65plus",
    "care_needs": "no",
    "nursing_home": "no",
}
PLACES = (
    {"zip": "33125", "county": "12086"},
    {"zip": "90012", "county": "06037"},
    # The same county from another ZIP, and another county of the same state: parts kept
    # per state or per county are shared with them, parts kept per ZIP are not.
    {"zip": "90033", "county": "06037"},
    {"zip": "92801", "county": "06059"},
    {"zip": "00901", "county": "72127"},
    {"zip": "33125"},
    {},
    # Another day in view: "your plan now" lists that year's plans.
    {"zip": "33125", "county": "12086", "date": "2027-06-15"},
)


def _forget_kept_parts() -> None:
    facts.clear_local()
    caches["facts"].clear()


def _question_urls() -> list[tuple[str, dict[str, str]]]:
    urls: list[tuple[str, dict[str, str]]] = []
    for step in STEPS:
        question = BY_NAME[step]
        values: list[str | None] = [None, "bogus"]
        values += [choice.value for choice in getattr(question, "choices", ())][:3]
        if step == "zip":
            values += ["33125", "1234"]
        for place in PLACES:
            for value in values:
                answers = {**place, **{k: v for k, v in EARLIER.items() if k != step}}
                if step in ("zip", "county"):
                    answers = {k: v for k, v in answers.items() if k not in EARLIER}
                if value is not None:
                    answers[step] = value
                for language in ("en", "es"):
                    urls.append((f"/{language}/find/{step}/?{urlencode(answers)}", {}))
                urls.append((f"/en/find/{step}/?{urlencode(answers)}", {"HTTP_HX_REQUEST": "true"}))
    return urls


@pytest.fixture
def catalog(demo_catalog: None, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    load_content()
    settings.PAGE_CACHE = False
    monkeypatch.setattr("finder.views._today", lambda: DAY)
    _forget_kept_parts()


def _render_all(client: Client, urls: list[tuple[str, dict[str, str]]]) -> list[bytes]:
    pages = []
    for url, headers in urls:
        response = client.get(url, **headers)
        assert response.status_code in (200, 302, 400), (url, response.status_code)
        pages.append(response.content)
    return pages


def test_question_pages_from_kept_parts_match_pages_rendered_afresh(
    catalog: None, client: Client
) -> None:
    urls = _question_urls()
    assert len(urls) > 300
    kept = _render_all(client, urls)
    rendered = 0
    for (url, headers), page in zip(urls, kept, strict=True):
        _forget_kept_parts()
        afresh = client.get(url, **headers).content
        assert page == afresh, f"{url} {headers}: kept parts differ from a fresh render"
        rendered += b'class="question-heading"' in page
    # Most of them are real question pages, not redirects.
    assert rendered > 250


def test_results_pages_from_kept_parts_match_pages_rendered_afresh(
    catalog: None, client: Client
) -> None:
    base = {"zip": "33125", "county": "12086", **EARLIER, "coverage": "original"}
    variants = [
        {},
        {"medicaid": "qmb", "medicaid_plan": ""},
        {"medicaid": "slmb_plus"},
        {"medicaid": "not_sure"},
        {"medicaid": "none", "medicaid_plan": ""},
        {"age": "55-59", "care_needs": "yes"},
        {"age": "under18"},
        {"nursing_home": "yes"},
        {"medicare": "a_only"},
        {"medicare": "neither"},
        {"coverage": "dsnp", "current_plan": "none"},
        {"medicaid_change": "yes"},
        {"date": "2026-12-04"},
        {"date": "2026-12-04", "year": "all"},
        {"date": "2027-06-15"},
        {"counselor": "1"},
        {"sort": "stars"},
        {"sort": "cost"},
        {"zip": "90012", "county": "06037"},
        {"zip": "00901", "county": "72127"},
        {"zip": "92801", "county": "06059"},
    ]
    urls = []
    for variant in variants:
        answers = {k: v for k, v in {**base, **variant}.items() if v != ""}
        for language in ("en", "es"):
            urls.append((f"/{language}/results/?{urlencode(answers)}", {}))
        urls.append((f"/en/results/?{urlencode(answers)}", {"HTTP_HX_REQUEST": "true"}))
    kept = _render_all(client, urls)
    for (url, headers), page in zip(urls, kept, strict=True):
        _forget_kept_parts()
        afresh = client.get(url, **headers).content
        assert page == afresh, f"{url} {headers}: kept parts differ from a fresh render"


def test_a_kept_part_links_and_prints_glossary_terms_as_a_render_would(
    catalog: None, rf: pytest.FixtureRequest
) -> None:
    from django.utils import translation

    from finder.glossary import anchor, published_terms

    terms = published_terms("en")
    assert terms, "the glossary content is loaded"
    slug = next(iter(terms))
    template = Template(
        '{% load finder_tags education %}{% answer_fragment "t" which %}'
        '<p>{% glossary "' + slug + '" %}first{% endglossary %} {{ which }} {{ counter.next }}</p>'
        '{% endanswer_fragment %}<p>{% glossary "' + slug + '" %}again{% endglossary %}</p>'
        "{% glossary_definitions %}"
    )
    counter = Renders()

    def render(which: str) -> str:
        request = rf.get("/en/")  # type: ignore[attr-defined]
        with translation.override("en"):
            return template.render(
                Context({"request": request, "which": which, "counter": counter})
            )

    first = render("a")
    second = render("a")  # the fragment kept: the counter is not read again
    assert first == second
    assert first.count('class="term"') == 1  # linked once, inside the kept part
    # The definitions printed after the kept part list its term, on the hit too.
    assert f'id="{anchor(slug)}-def"' in second
    other = render("b")  # another vary_on value: rendered again
    assert "b 1" in other and "a 0" in first


def test_a_kept_part_depends_on_the_glossary_state_it_starts_from(
    catalog: None, rf: pytest.FixtureRequest
) -> None:
    from django.utils import translation

    from finder.glossary import published_terms

    slug = next(iter(published_terms("en")))
    template = Template(
        '{% load finder_tags education %}{% if before %}{% glossary "' + slug + '" %}x'
        '{% endglossary %}{% endif %}{% answer_fragment "t" which %}{% glossary "'
        + slug
        + '" %}y{% endglossary %}{% endanswer_fragment %}'
    )

    def render(before: bool) -> str:
        request = rf.get("/en/")  # type: ignore[attr-defined]
        with translation.override("en"):
            return template.render(Context({"request": request, "which": 1, "before": before}))

    assert render(False).count('class="term"') == 1  # y is linked
    linked_before = render(True)
    assert linked_before.count('class="term"') == 1  # x is linked, y is not
    assert linked_before.endswith("y")
    assert render(False).endswith("y</a>")


def test_a_slot_is_put_in_on_every_use_escaped_as_a_variable_would_be(
    catalog: None, rf: pytest.FixtureRequest
) -> None:
    from django.utils import translation
    from django.utils.safestring import mark_safe

    template = Template(
        '{% load finder_tags %}{% answer_fragment "t" which slots text html %}'
        '<a href="/x?{{ text }}">{{ which }} {{ counter.next }}</a>{{ html }}'
        "{% endanswer_fragment %}"
    )
    counter = Renders()

    def render(text: str, html: str) -> str:
        request = rf.get("/en/")  # type: ignore[attr-defined]
        with translation.override("en"):
            return template.render(
                Context(
                    {
                        "request": request,
                        "which": "w",
                        "counter": counter,
                        "text": text,
                        "html": mark_safe(html),
                    }
                )
            )

    assert render("a=1&b=<2>", "<i>x</i>") == '<a href="/x?a=1&amp;b=&lt;2&gt;">w 0</a><i>x</i>'
    # Kept (the counter is not read again), with the new values put in.
    assert render("c=3", "<b>y</b>") == '<a href="/x?c=3">w 0</a><b>y</b>'
    # A value holding something like a marker is put in as it is, never searched.
    assert render("\ue0001\ue001", "z") == '<a href="/x?\ue0001\ue001">w 0</a>z'


@pytest.mark.parametrize("tag", ["catalog_fragment", "answer_fragment"])
def test_a_kept_part_cannot_hold_a_block(tag: str) -> None:
    # The layout's blocks are not looked for inside kept parts (finder_tags.py).
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="cannot hold"):
        Template(
            "{% load finder_tags %}{% " + tag + ' "x" y %}{% block content %}{% endblock %}'
            "{% end" + tag + " %}"
        )
