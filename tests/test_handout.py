"""The counselor's printed summary (/results/print/), the short top of the results page
and the compare table, through the test client (issue 15)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.test_wizard import FULL_DUAL

pytestmark = pytest.mark.django_db

THREE = ["2026:H9001-001", "2027:H9006-001", "2027:H9002-001"]


def handout(client: Client, plans: list[str], **answers: str):  # type: ignore[no-untyped-def]
    query = urlencode([*{**FULL_DUAL, **answers}.items(), *(("plan", p) for p in plans)])
    return client.get(f"/en/results/print/?{query}")


def test_handout_lists_the_picked_plans_and_everything_to_take_home(
    client: Client, demo_catalog: None
) -> None:
    response = handout(client, THREE)
    assert response.status_code == 200
    body = response.content.decode()
    names = re.findall(
        r'<article class="handout-plan"[^>]*>\s*<h3 id="plan-\d+">([^<]+)</h3>', body
    )
    assert names == [
        "Sample Sunshine Complete (FIDE)",
        "Sample Everglades PACE",
        "Sample Bay Care Connect (HIDE)",
    ]
    assert "H9001-001" in body and "Plan year 2027" in body
    assert "Another choice: Original Medicare" in body
    assert "Free help choosing" in body and "1-800-633-4227" in body
    assert "Miami-Dade County, Florida" in body and "65 or older" in body
    # The reopen link (and its QR code) go to the results with the same answers.
    reopen = re.search(r'<a class="reopen-address" href="([^"]+)">([^<]+)</a>', body)
    assert reopen is not None
    href, shown = (part.replace("&amp;", "&") for part in reopen.groups())
    assert shown == f"http://testserver{href}"  # printed in full, to type in
    assert href.startswith("/en/results/?zip=33125&county=12086")
    assert "&plan=" not in href and "counselor" not in href
    assert client.get(href).status_code == 200
    # Both kinds picked can be joined: how to join each, said once.
    assert body.count("How to join a D-SNP:") == 1 and body.count("How to join PACE:") == 1


def test_the_qr_code_is_inline_svg_without_inline_style(client: Client, demo_catalog: None) -> None:
    body = handout(client, THREE[:1]).content.decode()
    svg = re.search(r'<div class="qr" aria-hidden="true"><svg [^>]*class="qr-code".*?</svg>', body)
    assert svg is not None
    assert "style" not in svg.group(0) and "<script" not in svg.group(0)
    assert re.search(r"<path [^>]*d=\"M", svg.group(0))


def test_handout_asks_for_and_keeps_nothing_personal(client: Client, demo_catalog: None) -> None:
    response = handout(client, THREE)
    body = response.content.decode()
    assert not response.cookies and "csrfmiddlewaretoken" not in body
    assert "<form" not in body and "<input" not in body and "<textarea" not in body


def test_no_plan_picked_still_gives_the_rest(client: Client, demo_catalog: None) -> None:
    response = handout(client, [])
    assert response.status_code == 200
    body = response.content.decode()
    assert "No plans were picked." in body and 'class="handout-plan"' not in body
    assert "Another choice: Original Medicare" in body


@pytest.mark.parametrize(
    "plan",
    [
        "2026:H0000-000",  # no such plan
        "2026:H9101-001",  # a California plan: not among Miami-Dade's results
        "<script>alert(1)</script>",
        "2026:H9007-001",  # a draft
    ],
)
def test_a_tampered_plan_gets_a_plain_400(client: Client, demo_catalog: None, plan: str) -> None:
    response = handout(client, [THREE[0], plan])
    assert response.status_code == 400
    body = response.content.decode()
    assert "This link names a plan that is not among these results" in body
    assert "<script>alert" not in body
    assert "Back to your results" in body


def test_too_many_plans_and_bad_answers(client: Client, demo_catalog: None) -> None:
    many = handout(client, [f"2026:H9{n:03d}-001" for n in range(41)])
    assert many.status_code == 400
    bad = handout(client, THREE, medicaid="lots")
    assert bad.status_code == 302 and "/en/find/medicaid/" in bad["Location"]
    assert handout(client, THREE, date="2026-13-01").status_code == 400


def test_results_top_is_a_short_summary_with_the_full_list_behind_one_control(
    client: Client, demo_catalog: None
) -> None:
    body = client.get(f"/en/results/?{urlencode(FULL_DUAL)}").content.decode()
    assert '<p class="answer-summary">Full Medicaid · 65 or older · Miami-Dade County</p>' in body
    details = re.search(r'<details class="change-answers">.*?</details>', body, flags=re.S)
    assert details is not None
    assert "<summary>Change your answers</summary>" in details.group(0)
    assert details.group(0).count('class="answer-row"') == 10
    # The same for every plan of a kind is said once per group, not on every card.
    cards = re.findall(r'<article class="plan-card".*?</article>', body, flags=re.S)
    assert len(cards) == 14
    assert not any("How to join" in card or "1-800-MEDICARE" in card for card in cards)
    joinable_kind_groups = sum(
        len(re.findall(r'<div class="kind-group">', section))
        for section in re.findall(
            r'<section class="status-group status-(?:eligible|may_qualify)".*?</section>',
            body,
            flags=re.S,
        )
    )
    assert body.count("<strong>How to join:</strong>") == joinable_kind_groups >= 2
    # The print button only in the counselor view, as a second action of the same form.
    assert "Print a summary" not in body
    counselor = client.get(f"/en/results/?{urlencode({**FULL_DUAL, 'counselor': '1'})}")
    assert 'formaction="/en/results/print/"' in counselor.content.decode()


def test_spanish_summary_and_handout(client: Client, demo_catalog: None) -> None:
    body = client.get(f"/es/results/?{urlencode(FULL_DUAL)}").content.decode()
    assert "<summary>Cambiar sus respuestas</summary>" in body
    query = urlencode([*FULL_DUAL.items(), ("plan", THREE[0])])
    printed = client.get(f"/es/results/print/?{query}").content.decode()
    assert "Sus opciones de planes: un resumen" in printed


def test_compare_is_a_table_with_one_row_per_fact(client: Client, demo_catalog: None) -> None:
    query = urlencode([*FULL_DUAL.items(), *(("plan", p) for p in THREE)])
    body = client.get(f"/en/compare/?{query}").content.decode()
    table = re.search(r'<table class="compare-table compare-3">.*?</table>', body, flags=re.S)
    assert table is not None
    html = table.group(0)
    assert len(re.findall(r'<th scope="col"', html)) == 3
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    fact_rows = [r for r in rows if '<th scope="row">' in r]
    assert len(fact_rows) >= 9  # without Star Ratings data; more rows with it
    for row in fact_rows:
        # Every fact row has exactly one cell per plan, so facts line up across plans.
        assert len(re.findall(r"<td[ >]", row)) == 3, row[:120]
    labels = [re.search(r'<th scope="row">(.*?)</th>', r).group(1) for r in fact_rows]  # type: ignore[union-attr]
    assert len(labels) == len(set(labels)), "a fact appears twice"
    for label in ("When you can join", "Kind of plan", "Monthly premium", "Star Ratings"):
        assert label in labels
