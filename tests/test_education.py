"""Education pages, the glossary and the language taglines: content loaded from the
files, pages in English and Spanish, safe article rendering, state articles, glossary
links whose definitions are on the same page without JavaScript, taglines with the
right lang and dir."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from finder.education import TOPICS, text_direction
from finder.glossary import CHOICE_TERMS
from finder.safe_markdown import plain_text, render, render_inline
from plans.content import (
    ContentError,
    load_content,
    parse_article,
    read_articles,
    read_glossary,
    read_taglines,
)
from plans.models import Article, GlossaryTerm, LanguageTagline, PublicationStatus, State

pytestmark = pytest.mark.django_db

ARTICLES = read_articles()
SLUGS = sorted({a.slug for a in ARTICLES})
DEMO_DATE = "2026-11-22"
MEDICAID_STEP = "/{lang}/find/medicaid/?" + urlencode(
    {"zip": "33125", "county": "12086", "medicare": "ab", "coverage": "original"}
)
RESULTS = "/{lang}/results/?" + urlencode(
    {"zip": "33125", "county": "12086", "medicare": "ab", "medicaid": "full", "date": DEMO_DATE}
)
# Every term the wizard and the results use must be in the glossary, in both languages.
REQUIRED_TERMS = {
    "medicare-part-a", "medicare-part-b", "medicaid", "full-benefit-dual", "qmb", "qmb-plus",
    "slmb", "slmb-plus", "qi", "qdwi", "fbde", "medicare-savings-program", "extra-help",
    "dsnp", "fide-snp", "hide-snp", "coordination-only-dsnp", "aip",
    "exclusively-aligned-enrollment", "medicaid-plan", "fee-for-service-medicaid", "pace",
    "nursing-home-level-of-care", "medicare-advantage", "original-medicare", "premium",
    "copay", "ship", "enrollment-period", "annual-enrollment-period",
    "special-enrollment-period", "star-rating", "service-area", "sanction",
    "enrollment-broker", "ombudsman", "tty",
}  # fmt: skip


@pytest.fixture
def content(db: None) -> None:
    load_content()


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def anchors_and_ids(page: str) -> tuple[set[str], set[str], set[str]]:
    links = set(re.findall(r'href="#(glossary-[a-z0-9-]+)"', page))
    described = set(re.findall(r'aria-describedby="(glossary-[a-z0-9-]+)"', page))
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    return links, described, ids


# --- Loading the files --------------------------------------------------------------


def test_every_article_exists_in_english_and_spanish() -> None:
    by_slug: dict[str, set[str]] = {}
    for article in ARTICLES:
        by_slug.setdefault(article.slug, set()).add(article.language)
    assert len(by_slug) >= 14
    assert all(languages == {"en", "es"} for languages in by_slug.values())


def test_load_content_creates_national_published_rows_and_is_idempotent() -> None:
    first = load_content()
    assert first.articles.added == len(ARTICLES)
    assert first.glossary.added == len(read_glossary())
    assert first.taglines.added == len(read_taglines())
    for model in (Article, GlossaryTerm, LanguageTagline):
        rows = model.objects.all()
        assert rows.exists()
        assert all(r.state_id is None for r in rows)
        assert all(r.status == PublicationStatus.PUBLISHED and not r.is_sample for r in rows)
        assert all(r.last_reviewed and r.source for r in rows)
    assert all(a.sources.strip() for a in Article.objects.all())
    assert all(t.sources.strip() for t in GlossaryTerm.objects.all())

    second = load_content()
    for counts in (second.articles, second.glossary, second.taglines):
        assert counts.added == counts.changed == counts.removed == 0
        assert counts.unchanged > 0


def test_load_content_updates_changed_rows_and_keeps_unknown_ones_unless_pruned() -> None:
    load_content()
    Article.objects.filter(slug="pace", language="en").update(title="Edited by hand")
    extra = GlossaryTerm.objects.create(
        slug="admin-term", language="en", term="Admin term", definition="Added in the admin."
    )
    report = load_content()
    assert report.articles.changed == 1
    assert Article.objects.get(slug="pace", language="en").title != "Edited by hand"
    assert "admin-term/en" in report.glossary.not_in_files
    assert GlossaryTerm.objects.filter(pk=extra.pk).exists()
    pruned = load_content(prune=True)
    assert pruned.glossary.removed == 1
    assert not GlossaryTerm.objects.filter(pk=extra.pk).exists()


def test_load_content_command_reports(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_content")
    out = capsys.readouterr().out
    assert "Articles:" in out and "Glossary terms:" in out and "Language taglines:" in out


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    source = Path(__file__).resolve().parent.parent / "fixtures" / "content"
    for name in ("glossary.toml", "taglines.toml"):
        (folder / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "articles" / "pace.en.md").write_text("no header\n", encoding="utf-8")
    with pytest.raises(ContentError, match="pace.en.md"):
        load_content(directory=folder)
    assert not Article.objects.exists() and not GlossaryTerm.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("+++\nslug = 'pace'\n+++\nBody\n", "missing header keys"),
        (
            "+++\nslug='pace'\nlanguage='en'\ntitle='T'\nsummary='S'\nlast_reviewed=2026-11-23\n"
            "sources=['x']\ncolor='red'\n+++\nBody\n",
            "unknown header keys",
        ),
        (
            "+++\nslug='pace'\nlanguage='fr'\ntitle='T'\nsummary='S'\nlast_reviewed=2026-11-23\n"
            "sources=['x']\n+++\nBody\n",
            "language must be",
        ),
        (
            "+++\nslug='pace'\nlanguage='en'\ntitle='T'\nsummary='S'\nlast_reviewed='soon'\n"
            "sources=['x']\n+++\nBody\n",
            "must be a date",
        ),
        (
            "+++\nslug='pace'\nlanguage='en'\ntitle='T'\nsummary='S'\nlast_reviewed=2026-11-23\n"
            "sources=[]\n+++\nBody\n",
            "at least one source",
        ),
    ],
)
def test_article_header_problems_are_named(text: str, problem: str) -> None:
    with pytest.raises(ContentError, match=problem):
        parse_article(text, path=Path("pace.en.md"))


def test_article_links_point_to_existing_articles() -> None:
    for article in ARTICLES:
        for slug in re.findall(r"\]\(learn:([a-z0-9-]+)\)", article.body):
            assert slug in SLUGS, f"{article.path.name} links to unknown article {slug}"


def test_every_article_is_placed_in_a_topic() -> None:
    placed = {slug for topic in TOPICS for slug in topic.slugs}
    assert placed == set(SLUGS)


def test_the_glossary_has_every_term_the_wizard_and_results_use() -> None:
    terms = read_glossary()
    for language in ("en", "es"):
        slugs = {t.slug for t in terms if t.language == language}
        assert not REQUIRED_TERMS - slugs, REQUIRED_TERMS - slugs
    choice_slugs = {slug for choices in CHOICE_TERMS.values() for slug in choices.values()}
    assert choice_slugs <= {t.slug for t in terms}


# --- The safe Markdown subset ---------------------------------------------------------


def test_markdown_subset() -> None:
    out = render(
        "# Title\n\nOne **bold** line\ncontinues.\n\n- a\n- [b](https://example.org)\n\n"
        "1. first\n2. second\n\n### Small"
    )
    assert "<h2>Title</h2>" in out
    assert "<p>One <strong>bold</strong> line continues.</p>" in out
    link = '<a href="https://example.org" rel="noopener noreferrer">b</a>'
    assert f"<ul><li>a</li><li>{link}</li></ul>" in out
    assert "<ol><li>first</li><li>second</li></ol>" in out
    assert "<h3>Small</h3>" in out


def test_markdown_escapes_everything_else() -> None:
    out = render(
        '<script>alert("x")</script>\n\n[click](javascript:alert(1)) '
        '[x](data:text/html,hi) <img src=x onerror=alert(1)> & "quotes"'
    )
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert 'href="javascript' not in out and 'href="data:' not in out
    assert "&amp;" in out and "&quot;quotes&quot;" in out


def test_markdown_link_attributes_are_escaped() -> None:
    out = render_inline('[a](https://example.org/?q="><script>)')
    assert "<script>" not in out


def test_plain_text_gives_one_unit_per_block_and_item() -> None:
    assert plain_text("## Head\n\nSome [link](https://x.org) text.\n\n- one\n- two") == [
        "Head",
        "Some link text.",
        "one",
        "two",
    ]


# --- Pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_education_pages_answer_in_both_languages(
    client: Client, content: None, language: str
) -> None:
    index = html(client, f"/{language}/learn/")
    assert f'lang="{language}"' in index
    for slug in SLUGS:
        assert f'href="/{language}/learn/{slug}/"' in index
        page = html(client, f"/{language}/learn/{slug}/")
        article = Article.objects.get(slug=slug, language=language, state__isnull=True)
        assert article.title in page.replace("&#x27;", "'").replace("&quot;", '"')
        assert 'id="sources-heading"' in page
        assert page.count("<h1") == 1
    glossary = html(client, f"/{language}/glossary/")
    for term in GlossaryTerm.objects.filter(language=language):
        assert f'id="glossary-{term.slug}"' in glossary


def test_article_page_shows_sources_and_last_reviewed_date(client: Client, content: None) -> None:
    page = html(client, "/en/learn/pace/")
    assert "https://www.ecfr.gov/current/title-42/section-460.150" in page
    assert "Last reviewed:" in page


def test_article_body_escapes_html(client: Client, content: None) -> None:
    Article.objects.create(
        slug="unsafe",
        language="en",
        title="<b>Title</b>",
        summary="S",
        body='Hello <script>alert("x")</script>\n\n[bad](javascript:alert(1))',
        sources="<i>source</i>\n[bad source](javascript:alert(2))",
        status=PublicationStatus.PUBLISHED,
        last_reviewed=date(2026, 11, 23),
    )
    page = html(client, "/en/learn/unsafe/")
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Title</b>" not in page and "&lt;b&gt;Title&lt;/b&gt;" in page
    assert "<i>source</i>" not in page
    assert 'href="javascript:' not in page


def test_unknown_or_unpublished_article_is_404(client: Client, content: None) -> None:
    assert client.get("/en/learn/no-such-article/").status_code == 404
    Article.objects.filter(slug="pace", language="en").update(status=PublicationStatus.DRAFT)
    assert client.get("/en/learn/pace/").status_code == 404
    assert client.get("/es/learn/pace/").status_code == 200


def test_state_article_shows_only_with_its_state(client: Client, content: None) -> None:
    florida = State.objects.create(code="FL", fips="12", name="Florida")
    State.objects.create(code="CA", fips="06", name="California")
    Article.objects.create(
        slug="florida-medicaid",
        language="en",
        state=florida,
        title="Florida's Medicaid plans",
        summary="For Florida.",
        body="Only in Florida.",
        sources="Florida Medicaid",
        status=PublicationStatus.PUBLISHED,
        last_reviewed=date(2026, 11, 23),
    )
    assert "Florida&#x27;s Medicaid plans" not in html(client, "/en/learn/")
    with_state = html(client, "/en/learn/?state=FL")
    assert "Florida&#x27;s Medicaid plans" in with_state
    assert 'href="/en/learn/florida-medicaid/?state=FL"' in with_state
    assert 'href="/en/learn/pace/?state=FL"' in with_state  # national ones stay
    assert "Florida&#x27;s Medicaid plans" not in html(client, "/en/learn/?state=CA")
    assert client.get("/en/learn/florida-medicaid/").status_code == 404
    assert client.get("/en/learn/florida-medicaid/?state=CA").status_code == 404
    assert client.get("/en/learn/florida-medicaid/?state=fl").status_code == 200
    assert client.get("/en/learn/?state=<x>").status_code == 200  # ignored, not an error


def test_state_article_replaces_national_one_with_the_same_slug(
    client: Client, content: None
) -> None:
    florida = State.objects.create(code="FL", fips="12", name="Florida")
    Article.objects.create(
        slug="pace",
        language="en",
        state=florida,
        title="PACE in Florida",
        summary="S",
        body="Florida's PACE.",
        sources="Florida",
        status=PublicationStatus.PUBLISHED,
        last_reviewed=date(2026, 11, 23),
    )
    assert "PACE in Florida" in html(client, "/en/learn/pace/?state=FL")
    assert "PACE in Florida" not in html(client, "/en/learn/pace/")
    index = html(client, "/en/learn/?state=FL")
    assert index.count('href="/en/learn/pace/?state=FL"') == 1


def test_language_switch_keeps_the_article(client: Client, content: None) -> None:
    page = html(client, "/en/learn/pace/?state=FL")
    assert 'href="/es/learn/pace/?state=FL"' in page
    assert 'href="/en/learn/pace/"' in html(client, "/es/learn/pace/")
    assert 'href="/es/glossary/"' in html(client, "/en/glossary/")


def test_start_page_and_footer_link_to_learning(client: Client, content: None) -> None:
    start = html(client, "/en/")
    assert start.count('href="/en/learn/"') == 2  # the start page and the footer
    assert start.count('href="/en/glossary/"') == 2
    assert 'href="/es/learn/"' in html(client, "/es/")


def test_education_pages_set_no_cookie(client: Client, content: None) -> None:
    for url in ("/en/learn/", "/en/learn/pace/", "/es/glossary/"):
        assert not client.get(url).cookies


# --- Glossary links ---------------------------------------------------------------------


def linked_pages(client: Client) -> dict[str, str]:
    return {
        "medicaid step (en)": html(client, MEDICAID_STEP.format(lang="en")),
        "medicaid step (es)": html(client, MEDICAID_STEP.format(lang="es")),
        "results (en)": html(client, RESULTS.format(lang="en")),
        "results (es)": html(client, RESULTS.format(lang="es")),
        "article (en)": html(client, "/en/learn/how-integrated/"),
        "article (es)": html(client, "/es/learn/how-integrated/"),
    }


def test_glossary_anchors_exist_for_every_linked_term(
    client: Client, demo_catalog: None, content: None
) -> None:
    for name, page in linked_pages(client).items():
        links, described, ids = anchors_and_ids(page)
        assert links, f"{name}: no glossary links"
        assert links <= ids, f"{name}: links without a definition: {links - ids}"
        assert described <= ids, f"{name}: descriptions missing: {described - ids}"
        assert len(re.findall(r'\bid="glossary-on-page-\d+"', page)) <= 2
        ids_list = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids_list) == len(set(ids_list)), f"{name}: duplicate ids"


def test_medicaid_question_links_terms_in_hints_and_explains_choices(
    client: Client, demo_catalog: None, content: None
) -> None:
    page = html(client, MEDICAID_STEP.format(lang="en"))
    # Hints and "why we ask" carry links; labels never contain interactive content.
    for label in re.findall(r"<label\b[^>]*>(.*?)</label>", page, flags=re.S):
        assert "<a " not in label and "<details" not in label
    assert 'class="term" href="#glossary-medicaid"' in page
    # Each category choice has a <details> with the definition, outside its label.
    for slug in ("qmb-plus", "slmb-plus", "qmb", "slmb", "qi", "qdwi", "fbde"):
        term = GlossaryTerm.objects.get(slug=slug, language="en")
        assert f"What “{term.term}” means" in page
        assert term.definition.replace('"', "&quot;") in page


def test_results_link_kind_explanations_and_integration_levels(
    client: Client, demo_catalog: None, content: None
) -> None:
    page = html(client, RESULTS.format(lang="en"))
    links, _described, _ids = anchors_and_ids(page)
    assert {"glossary-dsnp", "glossary-pace", "glossary-medicare-advantage"} <= links
    assert links & {"glossary-fide-snp", "glossary-hide-snp", "glossary-coordination-only-dsnp"}
    spanish = html(client, RESULTS.format(lang="es"))
    assert 'href="#glossary-dsnp"' in spanish


def test_definitions_are_readable_without_javascript(
    client: Client, demo_catalog: None, content: None
) -> None:
    """The definitions are in the page itself: plain <dl> entries and <details>, never
    hidden or loaded by a script."""
    page = html(client, MEDICAID_STEP.format(lang="en"))
    section = re.search(r'<section class="glossary-on-page".*?</section>', page, flags=re.S)
    assert section is not None
    assert "hidden" not in section.group(0) and "<script" not in section.group(0)
    medicaid = GlossaryTerm.objects.get(slug="medicaid", language="en")
    assert f'<dd id="glossary-medicaid-def">{medicaid.definition}</dd>' in section.group(0)
    details = re.findall(r'<details class="choice-term">.*?</details>', page, flags=re.S)
    assert details and all("<summary>" in d and "<p>" in d for d in details)


def test_each_term_is_linked_once_per_page(
    client: Client, demo_catalog: None, content: None
) -> None:
    page = html(client, RESULTS.format(lang="en"))
    links = re.findall(r'href="#(glossary-[a-z0-9-]+)"', page)
    assert len(links) == len(set(links))


def test_unpublished_terms_are_not_linked(
    client: Client, demo_catalog: None, content: None
) -> None:
    GlossaryTerm.objects.filter(slug="medicaid").update(status=PublicationStatus.DRAFT)
    page = html(client, MEDICAID_STEP.format(lang="en"))
    assert 'href="#glossary-medicaid"' not in page
    assert 'id="glossary-medicaid"' not in page


def test_htmx_step_brings_its_own_definitions(
    client: Client, demo_catalog: None, content: None
) -> None:
    response = client.get(MEDICAID_STEP.format(lang="en"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    links, _described, ids = anchors_and_ids(page)
    assert links and links <= ids


def test_glossary_page_lists_terms_alphabetically_with_sources(
    client: Client, content: None
) -> None:
    page = html(client, "/es/glossary/")
    terms = re.findall(r'<dt id="glossary-[a-z0-9-]+">([^<]+)</dt>', page)
    assert len(terms) == GlossaryTerm.objects.filter(language="es").count()

    def key(text: str) -> str:  # accents and case ignored: "Área" sorts with "a"
        text = unicodedata.normalize("NFKD", text)
        return "".join(c for c in text if not unicodedata.combining(c)).casefold()

    assert terms == sorted(terms, key=key)
    assert terms != sorted(terms)  # "Área de servicio" is not sorted after "Z…"
    assert "https://www.ecfr.gov/" in page


# --- Taglines ---------------------------------------------------------------------------


def tagline_items(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li lang="([^"]+)" dir="(ltr|rtl)">', page)


def test_footer_shows_the_national_taglines_with_lang_and_dir(
    client: Client, content: None
) -> None:
    items = tagline_items(html(client, "/en/"))
    codes = [code for code, _dir in items]
    assert codes == [t.language_code for t in read_taglines()]
    assert len(codes) == 15
    assert dict(items)["ar"] == "rtl" and dict(items)["fa"] == "rtl"
    assert all(direction == "ltr" for code, direction in items if code not in ("ar", "fa"))
    for tagline in read_taglines():
        assert "1-800-MEDICARE" in tagline.text and "1-800-633-4227" in tagline.text
        assert "1-877-486-2048" in tagline.text and "SHIP" in tagline.text


def test_spanish_pages_leave_out_the_spanish_tagline(client: Client, content: None) -> None:
    codes = [code for code, _dir in tagline_items(html(client, "/es/learn/"))]
    assert "es" not in codes and "zh-Hant" in codes


def test_a_state_s_own_taglines_replace_the_national_list_on_its_results(
    client: Client, demo_catalog: None, content: None
) -> None:
    national = [code for code, _dir in tagline_items(html(client, RESULTS.format(lang="en")))]
    assert len(national) == 15
    LanguageTagline.objects.create(
        state_id="FL",
        language_code="ht",
        language_name="Kreyòl ayisyen",
        text="Florida tagline (sample).",
        status=PublicationStatus.PUBLISHED,
        last_reviewed=date(2026, 11, 23),
    )
    LanguageTagline.objects.create(
        state_id="FL",
        language_code="vi",
        language_name="Tiếng Việt",
        text="Draft, not shown.",
        status=PublicationStatus.DRAFT,
    )
    results = html(client, RESULTS.format(lang="en"))
    assert tagline_items(results) == [("ht", "ltr")]
    assert "Florida tagline (sample)." in results
    assert len(tagline_items(html(client, "/en/"))) == 15  # national elsewhere


def test_text_direction() -> None:
    assert text_direction("ar") == "rtl" and text_direction("fa-IR") == "rtl"
    assert text_direction("zh-Hant") == "ltr" and text_direction("ht") == "ltr"


def test_explicit_glossary_tag_links_once_and_prints_the_definition(
    rf: RequestFactory, content: None
) -> None:
    request = rf.get("/en/")
    template = Template(
        "{% load education %}{% glossary 'qmb' %}QMB{% endglossary %} and "
        "{% glossary 'qmb' %}QMB again{% endglossary %} "
        "{% glossary 'no-such-term' %}plain{% endglossary %}{% glossary_definitions %}"
    )
    with translation.override("en"):
        out = template.render(Context({"request": request}))
    assert out.count('href="#glossary-qmb"') == 1
    assert "QMB again" in out and "plain" in out
    assert '<dt id="glossary-qmb">QMB</dt>' in out


def test_the_glossary_is_read_once_per_page(client: Client, content: None) -> None:
    """The glossary page lists the terms; the footer's definitions list, with no term
    linked, reads nothing more. The start page, which links no term, reads nothing."""
    for url, expected in (("/en/glossary/", 1), ("/en/", 0)):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        reads = sum("plans_glossaryterm" in q["sql"] for q in queries.captured_queries)
        assert reads == expected, url
