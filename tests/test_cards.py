"""The results cards written in Python (finder/cards.py): what the demo's golden pages
do not show (no demo plan has a phone number or a name with markup characters)."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from plans.models import Plan
from tests.test_wizard import FULL_DUAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_november_22(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("finder.views._today", lambda: datetime.date(2026, 11, 22))


def _card(body: str, cms_id: str, plan_year: int = 2026) -> str:
    found = re.search(
        rf'<article class="plan-card"(?:(?!</article>).)*value="{plan_year}:{cms_id}".*?</article>',
        body,
        re.S,
    )
    assert found is not None, f"no card for {plan_year}:{cms_id}"
    return found.group(0)


def test_a_card_gives_the_plans_phone_and_tty(
    client: Client, demo_catalog: None, on_november_22: None
) -> None:
    dsnp = Plan.objects.get(plan_year=2026, contract_id="H9001", pbp="001")
    dsnp.phone, dsnp.tty = "1-800-555-0100", "711"
    dsnp.save()
    pace = Plan.objects.get(plan_year=2026, contract_id="H9006", pbp="001")
    pace.phone, pace.tty = "800-555-0199", ""
    pace.save()
    body = client.get(f"/en/results/?{urlencode(FULL_DUAL)}").content.decode()
    assert (
        '<p class="plan-phone">Call the plan: <a href="tel:1-800-555-0100">1-800-555-0100</a>'
        " (TTY 711)</p>" in _card(body, "H9001-001")
    )
    assert (
        '<p class="plan-phone">Call the PACE organization: '
        '<a href="tel:800-555-0199">800-555-0199</a></p>' in _card(body, "H9006-001")
    )
    spanish = client.get(f"/es/results/?{urlencode(FULL_DUAL)}").content.decode()
    card = _card(spanish, "H9001-001")
    assert '<a href="tel:1-800-555-0100">' in card and "Call the plan" not in card


def test_a_plan_name_with_markup_characters_is_escaped(
    client: Client, demo_catalog: None, on_november_22: None
) -> None:
    plan = Plan.objects.get(plan_year=2026, contract_id="H9001", pbp="001")
    plan.name = 'Sample <b>Sun</b> & "Shine" O\'Care'
    plan.save()
    escaped = "Sample &lt;b&gt;Sun&lt;/b&gt; &amp; &quot;Shine&quot; O&#x27;Care"
    for counselor, label in (({}, f"Compare {escaped}"), ({"counselor": "1"}, f"Pick {escaped}")):
        query = urlencode({**FULL_DUAL, **counselor})
        card = _card(client.get(f"/en/results/?{query}").content.decode(), "H9001-001")
        assert f">{escaped}</a></h4>" in card
        assert f">{label}" in card
        assert "<b>" not in card
